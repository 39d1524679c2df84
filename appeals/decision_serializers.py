"""How the API shows decisions: with their votes, the organization's responses, recommendations and the precedent
edges. Shared by the appeal and decision endpoints (appeals.api), the recommendations and the company API."""

from rest_framework import serializers

from appeals.models import Decision, DecisionCitation, OrganizationResponse, Recommendation, RecommendationStep, Vote
from ledger.receipt_api import ReceiptField, ReceiptsList


class ResponseOutput(serializers.ModelSerializer):
    class Meta:
        model = OrganizationResponse
        fields = ["kind", "text", "responded_at"]


class VoteOutput(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="assignment.reviewer.handle")
    dissent = serializers.BooleanField(source="is_dissent")

    class Meta:
        model = Vote
        fields = ["reviewer", "outcome", "dissent"]


class RecommendationStepOutput(serializers.ModelSerializer):
    evidence_url = serializers.CharField(
        read_only=True, help_text="An http(s) address, or a path on this site (one of the organization's guidelines)."
    )

    class Meta:
        model = RecommendationStep
        fields = ["kind", "actor", "note", "implemented_on", "evidence_url", "at"]


class RecommendationOutput(serializers.ModelSerializer):
    """A recommendation, where its answers have brought it (`state`), and every step."""

    evidence_url = serializers.CharField(
        read_only=True, help_text="An http(s) address, or a path on this site (one of the organization's guidelines)."
    )

    organization = serializers.CharField(source="organization.slug")
    overdue = serializers.BooleanField(source="is_overdue")
    steps = RecommendationStepOutput(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "public_id",
            "organization",
            "decision",
            "text",
            "state",
            "response",
            "made_at",
            "respond_by",
            "responded_at",
            "overdue",
            "overdue_flagged_at",
            "implemented_on",
            "evidence_url",
            "url",
            "steps",
        ]

    def get_url(self, recommendation) -> str:
        return self.context["request"].build_absolute_uri(recommendation.get_absolute_url())


class CitationOutput(serializers.Serializer):
    decision = serializers.IntegerField(source="cited_id", help_text="The number of the earlier decision cited.")
    relation = serializers.ChoiceField(choices=DecisionCitation.RELATION_CHOICES)
    reason = serializers.CharField(help_text="Why; its SHA-256 is in the decision's entry (cited_decisions).")


class CitedByOutput(serializers.Serializer):
    decision = serializers.IntegerField(source="citing_id", help_text="The number of the later decision citing it.")
    relation = serializers.ChoiceField(choices=DecisionCitation.RELATION_CHOICES)
    reason = serializers.CharField()


class CitedByCounts(serializers.Serializer):
    follows = serializers.IntegerField()
    distinguishes = serializers.IntegerField()


class DecisionOutput(serializers.ModelSerializer):
    appeal = serializers.CharField(source="appeal.public_id")
    organization = serializers.CharField(source="organization.slug")
    system = serializers.CharField(source="system.slug")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded = serializers.BooleanField(source="corrected")
    cites = CitationOutput(many=True, help_text="The earlier decisions it follows or distinguishes, and why.")
    cited_by = CitedByCounts(
        source="precedent_counts", help_text="How many later decisions in force follow it and how many distinguish it."
    )
    recommendations = RecommendationOutput(many=True)
    url = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text="In a search: where the decision matched, as HTML whose only tags are <mark>; else empty."
    )
    receipt = ReceiptField(decision=True)

    class Meta:
        model = Decision
        list_serializer_class = ReceiptsList
        fields = [
            "id",
            "appeal",
            "organization",
            "system",
            "outcome",
            "rationale",
            "comments_considered",
            "cited_clause_keys",
            "cites",
            "cited_by",
            "decided_at",
            "supersedes",
            "superseded",
            "correction_note",
            "recommendations",
            "url",
            "snippet",
            "receipt",
        ]

    def get_url(self, decision) -> str:
        return self.context["request"].build_absolute_uri(decision.get_absolute_url())

    def get_snippet(self, decision) -> str:
        return str(decision.search_match()) if getattr(decision, "highlight", "") else ""


class AppealDecisionOutput(DecisionOutput):
    votes = VoteOutput(many=True)
    responses = ResponseOutput(many=True)
    cited_decisions = serializers.SerializerMethodField(help_text="The numbers of the decisions in `cites`.")
    cited_by_decisions = CitedByOutput(
        many=True, source="later_citations", help_text="The later decisions in force that cite it, and why."
    )

    class Meta(DecisionOutput.Meta):
        fields = DecisionOutput.Meta.fields + ["votes", "responses", "cited_decisions", "cited_by_decisions"]

    def get_cited_decisions(self, decision) -> list[int]:
        return [citation.cited_id for citation in decision.cites.all()]
