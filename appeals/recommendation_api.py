"""The recommendations API: an organization's recommendations with their answers, and its publishers' next step."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from appeals import selectors, services
from appeals.api import RecommendationOutput
from appeals.models import RESPONSE_MAX, URL_MAX, Recommendation
from core.api import CursorPagination, KnownParameters
from core.throttling import ApiKeyRateThrottle


class RecommendationFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=Recommendation.VIEW_CHOICES, required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "state",
            str,
            enum=["", *(value for value, _ in Recommendation.VIEW_CHOICES)],
            description="One figure of the tracker: responded, a response, in_progress, implemented, "
            "awaiting_response, or overdue (awaiting a response past its deadline).",
        )
    ]
)
class OrganizationRecommendationList(KnownParameters, generics.ListAPIView):
    """The recommendations made to an organization and its answers, newest first, cursor-paginated."""

    parameters = tuple(RecommendationFilter().fields)
    serializer_class = RecommendationOutput
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet[Recommendation]:
        organization = get_object_or_404(Organization, slug=self.kwargs["org"])
        filters = RecommendationFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        recommendations = selectors.recommendations_with_steps().filter(organization=organization)
        if state := filters.validated_data.get("state"):
            recommendations = recommendations.in_view(state, timezone.now())
        return recommendations.select_related("decision__appeal")


class AnswerInput(serializers.Serializer):
    """The same fields and limits as the answer form; which steps are allowed when is the service's rule."""

    kind = serializers.ChoiceField(choices=Recommendation.STATE_CHOICES[1:])
    note = serializers.CharField(max_length=RESPONSE_MAX, required=False, allow_blank=True, default="")
    implemented_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence_url = serializers.CharField(max_length=URL_MAX, required=False, allow_blank=True, default="")


class RecommendationAnswer(APIView):
    """The organization's next step on a recommendation (its publishers, or its API key with responses:write):
    accepted, partly_accepted, declined or already_done, then in_progress and implemented (with implemented_on and
    evidence_url)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiKeyRateThrottle]

    @extend_schema(request=AnswerInput, responses={201: RecommendationOutput})
    def post(self, request, public_id: str):
        recommendation = get_object_or_404(Recommendation, public_id=public_id)
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.answer_recommendation(recommendation=recommendation, by=request.user, **data.validated_data)
        answered = selectors.recommendations_with_steps().select_related("decision__appeal").get(pk=recommendation.pk)
        return Response(RecommendationOutput(answered, context={"request": request}).data, status=201)
