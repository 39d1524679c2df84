"""`GET /api/v1/organizations/<org>/appeals/`: the appeals against an organization's systems, for its own programs
(an API key with appeals:read) or its publishers: what the public appeal pages show, no more."""

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.models import ApiKey, Organization
from appeals import services
from appeals.decision_serializers import ResponseOutput
from appeals.models import RESPONSE_MAX, AISystem, Appeal, AppealEvent, Decision, OrganizationResponse
from core.api import CursorPagination, KnownParameters
from core.schema import slug_text
from core.throttling import ApiKeyRateThrottle


class AppealFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Appeal.STATUS_CHOICES, required=False, allow_blank=True)
    system = serializers.SlugField(max_length=60, required=False, allow_blank=True)
    updated_since = serializers.DateTimeField(required=False, help_text="Appeals with a public step since then.")


class OrganizationAppealOutput(serializers.ModelSerializer):
    system = serializers.CharField(source="refusal.system.slug")
    guideline = serializers.CharField(source="guideline.slug")
    version = serializers.IntegerField(source="version.number")
    appellant = serializers.CharField(source="appellant_label")
    overdue = serializers.BooleanField(source="is_overdue")
    updated_at = serializers.DateTimeField(help_text="The time of its latest public step.")
    refusal = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "public_id",
            "status",
            "system",
            "guideline",
            "version",
            "clause_keys",
            "appellant",
            "filed_at",
            "deadline",
            "overdue",
            "significant",
            "updated_at",
            "refusal",
            "url",
        ]

    def get_refusal(self, appeal) -> dict:
        """As on the appeal's public page: the redacted excerpts and grounds only once a moderator screened it."""
        refusal, screened = appeal.refusal, appeal.is_screened
        return {
            "happened_at": serializers.DateTimeField().to_representation(refusal.happened_at),
            "language": refusal.language,
            "prompt_excerpt": refusal.public_prompt_excerpt if screened else None,
            "refusal_excerpt": refusal.public_refusal_excerpt if screened else None,
            "grounds": appeal.public_grounds if screened else None,
        }

    def get_url(self, appeal) -> str:
        return self.context["request"].build_absolute_uri(appeal.get_absolute_url())


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=["", *(value for value, _ in Appeal.STATUS_CHOICES)]),
        OpenApiParameter("system", slug_text(AISystem), description="One of the organization's AI systems."),
        OpenApiParameter(
            "updated_since", OpenApiTypes.DATETIME, description="ISO 8601: appeals with a public step at or after it."
        ),
    ]
)
class OrganizationAppealList(KnownParameters, generics.ListAPIView):
    """The appeals against the organization's systems, newest first, cursor-paginated: an API key of the
    organization with appeals:read, or one of its publishers."""

    parameters = tuple(AppealFilter().fields)
    serializer_class = OrganizationAppealOutput
    pagination_class = CursorPagination
    permission_classes = [IsAuthenticated]  # a key or a publisher; anyone else is told which (403)
    throttle_classes = [*generics.ListAPIView.throttle_classes, ApiKeyRateThrottle]

    def get_queryset(self) -> QuerySet[Appeal]:
        organization = get_object_or_404(Organization, slug=self.kwargs["org"])
        user = self.request.user
        refusal = permissions.key_refusal(user, ApiKey.APPEALS_READ, organization)
        if refusal and not permissions.can_publish_for(user, organization):
            raise PermissionDenied(refusal)
        filters = AppealFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        appeals = Appeal.objects.filter(guideline__organization=organization)
        if status := filters.validated_data.get("status"):
            appeals = appeals.filter(status=status)
        if system := filters.validated_data.get("system"):
            appeals = appeals.filter(refusal__system__slug=system)
        if since := filters.validated_data.get("updated_since"):
            appeals = appeals.filter(Exists(AppealEvent.objects.filter(appeal=OuterRef("pk"), at__gte=since)))
        return (
            appeals.select_related("refusal__system", "guideline", "version", "appellant")
            .prefetch_related("contested_clauses")
            .annotate(updated_at=Max("events__at"))
        )


class DecisionResponseInput(serializers.Serializer):
    """The same fields and limits as the response form."""

    kind = serializers.ChoiceField(choices=OrganizationResponse.KIND_CHOICES)
    text = serializers.CharField(max_length=RESPONSE_MAX)


class DecisionResponseCreate(APIView):
    """The organization's public response to a decision on an appeal against it: its publishers, or its own API key
    with responses:write. Responses are added, never edited."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiKeyRateThrottle]

    @extend_schema(request=DecisionResponseInput, responses={201: ResponseOutput})
    def post(self, request, pk: int):
        decision = get_object_or_404(Decision.objects.select_related("organization", "appeal"), pk=pk)
        data = DecisionResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.respond_to_decision(decision=decision, by=request.user, **data.validated_data)
        return Response(ResponseOutput(response).data, status=status.HTTP_201_CREATED)
