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

from accounts.models import ORGANIZATION_SLUG_LENGTH, Organization
from consultation import selectors
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    HEADING_LENGTH,
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    MAX_CLAUSES,
    MAX_IMPORT_CHARS,
    NOTE_LENGTH,
    ON_BEHALF_OF_LENGTH,
    SLUG_LENGTH,
    TAG_LENGTH,
    TITLE_LENGTH,
    Clause,
    Comment,
    Guideline,
    GuidelineVersion,
)
from consultation.models import Response as Answer
from consultation.services import closing, drafting, periods
from consultation.services import comments as commenting
from core.api import CursorPagination, KnownParameters, RankedCursorPagination
from core.ids import parse_id
from core.ratelimit import client_ip
from core.search import QUERY_MAX


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
    clause_pressure = serializers.SerializerMethodField(
        help_text="When appeals had flagged the clause as this version was published: its decided and overturned "
        "appeals then (the statement answers it); else null."
    )

    def get_clause_pressure(self, change) -> dict | None:
        if change.pressure_decided is None:
            return None
        return {"decided": change.pressure_decided, "overturned": change.pressure_overturned}

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
    snippet = serializers.SerializerMethodField(
        help_text="In a search (`q`): where the comment matched, as HTML whose only tags are <mark>; else empty."
    )
    cluster = serializers.IntegerField(
        source="cluster_id", allow_null=True, help_text="Its cluster of near-identical comments (null until clustered)."
    )
    cluster_size = serializers.IntegerField(
        source="cluster.size", allow_null=True, default=None, help_text="How many comments the cluster holds."
    )

    def get_author(self, comment) -> str | None:
        return None if comment.is_hidden else comment.author.public_name

    def get_on_behalf_of(self, comment) -> str:
        return "" if comment.is_hidden else comment.on_behalf_of

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


# Input shapes -------------------------------------------------------------------------------------------------------


class CommentSearchInput(serializers.Serializer):
    q = serializers.CharField(
        max_length=QUERY_MAX,
        required=False,
        default="",
        allow_blank=True,
        error_messages={"max_length": f"Search for at most {QUERY_MAX} characters: a few words find more."},
    )


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
    clauses = ClauseInput(many=True, required=False, max_length=MAX_CLAUSES)
    markdown = serializers.CharField(required=False, allow_blank=True, max_length=MAX_IMPORT_CHARS)
    summary_of_changes = serializers.CharField(
        max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default=""
    )


class CommentInput(serializers.Serializer):
    clause = serializers.CharField(max_length=KEY_LENGTH, required=False, allow_blank=True, allow_null=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=LONG_TEXT_LENGTH)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    on_behalf_of = serializers.CharField(max_length=ON_BEHALF_OF_LENGTH, required=False, allow_blank=True, default="")


class PeriodInput(serializers.Serializer):
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField()


class ExtensionInput(serializers.Serializer):
    closes_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=NOTE_LENGTH, allow_blank=True)


class ResponseInput(serializers.Serializer):
    disposition = serializers.ChoiceField(
        choices=Answer.DISPOSITION_CHOICES, error_messages={"invalid_choice": Answer.DISPOSITION_REFUSAL}
    )
    text = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True)


class ClusterResponseInput(ResponseInput):
    cluster = serializers.IntegerField(min_value=1, help_text="A cluster's id: the id of its first comment.")


class ClauseResponseInput(ResponseInput):
    clause = serializers.CharField(max_length=KEY_LENGTH, help_text="A clause key, or 'general'.")


class StatementInput(serializers.Serializer):
    text = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default="")
    comments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


class FinalInput(serializers.Serializer):
    summary_of_changes = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True)
    statements = serializers.DictField(child=StatementInput(), required=False, default=dict)


# Lookups ------------------------------------------------------------------------------------------------------------


def _version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    return selectors.visible_version(request.user, org=org, slug=slug, number=number)


def _clause_or_error(version: GuidelineVersion, key: str | None, field: str = "clause") -> Clause | None:
    if not key or key == "general":
        return None
    clause = version.clauses.filter(key=key).first()
    if clause is None:
        raise ValidationError({field: [f"There is no clause {key} in version {version.number}."]})
    return clause


def _create_version(guideline: Guideline, values: dict, *, by) -> GuidelineVersion:
    """From the clauses given, else from the Markdown given, else as a copy of the latest version."""
    clauses, markdown = values.pop("clauses", None), values.pop("markdown", "")
    if clauses is not None:
        return drafting.create_version_with_clauses(guideline=guideline, clauses=clauses, **values, by=by)
    if markdown:
        return drafting.import_draft_from_markdown(guideline=guideline, markdown=markdown, **values, by=by)
    return drafting.create_draft_version(guideline=guideline, **values, by=by)


