"""The consultation API: public reads, citizens' comments, and the publishers' workflow."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import can_publish_for
from consultation import selectors, services
from consultation.models import Clause, Comment, Guideline, GuidelineVersion
from core.api import CursorPagination


class OldestFirst(CursorPagination):
    ordering = "pk"


# Output shapes ------------------------------------------------------------------------------------------------------


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

    def get_comments(self, change) -> list[int]:
        return [comment.pk for comment in change.comments.all()]


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
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    status = serializers.CharField()
    author = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    hidden_reason = serializers.CharField()
    tombstone = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    endorsements = serializers.IntegerField(source="endorsement_count", default=0)
    response = serializers.SerializerMethodField()

    def get_author(self, comment) -> str | None:
        return None if comment.is_hidden else comment.author.public_name

    def get_on_behalf_of(self, comment) -> str:
        return "" if comment.is_hidden else comment.on_behalf_of

    def get_body(self, comment) -> str | None:
        return None if comment.is_hidden else comment.body

    def get_tombstone(self, comment) -> str | None:
        return comment.tombstone if comment.is_hidden else None

    def get_response(self, comment) -> dict | None:
        try:
            return ResponseOutput(comment.response).data
        except Comment.response.RelatedObjectDoesNotExist:
            return None


# Input shapes -------------------------------------------------------------------------------------------------------


class GuidelineInput(serializers.Serializer):
    organization = serializers.CharField(max_length=60)
    slug = serializers.CharField(max_length=80, allow_blank=True)
    title = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class ClauseInput(serializers.Serializer):
    key = serializers.CharField(max_length=30, allow_blank=True)
    heading = serializers.CharField(max_length=200, allow_blank=True)
    text = serializers.CharField(max_length=20000, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)


class VersionInput(serializers.Serializer):
    clauses = ClauseInput(many=True, required=False)
    markdown = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_IMPORT_CHARS)
    summary_of_changes = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class CommentInput(serializers.Serializer):
    clause = serializers.CharField(max_length=30, required=False, allow_blank=True, allow_null=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=Comment.MAX_LENGTH)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    on_behalf_of = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PeriodInput(serializers.Serializer):
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField()


class ExtensionInput(serializers.Serializer):
    closes_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ResponseInput(serializers.Serializer):
    disposition = serializers.CharField(max_length=30)
    text = serializers.CharField(max_length=5000, allow_blank=True)


class ClauseResponseInput(ResponseInput):
    clause = serializers.CharField(max_length=30, help_text="A clause key, or 'general'.")


class StatementInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    comments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


class FinalInput(serializers.Serializer):
    summary_of_changes = serializers.CharField(max_length=5000, allow_blank=True)
    statements = serializers.DictField(child=StatementInput(), required=False, default=dict)


# Lookups ------------------------------------------------------------------------------------------------------------


def _guideline(request, org: str, slug: str) -> Guideline:
    guideline = get_object_or_404(Guideline.objects.select_related("organization"), organization__slug=org, slug=slug)
    if not guideline.versions.public().exists() and not can_publish_for(request.user, guideline.organization):
        raise Http404
    return guideline


def _version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on"),
        guideline__organization__slug=org,
        guideline__slug=slug,
        number=number,
    )
    if not version.is_public and not can_publish_for(request.user, version.guideline.organization):
        raise Http404
    return version


def _clause_or_error(version: GuidelineVersion, key: str | None, field: str = "clause") -> Clause | None:
    if not key or key == "general":
        return None
    clause = version.clauses.filter(key=key).first()
    if clause is None:
        raise ValidationError({field: [f"There is no clause {key} in version {version.number}."]})
    return clause


# Views --------------------------------------------------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter("organization", OpenApiTypes.STR, description="An organization's slug."),
        OpenApiParameter("status", OpenApiTypes.STR, description="Status of the newest public version."),
    ]
)
class GuidelineList(generics.ListAPIView):
    """Guidelines with a public version; publishers create guidelines for their organization here."""

    serializer_class = GuidelineOutput
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Guideline]:
        guidelines = Guideline.objects.public().with_current_status().select_related("organization")
        organization = self.request.query_params.get("organization")
        status_ = self.request.query_params.get("status")
        if organization:
            guidelines = guidelines.filter(organization__slug=organization)
        if status_:
            if status_ not in dict(GuidelineVersion.STATUS_CHOICES) or status_ == GuidelineVersion.DRAFT:
                raise ValidationError({"status": ["Use consultation, final or superseded."]})
            guidelines = guidelines.filter(current_status=status_)
        return guidelines

    @extend_schema(request=GuidelineInput, responses={201: GuidelineOutput})
    def post(self, request):
        data = GuidelineInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = Organization.objects.filter(slug=data.validated_data["organization"]).first()
        if organization is None:
            raise ValidationError({"organization": ["No organization with this slug."]})
        guideline = services.create_guideline(
            actor=request.user,
            organization=organization,
            slug=data.validated_data["slug"],
            title=data.validated_data["title"],
            description=data.validated_data["description"],
        )
        return Response(GuidelineOutput(guideline).data, status=status.HTTP_201_CREATED)


class GuidelineDetail(APIView):
    """A guideline with its versions and the clause keys of its newest public version."""

    @extend_schema(responses=GuidelineOutput)
    def get(self, request, org: str, slug: str):
        guideline = _guideline(request, org, slug)
        versions = guideline.versions.order_by("-number")
        if not can_publish_for(request.user, guideline.organization):
            versions = versions.public()
        versions = list(versions)
        current = next((v for v in versions if v.is_public), None)
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
        guideline = get_object_or_404(
            Guideline.objects.select_related("organization"), organization__slug=org, slug=slug
        )
        data = VersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "clauses" in values:
            version = services.create_version_with_clauses(
                actor=request.user,
                guideline=guideline,
                clauses=values["clauses"],
                summary_of_changes=values["summary_of_changes"],
            )
        elif values.get("markdown"):
            version = services.import_draft_from_markdown(
                actor=request.user,
                guideline=guideline,
                markdown=values["markdown"],
                summary_of_changes=values["summary_of_changes"],
            )
        else:
            version = services.create_draft_version(
                actor=request.user, guideline=guideline, summary_of_changes=values["summary_of_changes"]
            )
        return Response(VersionOutput(version).data, status=status.HTTP_201_CREATED)


class VersionDetail(APIView):
    @extend_schema(responses=VersionOutput)
    def get(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        version = (
            GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on")
            .prefetch_related("clauses", "comment_period__extensions", "clause_changes__comments")
            .get(pk=version.pk)
        )
        return Response(VersionOutput(version).data)


@extend_schema(parameters=[OpenApiParameter("clause", OpenApiTypes.STR, description="A clause key, or 'general'.")])
class CommentList(generics.ListAPIView):
    """A version's comments, oldest first. Citizens post comments and replies here while the period is open."""

    serializer_class = CommentOutput
    pagination_class = OldestFirst
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Comment]:
        version = _version(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
        comments = version.comments.for_display()
        key = self.request.query_params.get("clause")
        if key:
            comments = comments.on_clause(_clause_or_error(version, key))
        return comments

    @extend_schema(request=CommentInput, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            parent = version.comments.filter(pk=values["parent"]).first()
            if parent is None:
                raise ValidationError({"parent": ["No comment with this id on this version."]})
        comment = services.post_comment(
            author=request.user,
            version=version,
            clause=_clause_or_error(version, values.get("clause")),
            parent=parent,
            body=values["body"],
            on_behalf_of=values["on_behalf_of"],
        )
        comment = version.comments.for_display().get(pk=comment.pk)
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


class CommentEndorse(APIView):
    """Citizens: endorse a comment while the period is open (once per person)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        version = _version(request, org, slug, number)
        comment = get_object_or_404(version.comments, pk=pk)
        services.endorse_comment(user=request.user, comment=comment)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class PeriodSchedule(APIView):
    """Publishers: schedule the comment period of a draft, which makes it public and freezes its text."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=PeriodInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = PeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.schedule_comment_period(
            actor=request.user,
            version=version,
            opens_at=data.validated_data.get("opens_at"),
            closes_at=data.validated_data["closes_at"],
        )
        return Response(VersionOutput(_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)


class PeriodExtend(APIView):
    """Publishers: a later closing time with a public reason."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ExtensionInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        if version.period is None:
            raise Http404
        data = ExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.extend_comment_period(
            actor=request.user,
            period=version.period,
            closes_at=data.validated_data["closes_at"],
            reason=data.validated_data["reason"],
        )
        return Response(VersionOutput(_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)


class CommentRespond(APIView):
    """Publishers: answer one comment after the period closed."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ResponseInput, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        version = _version(request, org, slug, number)
        comment = get_object_or_404(version.comments, pk=pk)
        data = ResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.respond_to_comment(actor=request.user, comment=comment, **data.validated_data)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class ClauseRespond(APIView):
    """Publishers: give every unanswered comment on a clause the same answer."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ClauseResponseInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = ClauseResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        count = services.respond_to_clause_comments(
            actor=request.user,
            version=version,
            clause=_clause_or_error(version, values["clause"]),
            disposition=values["disposition"],
            text=values["text"],
        )
        return Response({"answered": count}, status=status.HTTP_201_CREATED)


class PublishFinal(APIView):
    """Publishers: publish a draft that follows a closed consultation as the final version."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=FinalInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = FinalInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.publish_final_version(
            actor=request.user,
            version=version,
            summary_of_changes=data.validated_data["summary_of_changes"],
            statements=data.validated_data["statements"],
        )
        return Response(VersionOutput(_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)
