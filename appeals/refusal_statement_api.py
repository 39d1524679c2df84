"""`POST /api/v1/organizations/<org>/refusal-statements/`: an organization's API key (statements:write) reports up
to 1,000 refusal statements at once, in the DSA Transparency Database's statement-of-reasons schema (appeals.dsa)."""

from datetime import date
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.models import ApiKey, Organization
from appeals import dsa
from appeals.models import CLAUSE_KEY_MAX
from appeals.services import reporting
from core.throttling import ApiKeyRateThrottle

EARLIEST = date(2000, 1, 1)


def _choice(values, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=list(values), **kwargs)


def _choices(values, **kwargs) -> serializers.ListField:
    return serializers.ListField(child=_choice(values), max_length=len(values), **kwargs)


def _text(limit: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=limit, **kwargs)


class StatementInput(serializers.Serializer):
    """One statement of reasons, with the Transparency Database's field names, values and limits, plus ours:
    `ai_system` (required), `guideline` (when the organization has several) and `clause` (else the clause key is
    `incompatible_content_ground`)."""

    puid = _text(dsa.PUID_MAX)
    decision_visibility = _choices(dsa.DECISION_VISIBILITY, required=False)
    decision_visibility_other = _text(dsa.SHORT_TEXT_MAX, required=False)
    decision_monetary = _choice(dsa.DECISION_MONETARY, required=False)
    decision_monetary_other = _text(dsa.SHORT_TEXT_MAX, required=False)
    decision_provision = _choice(dsa.DECISION_PROVISION, required=False)
    decision_account = _choice(dsa.DECISION_ACCOUNT, required=False)
    account_type = _choice(dsa.ACCOUNT_TYPE, required=False)
    decision_ground = _choice(dsa.DECISION_GROUND)
    decision_ground_reference_url = serializers.URLField(max_length=dsa.SHORT_TEXT_MAX, required=False)
    illegal_content_legal_ground = _text(dsa.SHORT_TEXT_MAX, required=False)
    illegal_content_explanation = _text(dsa.TEXT_MAX, required=False)
    incompatible_content_ground = _text(dsa.SHORT_TEXT_MAX, required=False)
    incompatible_content_explanation = _text(dsa.TEXT_MAX, required=False)
    incompatible_content_illegal = _choice(dsa.YES_NO, required=False)
    category = _choice(dsa.CATEGORY)
    category_addition = _choices(dsa.CATEGORY, required=False)
    category_specification = serializers.ListField(
        child=serializers.RegexField(r"^KEYWORD_[A-Z_]{2,80}$", max_length=90), max_length=50, required=False
    )
    category_specification_other = _text(dsa.SHORT_TEXT_MAX, required=False)
    content_type = _choices(dsa.CONTENT_TYPE, allow_empty=False)
    content_type_other = _text(dsa.SHORT_TEXT_MAX, required=False)
    content_language = serializers.RegexField(r"^[A-Z]{2}$", required=False)
    content_date = serializers.DateField(input_formats=["%Y-%m-%d"])
    application_date = serializers.DateField(input_formats=["%Y-%m-%d"])
    end_date_visibility_restriction = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    end_date_monetary_restriction = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    end_date_service_restriction = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    end_date_account_restriction = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    territorial_scope = _choices(dsa.TERRITORIAL_SCOPE, allow_empty=False)
    decision_facts = _text(dsa.TEXT_MAX)
    source_type = _choice(dsa.SOURCE_TYPE)
    source_identity = _text(dsa.SHORT_TEXT_MAX, required=False)
    automated_detection = _choice(dsa.YES_NO)
    automated_decision = _choice(dsa.AUTOMATED_DECISION)
    ai_system = serializers.SlugField(max_length=60)
    guideline = serializers.SlugField(max_length=80, required=False)
    clause = _text(CLAUSE_KEY_MAX, required=False)

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError({name: ["Not a field of a statement of reasons."] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, data: dict) -> dict:
        problems: dict[str, list[str]] = {}
        decisions = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
        if not any(data.get(name) for name in decisions):
            problems["decision_visibility"] = ["Give at least one of " + ", ".join(decisions) + "."]
        required_when = [
            ("DECISION_VISIBILITY_OTHER" in data.get("decision_visibility", []), "decision_visibility_other"),
            (data.get("decision_monetary") == "DECISION_MONETARY_OTHER", "decision_monetary_other"),
            (data["decision_ground"] == dsa.ILLEGAL, "illegal_content_legal_ground"),
            (data["decision_ground"] == dsa.ILLEGAL, "illegal_content_explanation"),
            (data["decision_ground"] == dsa.INCOMPATIBLE, "incompatible_content_ground"),
            (data["decision_ground"] == dsa.INCOMPATIBLE, "incompatible_content_explanation"),
            ("CONTENT_TYPE_OTHER" in data["content_type"], "content_type_other"),
        ]
        for needed, name in required_when:
            if needed and not data.get(name):
                problems[name] = ["Required with the values given for this statement."]
        if data["decision_ground"] != dsa.INCOMPATIBLE and not data.get("clause"):
            problems["clause"] = [
                "Name the clause of the guideline cited (needed unless incompatible_content_ground is it)."
            ]
        today = timezone.localdate()
        for name in ("content_date", "application_date"):
            if not EARLIEST <= data[name] <= today:
                problems[name] = [f"A date from {EARLIEST} to today ({today}), as YYYY-MM-DD."]
        if data["application_date"] < data["content_date"]:
            problems["application_date"] = ["The decision cannot come before the content it is about (content_date)."]
        if problems:
            raise serializers.ValidationError(problems)
        return data


class BatchInput(serializers.Serializer):
    statements: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=StatementInput(), allow_empty=False, max_length=dsa.BATCH_MAX
    )


