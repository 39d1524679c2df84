"""`GET /api/v1/decisions/dsa-sor/`: every public decision as a DSA statement of reasons (appeals.dsa), newest
first, cursor-paginated; the same rows as the `dsa-statements-of-reasons` open dataset."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from appeals import dsa, selectors
from appeals.models import Decision
from core.api import CursorPagination, KnownParameters


class DsaStatementOutput(serializers.Serializer):
    """A statement of reasons: the Transparency Database's fields, then ours (ai_system, organization, appeal,
    outcome, superseded, supersedes). docs/reference/dsa-statements-of-reasons.md maps each one."""

    puid = serializers.CharField()
    decision_visibility = serializers.ListField(child=serializers.ChoiceField(choices=list(dsa.DECISION_VISIBILITY)))
    decision_visibility_other = serializers.CharField()
    decision_ground = serializers.ChoiceField(choices=list(dsa.DECISION_GROUND))
    decision_ground_reference_url = serializers.URLField()
    incompatible_content_ground = serializers.CharField()
    incompatible_content_explanation = serializers.CharField()
    incompatible_content_illegal = serializers.ChoiceField(choices=list(dsa.YES_NO))
    content_type = serializers.ListField(child=serializers.ChoiceField(choices=list(dsa.CONTENT_TYPE)))
    category = serializers.ChoiceField(choices=list(dsa.CATEGORY))
    territorial_scope = serializers.ListField(child=serializers.CharField())
    decision_facts = serializers.CharField()
    content_date = serializers.DateField()
    application_date = serializers.DateField()
    source_type = serializers.ChoiceField(choices=list(dsa.SOURCE_TYPE))
    automated_detection = serializers.ChoiceField(choices=list(dsa.YES_NO))
    automated_decision = serializers.ChoiceField(choices=list(dsa.AUTOMATED_DECISION))
    platform_name = serializers.CharField()
    ai_system = serializers.CharField()
    organization = serializers.CharField()
    appeal = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Decision.OUTCOME_CHOICES)
    superseded = serializers.BooleanField()
    supersedes = serializers.CharField(allow_null=True)

    def to_representation(self, decision):
        url = self.context["request"].build_absolute_uri(decision.get_absolute_url())
        return dsa.statement_of_decision(decision, url=url)


@extend_schema(responses=DsaStatementOutput(many=True))
class DsaStatementList(KnownParameters, generics.ListAPIView):
    """Every public decision in the DSA Transparency Database's statement-of-reasons schema, newest first,
    cursor-paginated (corrected decisions included, marked `superseded`)."""

    serializer_class = DsaStatementOutput
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet[Decision]:
        return selectors.public_decisions().select_related("appeal__refusal")
