"""The precedent graph through the API: one decision's citations, both ways, as edges."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from appeals.models import Decision, DecisionCitation
from core.api import CursorPagination, KnownParameters

CITES, CITED_BY = "cites", "cited_by"


class CitationEdgeOutput(serializers.ModelSerializer):
    citing_in_force = serializers.SerializerMethodField(
        help_text="Whether the citing decision stands; a correction replaces its citations with its own."
    )

    class Meta:
        model = DecisionCitation
        fields = ["citing", "cited", "relation", "reason", "citing_in_force"]

    def get_citing_in_force(self, citation) -> bool:
        return getattr(citation.citing, "superseded_by", None) is None


class CitationFilter(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[CITES, CITED_BY], required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "direction",
            str,
            enum=["", CITES, CITED_BY],
            description="cites: the earlier decisions this one cites; cited_by: the later decisions citing it; "
            "empty: both.",
        )
    ]
)
class DecisionCitationList(KnownParameters, generics.ListAPIView):
    """The precedent edges of one decision, newest first, cursor-paginated: each citation of an earlier decision by a
    later one, followed or distinguished, with the reason (its SHA-256 is in the citing decision's entry)."""

    parameters = tuple(CitationFilter().fields)
    serializer_class = CitationEdgeOutput
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet[DecisionCitation]:
        filters = CitationFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        decision = get_object_or_404(Decision.objects.only("pk"), pk=self.kwargs["pk"])
        # Each direction has its index: decision_cited_once (citing, cited) and decision_cited_by (cited, …).
        edges = {CITES: Q(citing=decision), CITED_BY: Q(cited=decision)}
        chosen = filters.validated_data["direction"]
        touching = edges[chosen] if chosen else edges[CITES] | edges[CITED_BY]
        return DecisionCitation.objects.filter(touching).select_related("citing__superseded_by")