class StatementOutput(serializers.Serializer):
    puid = serializers.CharField()
    status = serializers.ChoiceField(choices=[reporting.CREATED, reporting.EXISTING])
    received_at = serializers.DateTimeField()


class BatchOutput(serializers.Serializer):
    created = serializers.IntegerField(help_text="Statements stored by this request.")
    existing = serializers.IntegerField(help_text="Statements sent again with a puid already stored: not duplicated.")
    batch_sha256 = serializers.CharField(help_text="SHA-256 of the batch's canonical JSON, as on the public record.")
    statements = StatementOutput(many=True)


class RefusalStatementBatch(APIView):
    """Report refusal statements in bulk (an API key with statements:write): `{"statements": [...]}`, 1 to 1,000
    statements of reasons. All are stored or none: a bad statement refuses the batch, with its problems by index.
    A puid already stored with the same statement is `existing`, not stored twice; with another statement, 409."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiKeyRateThrottle]

    @extend_schema(request=BatchInput, responses={201: BatchOutput, 200: BatchOutput})
    def post(self, request, org: str):
        organization = get_object_or_404(Organization, slug=org)
        if refusal := permissions.key_refusal(request.user, ApiKey.STATEMENTS_WRITE, organization):
            return _refused(status.HTTP_403_FORBIDDEN, refusal)
        batch = BatchInput(data=request.data)
        if not batch.is_valid():
            found = batch.errors.get("statements")
            if not isinstance(found, dict | list) or "non_field_errors" in found:
                raise ValidationError(batch.errors)  # not a list of statements, or too few or too many
            # By index: a list with {} for the good ones, or (DRF 3.15+, with max_length) a dict of the bad ones.
            pairs = found.items() if isinstance(found, dict) else enumerate(found)
            errors = {str(i): problems for i, problems in pairs if problems}
            return _refused(status.HTTP_400_BAD_REQUEST, _summary(errors), errors)
        # What is stored and hashed is each statement as sent, in its canonical JSON.
        raw = request.data["statements"]
        try:
            report = reporting.report_refusal_statements(organization=organization, statements=raw, by=request.user)
        except reporting.BatchRefused as refused:
            code = status.HTTP_409_CONFLICT if refused.conflict else status.HTTP_400_BAD_REQUEST
            return _refused(code, _summary(refused.errors), refused.errors)
        body = {
            "created": report.created,
            "existing": len(report.outcomes) - report.created,
            "batch_sha256": report.batch_sha256,
            "statements": [
                {"puid": s.puid, "status": outcome, "received_at": s.received_at}
                for s, outcome in zip(report.statements, report.outcomes, strict=True)
            ],
        }
        return Response(
            BatchOutput(body).data, status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK
        )


def _summary(errors: dict) -> str:
    return f"{len(errors)} of the statements are not valid; nothing was stored. See errors.statements by index."


def _refused(code: int, detail: str, by_index: dict | None = None) -> Response:
    return Response({"detail": detail, "errors": {"statements": by_index} if by_index else {}}, status=code)