# Views --------------------------------------------------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter("organization", OpenApiTypes.STR, description="An organization's slug."),
        OpenApiParameter("status", OpenApiTypes.STR, description="Status of the newest public version."),
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
        version = _version(request, org, slug, number)
        version = (
            GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on")
            .prefetch_related("clauses", "comment_period__extensions", "clause_changes__comments")
            .get(pk=version.pk)
        )
        return Response(VersionOutput(version).data)


@extend_schema(
    parameters=[
        OpenApiParameter("clause", OpenApiTypes.STR, description="A clause key, or 'general'."),
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            description="Full-text search (quoted phrases, `or`, `-word`) in the published comments and replies; "
            "the best matches come first, each with a `snippet`. Hidden comments are never found.",
        ),
        OpenApiParameter("cluster", OpenApiTypes.INT, description="Only the comments of this cluster."),
    ]
)
class CommentList(KnownParameters, generics.ListAPIView):
    """A version's comments, oldest first (a search: best match first). Citizens post comments and replies here
    while the period is open."""

    parameters = ("q", "clause", "cluster")
    serializer_class = CommentOutput
    pagination_class = OldestFirst
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Comment]:
        version = _version(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
        search = CommentSearchInput(data=self.request.query_params)
        search.is_valid(raise_exception=True)
        self.searched = search.validated_data["q"]
        if self.searched:
            comments = selectors.search_comments(version, q=self.searched).for_display()
            if "search_key" in comments.query.annotations:
                self.pagination_class = RankedCursorPagination
        else:
            comments = version.comments.for_display()
        key = self.request.query_params.get("clause")
        if key:
            comments = comments.on_clause(_clause_or_error(version, key))
        cluster = self.request.query_params.get("cluster")
        if cluster:
            if parse_id(cluster) is None:
                raise ValidationError(
                    {"cluster": ["A cluster is named by a whole number, the id of its first comment."]}
                )
            comments = comments.filter(cluster_id=parse_id(cluster))
        return comments

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_snippets(page, self.searched) if self.searched else page

    @extend_schema(request=CommentInput, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int):
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, clause, parent = selectors.comment_target(
            request.user, org=org, slug=slug, number=number, clause_key=values.pop("clause", None),
            parent_id=values.pop("parent", None),
        )  # fmt: skip
        comment = commenting.post_comment(
            version=version, clause=clause, parent=parent, **values, ip=client_ip(request), by=request.user
        )
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


class CommentEndorse(APIView):
    """Citizens: endorse a comment while the period is open (once per person)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        version = _version(request, org, slug, number)
        comment = get_object_or_404(version.comments, pk=pk)
        commenting.endorse_comment(comment=comment, by=request.user)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class PeriodSchedule(APIView):
    """Publishers: schedule the comment period of a draft, which makes it public and freezes its text."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=PeriodInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = PeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        periods.schedule_comment_period(version=version, **data.validated_data, by=request.user)
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
        periods.extend_comment_period(period=version.period, **data.validated_data, by=request.user)
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
        closing.respond_to_comment(comment=comment, **data.validated_data, by=request.user)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class ClauseRespond(APIView):
    """Publishers: give every unanswered comment on a clause the same answer."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ClauseResponseInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = ClauseResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "clause": _clause_or_error(version, data.validated_data["clause"])}
        count = closing.respond_to_clause_comments(version=version, **values, by=request.user)
        return Response({"answered": count}, status=status.HTTP_201_CREATED)


class ClusterRespond(APIView):
    """Publishers: give every unanswered comment of a cluster of near-identical comments the same answer."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ClusterResponseInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = ClusterResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        cluster = version.clusters.filter(pk=data.validated_data.pop("cluster")).first()
        if cluster is None:
            raise ValidationError({"cluster": [f"There is no such cluster of comments on version {version.number}."]})
        count = closing.respond_to_cluster(cluster=cluster, **data.validated_data, by=request.user)
        return Response({"answered": count}, status=status.HTTP_201_CREATED)


class PublishFinal(APIView):
    """Publishers: publish a draft that follows a closed consultation as the final version."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=FinalInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = _version(request, org, slug, number)
        data = FinalInput(data=request.data)
        data.is_valid(raise_exception=True)
        closing.publish_final_version(version=version, **data.validated_data, by=request.user)
        return Response(VersionOutput(_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)
