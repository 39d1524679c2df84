"""The consultation API's guidelines and versions: reading them, drafting new ones; and the output shapes the
other modules share."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ORGANIZATION_SLUG_LENGTH, Organization
from consultation import selectors
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    HEADING_LENGTH,
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    MAX_CLAUSES,
    MAX_IMPORT_CHARS,
    SLUG_LENGTH,
    TAG_LENGTH,
    TITLE_LENGTH,
    Clause,
    Comment,
    Guideline,
    GuidelineVersion,
)
from consultation.services import drafting
from core.api import KnownParameters
from ledger.receipt_api import ReceiptField, ReceiptsList


class VersionSummaryOutput(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")


class GuidelineOutput(serializers.Serializer):
    organization = serializers.CharField(source="organization.slug")
    organization_name = serializers.CharField(source="organization.name")
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField(source="current_status", allow_null=True, default=None)
    url = serializers.CharField(source="get_absolute_url")


class ClauseOutput(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    text = serializers.CharField()
    position = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())


class ExtensionOutput(serializers.Serializer):
    previous_closes_at = serializers.DateTimeField()
    new_closes_at = serializers.DateTimeField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PeriodOutput(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    state = serializers.CharField()
    extensions = ExtensionOutput(many=True, source="extensions.all")


class ClauseChangeOutput(serializers.Serializer):
    clause_key = serializers.CharField()
    kind = serializers.CharField()
    statement = serializers.CharField()
    comments = serializers.SerializerMethodField()
    clause_pressure = serializers.SerializerMethodField(
        help_text="When appeals had flagged the clause as this version was published: its decided and overturned "
        "appeals then (the statement answers it); else null."
    )

    def get_clause_pressure(self, change) -> dict | None:
        if change.pressure_decided is None:
            return None
        return {"decided": change.pressure_decided, "overturned": change.pressure_overturned}

    suggestions = serializers.SerializerMethodField(help_text="Ids of the suggestions the change came from.")

    def get_comments(self, change) -> list[int]:
        return [comment.pk for comment in change.comments.all()]

    def get_suggestions(self, change) -> list[int]:
        return [suggestion.pk for suggestion in change.suggestions.all()]


class VersionOutput(serializers.Serializer):
    guideline = serializers.CharField(source="guideline.slug")
    organization = serializers.CharField(source="guideline.organization.slug")
    number = serializers.IntegerField()
    status = serializers.CharField()
    summary_of_changes = serializers.CharField()
    based_on = serializers.IntegerField(source="based_on.number", allow_null=True, default=None)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")
    clauses = ClauseOutput(many=True, source="clauses.all")
    comment_period = PeriodOutput(source="period", allow_null=True)
    answered = serializers.SerializerMethodField()
    statement_of_changes = ClauseChangeOutput(many=True, source="clause_changes.all")

    def get_answered(self, version) -> dict:
        return selectors.answered_counts(version)


class ResponseOutput(serializers.Serializer):
    disposition = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentOutput(serializers.Serializer):
    """A comment; a hidden one is a tombstone: its reason, never its text or author."""

    id = serializers.IntegerField(source="pk")
    clause = serializers.CharField(source="clause.key", allow_null=True, default=None)
    # The serializer's metaclass takes declared fields out of the class, so this never shadows Field.parent.
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    status = serializers.CharField()
    author = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    assurance = serializers.SerializerMethodField(
        help_text="Who was speaking, as checked when posted: verified_email, verified_member or organization; "
        "null for a hidden comment."
    )
    assurance_label = serializers.SerializerMethodField(
        help_text='As pages show it: "verified email", "verified member of <organization>", "organization".'
    )
    disputed = serializers.BooleanField(
        source="is_disputed", help_text="The account holder says they did not write it; a moderator will decide."
    )
    body = serializers.SerializerMethodField()
    hidden_reason = serializers.CharField()
    tombstone = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    endorsements = serializers.IntegerField(source="endorsement_count", default=0)
    response = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text="In a search (`q`): where the comment matched, as HTML whose only tags are <mark>; else empty."
    )
    cluster = serializers.IntegerField(
        source="cluster_id", allow_null=True, help_text="Its cluster of near-identical comments (null until clustered)."
    )
    cluster_size = serializers.IntegerField(
        source="cluster.size", allow_null=True, default=None, help_text="How many comments the cluster holds."
    )
    receipt = ReceiptField()

    class Meta:
        list_serializer_class = ReceiptsList

    def get_author(self, comment) -> str | None:
        return None if comment.is_hidden else comment.author.public_name

    def get_on_behalf_of(self, comment) -> str:
        return "" if comment.is_hidden else comment.on_behalf_of

    def get_assurance(self, comment) -> str | None:
        return None if comment.is_hidden else comment.assurance

    def get_assurance_label(self, comment) -> str | None:
        return None if comment.is_hidden else comment.assurance_label

    def get_body(self, comment) -> str | None:
        return None if comment.is_hidden else comment.body

    def get_tombstone(self, comment) -> str | None:
        return comment.tombstone if comment.is_hidden else None

    def get_snippet(self, comment) -> str:
        return str(getattr(comment, "snippet", ""))

    def get_response(self, comment) -> dict | None:
        try:
            return ResponseOutput(comment.response).data
        except Comment.response.RelatedObjectDoesNotExist:
            return None


def lookup_version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    return selectors.visible_version(request.user, org=org, slug=slug, number=number)


def clause_or_error(version: GuidelineVersion, key: str | None, field: str = "clause") -> Clause | None:
    if not key or key == "general":
        return None
    clause = version.clauses.filter(key=key).first()
    if clause is None:
        raise ValidationError({field: [f"There is no clause {key} in version {version.number}."]})
    return clause


class GuidelineInput(serializers.Serializer):
    organization = serializers.CharField(max_length=ORGANIZATION_SLUG_LENGTH)
    slug = serializers.CharField(max_length=SLUG_LENGTH, allow_blank=True)
    title = serializers.CharField(max_length=TITLE_LENGTH, allow_blank=True)
    description = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default="")


class ClauseInput(serializers.Serializer):
    key = serializers.CharField(max_length=KEY_LENGTH, allow_blank=True)
    heading = serializers.CharField(max_length=HEADING_LENGTH, allow_blank=True)
    text = serializers.CharField(max_length=CLAUSE_TEXT_LENGTH, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=TAG_LENGTH), required=False, default=list)


class VersionInput(serializers.Serializer):
    # many=True makes a ListSerializer, which takes max_length; the stubs check the arguments against ClauseInput's.
    clauses = ClauseInput(many=True, required=False, max_length=MAX_CLAUSES)  # type: ignore[call-arg]
    markdown = serializers.CharField(required=False, allow_blank=True, max_length=MAX_IMPORT_CHARS)
    summary_of_changes = serializers.CharField(
        max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default=""
    )


def _create_version(guideline: Guideline, values: dict, *, by) -> GuidelineVersion:
    """From the clauses given, else from the Markdown given, else as a copy of the latest version."""
    clauses, markdown = values.pop("clauses", None), values.pop("markdown", "")
    if clauses is not None:
        return drafting.create_version_with_clauses(guideline=guideline, clauses=clauses, **values, by=by)
    if markdown:
        return drafting.import_draft_from_markdown(guideline=guideline, markdown=markdown, **values, by=by)
    return drafting.create_draft_version(guideline=guideline, **values, by=by)


@extend_schema(
    parameters=[
        OpenApiParameter("organization", OpenApiTypes.STR, description="An organization's slug."),
        OpenApiParameter(
            "status",
            OpenApiTypes.STR,
            enum=["", *(value for value, _ in GuidelineVersion.PUBLIC_STATUS_CHOICES)],
            description="Status of the newest public version.",
        ),
    ]
)
class GuidelineList(KnownParameters, generics.ListAPIView):
    """Guidelines with a public version; publishers create guidelines for their organization here."""

    parameters = ("organization", "status")
    serializer_class = GuidelineOutput
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Guideline]:
        status_ = self.request.query_params.get("status", "")
        if status_ and status_ not in dict(GuidelineVersion.PUBLIC_STATUS_CHOICES):
            raise ValidationError({"status": ["Use consultation, final or superseded."]})
        return selectors.public_guidelines(
            organization=self.request.query_params.get("organization", ""), status=status_
        )

    @extend_schema(request=GuidelineInput, responses={201: GuidelineOutput})
    def post(self, request):
        data = GuidelineInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = Organization.objects.filter(slug=data.validated_data["organization"]).first()
        if organization is None:
            raise ValidationError({"organization": ["No organization with this slug."]})
        values = {**data.validated_data, "organization": organization}
        guideline = drafting.create_guideline(**values, by=request.user)
        return Response(GuidelineOutput(guideline).data, status=status.HTTP_201_CREATED)


class GuidelineDetail(APIView):
    """A guideline with its versions and the clause keys of its newest public version."""

    @extend_schema(responses=GuidelineOutput)
    def get(self, request, org: str, slug: str):
        guideline = selectors.visible_guideline(request.user, org=org, slug=slug)
        versions = selectors.versions_shown_to(request.user, guideline)
        current = selectors.newest_public_version(versions)
        data = GuidelineOutput(guideline).data
        data["status"] = current.status if current else None
        data["versions"] = VersionSummaryOutput(versions, many=True).data
        data["clause_keys"] = list(current.clauses.values_list("key", flat=True)) if current else []
        return Response(data)


class VersionCreate(APIView):
    """Publishers: a new draft, from clauses, from a Markdown document, or (with neither) a copy of the latest."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=VersionInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str):
        guideline = selectors.visible_guideline(request.user, org=org, slug=slug)
        data = VersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = _create_version(guideline, dict(data.validated_data), by=request.user)
        return Response(VersionOutput(version).data, status=status.HTTP_201_CREATED)


class VersionDetail(APIView):
    @extend_schema(responses=VersionOutput)
    def get(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        version = (
            GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on")
            .prefetch_related(
                "clauses", "comment_period__extensions", "clause_changes__comments", "clause_changes__suggestions"
            )
            .get(pk=version.pk)
        )
        return Response(VersionOutput(version).data)
