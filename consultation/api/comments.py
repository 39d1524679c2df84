"""The consultation API's comments: listing and searching them, citizens posting and endorsing."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_fields import SpeaksAsInput
from consultation import selectors
from consultation.api.guidelines import CommentOutput, clause_or_error, lookup_version
from consultation.models import (
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    ON_BEHALF_OF_LENGTH,
    Comment,
)
from consultation.services import comments as commenting
from core.api import CursorPagination, KnownParameters, RankedCursorPagination, search_field
from core.ids import parse_id
from core.proxies import client_address
from core.schema import text, whole_number
from core.search import QUERY_MAX
from ledger.receipt_api import just_recorded


class OldestFirst(CursorPagination):
    ordering = "pk"


class CommentSearchInput(serializers.Serializer):
    q = search_field()


class CommentInput(SpeaksAsInput):
    clause = serializers.CharField(max_length=KEY_LENGTH, required=False, allow_blank=True, allow_null=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=LONG_TEXT_LENGTH)
    # The serializer's metaclass takes declared fields out of the class, so this never shadows Field.parent.
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)  # type: ignore[assignment]
    on_behalf_of = serializers.CharField(max_length=ON_BEHALF_OF_LENGTH, required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter("clause", OpenApiTypes.STR, description="A clause key, or 'general'."),
        OpenApiParameter(
            "q",
            text(QUERY_MAX),
            description="Full-text search (quoted phrases, `or`, `-word`) in the published comments and replies; "
            "the best matches come first, each with a `snippet`. Hidden comments are never found.",
        ),
        OpenApiParameter("cluster", whole_number(minimum=0), description="Only the comments of this cluster."),
    ]
)
class CommentList(KnownParameters, generics.ListAPIView):
    """A version's comments, oldest first (a search: best match first). Citizens post comments and replies here
    while the period is open."""

    parameters = ("q", "clause", "cluster")
    serializer_class = CommentOutput
    pagination_class: type[CursorPagination] = OldestFirst  # a search's is RankedCursorPagination
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Comment]:
        version = lookup_version(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
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
            comments = comments.on_clause(clause_or_error(version, key))
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
        return selectors.with_snippets(page, self.searched) if self.searched and page is not None else page

    @extend_schema(request=CommentInput, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int):
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, clause, parent = selectors.comment_target(
            request.user,
            org=org,
            slug=slug,
            number=number,
            clause_key=values.pop("clause", None),
            parent_id=values.pop("parent", None),
        )
        comment = commenting.post_comment(
            version=version, clause=clause, parent=parent, **values, ip=client_address(request), by=request.user
        )
        return Response(CommentOutput(comment, context=just_recorded(comment)).data, status=status.HTTP_201_CREATED)


class CommentEndorse(APIView):
    """Citizens: endorse a comment while the period is open (once per person)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        version = lookup_version(request, org, slug, number)
        comment = get_object_or_404(version.comments, pk=pk)
        commenting.endorse_comment(comment=comment, by=request.user)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)
