from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from accounts.models import ORGANIZATION_SLUG_LENGTH, Organization
from audits.models import Audit, AuditReport, AuditResponse
from core.api import CursorPagination, KnownParameters
from core.schema import text


class AuditFilter(serializers.Serializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, default=None, allow_null=True
    )


class ReportOutput(serializers.ModelSerializer):
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = AuditReport
        fields = ["id", "body", "pdf", "pdf_size", "published_at"]

    def get_pdf(self, report) -> str | None:
        return self.context["request"].build_absolute_uri(report.pdf_url()) if report.pdf else None


class AuditResponseOutput(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.slug")

    class Meta:
        model = AuditResponse
        fields = ["id", "organization", "body", "responded_at"]


class AuditOutput(serializers.ModelSerializer):
    """The public parts of an audit: never anything the auditor read."""

    auditor = serializers.CharField(source="auditor.label")
    organizations = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    closed_at = serializers.SerializerMethodField()
    reports = ReportOutput(many=True)
    responses = AuditResponseOutput(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Audit
        fields = [
            "id",
            "title",
            "purpose",
            "auditor",
            "organizations",
            "period_from",
            "period_to",
            "declared_at",
            "status",
            "closed_at",
            "reports",
            "responses",
            "url",
        ]

    def get_organizations(self, audit) -> list[str]:
        return [organization.slug for organization in audit.organizations]

    def get_status(self, audit) -> str:
        return "open" if audit.is_open else "closed"

    def get_closed_at(self, audit) -> str | None:
        return None if audit.is_open else serializers.DateTimeField().to_representation(audit.closure.closed_at)

    def get_url(self, audit) -> str:
        return self.context["request"].build_absolute_uri(audit.get_absolute_url())


@extend_schema(
    parameters=[OpenApiParameter("organization", text(ORGANIZATION_SLUG_LENGTH), description="Organization slug.")]
)
class AuditList(KnownParameters, generics.ListAPIView):
    """Every declared audit, newest first, cursor-paginated; with `organization`, those covering it."""

    parameters = ("organization",)
    serializer_class = AuditOutput
    pagination_class = CursorPagination

    def get_queryset(self):
        filters = AuditFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        audits = Audit.objects.for_pages()
        organization = filters.validated_data["organization"]
        return audits.covering(organization) if organization else audits


class AuditDetail(generics.RetrieveAPIView):
    """One audit: its declaration, status, reports and the audited organizations' responses."""

    serializer_class = AuditOutput
    queryset = Audit.objects.for_pages()
