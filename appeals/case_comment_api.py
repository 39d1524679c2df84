"""The API of public comments on an appeal open for comment: read them (everyone), post one (citizens, by token or
session; an `Idempotency-Key` makes a retry safe, core.idempotency)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.api_fields import SpeaksAsInput
from appeals.models import Appeal, CaseComment
from appeals.services import case_comments
from consultation.models import LONG_TEXT_LENGTH, ON_BEHALF_OF_LENGTH
from core.api import CursorPagination, KnownParameters
from core.proxies import client_address


class OldestFirst(CursorPagination):
    ordering = "pk"


class CaseCommentInput(SpeaksAsInput):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=LONG_TEXT_LENGTH)
    on_behalf_of = serializers.CharField(max_length=ON_BEHALF_OF_LENGTH, required=False, allow_blank=True, default="")


class CaseCommentOutput(serializers.ModelSerializer):
    """A hidden comment is its tombstone: no author, no body, the reason."""

    appeal = serializers.CharField(source="appeal.public_id")
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    tombstone = serializers.SerializerMethodField()
    cluster = serializers.IntegerField(
        source="cluster_id", allow_null=True, help_text="The id of its cluster's first comment; null until clustered."
    )
    near_duplicates = serializers.IntegerField(source="others", help_text="Near-identical comments it stands for.")
    assurance = serializers.SerializerMethodField(
        help_text="Who was speaking, as the site had checked it when posted: verified_email, verified_member "
        "(of assurance_organization) or organization (its own voice); null for a hidden comment."
    )
    assurance_organization = serializers.SerializerMethodField(
        help_text="The organization's name then, for verified_member and organization; else empty; null if hidden."
    )
    disputed = serializers.BooleanField(
        source="is_disputed",
        read_only=True,
        help_text="The account holder says they did not write this, and no moderator has decided yet.",
    )

    class Meta:
        model = CaseComment
        fields = [
            "id",
            "appeal",
            "author",
            "on_behalf_of",
            "body",
            "status",
            "hidden_reason",
            "tombstone",
            "created_at",
            "cluster",
            "near_duplicates",
            "assurance",
            "assurance_organization",
            "disputed",
        ]

    def get_author(self, comment) -> str | None:
        return None if comment.is_hidden else comment.author.public_name

    def get_body(self, comment) -> str | None:
        return None if comment.is_hidden else comment.body

    def get_on_behalf_of(self, comment) -> str | None:
        return None if comment.is_hidden else comment.on_behalf_of

    def get_assurance(self, comment) -> str | None:
        return None if comment.is_hidden else comment.assurance

    def get_assurance_organization(self, comment) -> str | None:
        return None if comment.is_hidden else comment.assurance_organization

    def get_tombstone(self, comment) -> str | None:
        return comment.tombstone if comment.is_hidden else None


class CaseCommentList(KnownParameters, generics.ListAPIView):
    """An appeal's public comments, oldest first, each cluster of near-identical comments once. Citizens post here
    while the appeal is open for comment."""

    serializer_class = CaseCommentOutput
    pagination_class = OldestFirst
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[CaseComment]:
        appeal = get_object_or_404(Appeal.objects.only("pk"), public_id=self.kwargs["public_id"])
        return CaseComment.objects.filter(appeal=appeal).shown_once().select_related("author", "appeal")

    @extend_schema(request=CaseCommentInput, responses={201: CaseCommentOutput})
    def post(self, request, public_id: str):
        data = CaseCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = get_object_or_404(Appeal, public_id=public_id)
        comment = case_comments.post_case_comment(
            appeal=appeal, **data.validated_data, ip=client_address(request), by=request.user
        )
        return Response(CaseCommentOutput(comment).data, status=status.HTTP_201_CREATED)
