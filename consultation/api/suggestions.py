"""The consultation API's suggested wording: listing and making suggestions, stances, the publisher's decisions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation import selectors
from consultation.api.guidelines import lookup_version
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    Clause,
    GuidelineVersion,
    Suggestion,
    SuggestionDecision,
)
from consultation.services import suggestions as suggesting
from core.api import CursorPagination, KnownParameters
from core.proxies import client_address
from ledger.receipt_api import ReceiptField, ReceiptsList


class OldestFirst(CursorPagination):
    ordering = "pk"


class SuggestionInput(serializers.Serializer):
    clause = serializers.CharField(max_length=KEY_LENGTH, help_text="The key of the clause, such as R-4.2.")
    kind = serializers.ChoiceField(
        choices=Suggestion.KIND_CHOICES, error_messages={"invalid_choice": suggesting.KIND_REFUSAL}
    )
    text = serializers.CharField(
        max_length=CLAUSE_TEXT_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        help_text="The new wording (Markdown); empty for a deletion.",
    )
    reason = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True)


class SuggestionDecisionOutput(serializers.Serializer):
    outcome = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")
    supporters_at_close = serializers.IntegerField()
    opponents_at_close = serializers.IntegerField()


class SuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    clause = serializers.CharField(source="clause.key")
    kind = serializers.CharField()
    text = serializers.CharField()
    reason = serializers.CharField()
    redline_html = serializers.CharField(
        help_text="The suggestion against the clause's text: escaped words, removed ones in <del>, added in <ins>."
    )
    supporters = serializers.IntegerField()
    opponents = serializers.IntegerField()
    author = serializers.CharField(source="author.public_name")
    created_at = serializers.DateTimeField()
    cluster = serializers.IntegerField(
        source="cluster_id", allow_null=True, help_text="The first suggestion with the same or nearly the same text."
    )
    url = serializers.CharField(source="get_absolute_url")
    decision = serializers.SerializerMethodField(help_text="null until the publisher decides.")
    receipt = ReceiptField()

    class Meta:
        list_serializer_class = ReceiptsList

    @extend_schema_field(SuggestionDecisionOutput(allow_null=True))
    def get_decision(self, suggestion) -> dict | None:
        decision = selectors.decision_of(suggestion)
        return SuggestionDecisionOutput(decision).data if decision else None


class StanceInput(serializers.Serializer):
    stance = serializers.ChoiceField(
        choices=suggesting.STANCES, error_messages={"invalid_choice": suggesting.STANCE_REFUSAL}
    )


class StanceOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    stance = serializers.CharField()
    supporters = serializers.IntegerField()
    opponents = serializers.IntegerField()


class DecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=SuggestionDecision.OUTCOME_CHOICES, error_messages={"invalid_choice": suggesting.OUTCOME_REFUSAL}
    )
    reason = serializers.CharField(
        max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default="", help_text="Required unless accepted."
    )


def _clause(version: GuidelineVersion, key: str) -> Clause:
    clause = version.clauses.filter(key=key).first()
    if clause is None:
        raise ValidationError({"clause": [f"There is no clause {key} in version {version.number}."]})
    return clause


def _suggestion(request, org: str, slug: str, number: int, pk: int) -> Suggestion:
    version = lookup_version(request, org, slug, number)
    return get_object_or_404(selectors.suggestions_for_display(version).select_related("version"), pk=pk)


@extend_schema(parameters=[OpenApiParameter("clause", OpenApiTypes.STR, description="Only this clause's, by key.")])
class SuggestionList(KnownParameters, generics.ListAPIView):
    """A version's suggested wording, oldest first. Citizens suggest here while the period is open: new text for a
    clause (`replace`), a new clause after it (`insert_after`) or its deletion (`delete`, with no text)."""

    parameters = ("clause",)
    serializer_class = SuggestionOutput
    pagination_class = OldestFirst
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Suggestion]:
        version = lookup_version(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
        found = selectors.suggestions_for_display(version)
        key = self.request.query_params.get("clause")
        return found.filter(clause=_clause(version, key)) if key else found

    @extend_schema(request=SuggestionInput, responses={201: SuggestionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        data = SuggestionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        clause = _clause(version, values.pop("clause"))
        suggestion = suggesting.make_suggestion(
            version=version, clause=clause, **values, ip=client_address(request), by=request.user
        )
        Suggestion.decision.related.set_cached_value(suggestion, None)  # a new suggestion is undecided: no query
        return Response(SuggestionOutput(suggestion).data, status=status.HTTP_201_CREATED)


class SuggestionStance(APIView):
    """Citizens: support or oppose a suggestion, or withdraw (`none`), while the period is open."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=StanceInput, responses={200: StanceOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        suggestion = _suggestion(request, org, slug, number, pk)
        data = StanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        stance = data.validated_data["stance"]
        suggestion = suggesting.take_stance(suggestion=suggestion, stance=stance, by=request.user)
        counts = {"supporters": suggestion.supporters, "opponents": suggestion.opponents}
        return Response(StanceOutput({"pk": suggestion.pk, "stance": stance, **counts}).data)


class SuggestionDecide(APIView):
    """Publishers of the organization: decide a suggestion once the period has closed (a reason is required
    unless it is accepted as it is)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=DecisionInput, responses={200: SuggestionOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        suggestion = _suggestion(request, org, slug, number, pk)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        suggesting.decide_suggestion(suggestion=suggestion, **data.validated_data, by=request.user)
        return Response(SuggestionOutput(_suggestion(request, org, slug, number, pk)).data)
