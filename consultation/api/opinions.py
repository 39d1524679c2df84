"""The consultation API's opinion groups (the Pol.is method): statements, votes, and the computed groups."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation import selectors
from consultation.api.guidelines import clause_or_error, lookup_version
from consultation.models import (
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    GroupMembership,
    GuidelineVersion,
    OpinionGroups,
    Statement,
    Vote,
)
from consultation.services import grouping
from consultation.services import opinions as service
from core.api import CursorPagination, KnownParameters
from ledger.receipt_api import ReceiptField, ReceiptsList


class OldestFirst(CursorPagination):
    ordering = "pk"


class NewStatementInput(serializers.Serializer):
    # The service says how long a statement may be (280 characters, once stripped); this only stops an enormous one.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=LONG_TEXT_LENGTH)
    clause = serializers.CharField(max_length=KEY_LENGTH, required=False, allow_blank=True, allow_null=True)


class StatementOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    clause = serializers.CharField(source="clause.key", allow_null=True, default=None)
    status = serializers.CharField()
    seeded = serializers.BooleanField()
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    passed = serializers.IntegerField(source="passed", help_text="The votes `pass`.")
    receipt = ReceiptField()

    class Meta:
        list_serializer_class = ReceiptsList

    def get_fields(self):
        # `pass` is a Python keyword, so the field is declared as `passed` and served under its API name.
        fields = super().get_fields()
        fields["pass"] = fields.pop("passed")
        return fields


class VoteInput(serializers.Serializer):
    vote = serializers.ChoiceField(
        choices=Vote.VOTE_CHOICES, error_messages={"invalid_choice": "Vote agree, disagree or pass."}
    )


class VoteOutput(serializers.Serializer):
    statement = serializers.IntegerField()
    vote = serializers.CharField()
    participant = serializers.CharField(help_text="Your pseudonymous id in this consultation, as in the open data.")


class NamedStatement(serializers.Serializer):
    statement = serializers.IntegerField()
    text = serializers.CharField()
    clause = serializers.CharField(allow_null=True)
    agree_share = serializers.FloatField(help_text="Share of the votes on it (clustered participants) that agree.")


class RepresentativeStatement(NamedStatement):
    direction = serializers.ChoiceField(choices=["agree", "disagree"])


class GroupOutput(serializers.Serializer):
    id = serializers.IntegerField()
    size = serializers.IntegerField()
    representative = RepresentativeStatement(many=True)


class OpinionGroupsOutput(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    votes_seen = serializers.IntegerField()
    participants = serializers.IntegerField(help_text="Everyone who voted.")
    clustered = serializers.IntegerField(help_text="Those with enough votes to be placed in a group.")
    k = serializers.IntegerField(source="result.k")
    silhouette = serializers.FloatField(source="result.silhouette")
    method = serializers.DictField(source="result.method")
    groups = GroupOutput(many=True, source="result.groups")
    consensus = NamedStatement(many=True, source="result.consensus")
    divisive = NamedStatement(many=True, source="result.divisive")


class MembershipOutput(serializers.Serializer):
    participant = serializers.CharField(source="participant.pseudonym")
    group = serializers.IntegerField()
    x = serializers.FloatField()
    y = serializers.FloatField()


class StatementList(KnownParameters, generics.ListAPIView):
    """A version's statements shown for voting, oldest first. Citizens submit statements here (a moderator shows
    them); the organization's publishers seed them, shown at once."""

    serializer_class = StatementOutput
    pagination_class = OldestFirst
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Statement]:
        version = lookup_version(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
        return version.statements.filter(status=Statement.SHOWN).select_related("clause")

    @extend_schema(request=NewStatementInput, responses={201: StatementOutput})
    def post(self, request, org: str, slug: str, number: int):
        data = NewStatementInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = lookup_version(request, org, slug, number)
        clause = clause_or_error(version, data.validated_data.get("clause"))
        statement = service.submit_statement(
            version=version, text=data.validated_data["text"], clause=clause, by=request.user
        )
        return Response(StatementOutput(statement).data, status=status.HTTP_201_CREATED)


class StatementVote(APIView):
    """Citizens: vote on a shown statement while the period is open; voting again changes the vote."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=VoteInput, responses={200: VoteOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        data = VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement = selectors.statement_to_vote_on(request.user, org=org, slug=slug, number=number, pk=pk)
        cast = service.cast_vote(statement=statement, vote=data.validated_data["vote"], by=request.user)
        return Response(VoteOutput(cast).data)


def _published(request, org: str, slug: str, number: int) -> tuple[GuidelineVersion, OpinionGroups]:
    version = lookup_version(request, org, slug, number)
    published = grouping.published_groups(version)
    if published is None:
        raise Http404("No opinion groups have been computed for this version yet.")
    return version, published


class OpinionGroupsDetail(APIView):
    """The published (newest) opinion groups of a version: each group's size and representative statements, the
    consensus and divisive statements, and the method's parameters. 404 until the first computation."""

    @extend_schema(responses={200: OpinionGroupsOutput})
    def get(self, request, org: str, slug: str, number: int):
        _, published = _published(request, org, slug, number)
        return Response(OpinionGroupsOutput(published).data)


class GroupParticipants(KnownParameters, generics.ListAPIView):
    """Every clustered participant of the published computation with their group and projected point, so anyone
    can check an assignment against the open data's votes."""

    serializer_class = MembershipOutput
    pagination_class = OldestFirst

    def get_queryset(self) -> QuerySet[GroupMembership]:
        _, published = _published(self.request, self.kwargs["org"], self.kwargs["slug"], self.kwargs["number"])
        return GroupMembership.objects.filter(computation=published).select_related("participant")


class OpinionGroupsRecompute(APIView):
    """Publishers of the organization and moderators: compute the groups now. 202: queued; on the embedded default,
    where tasks run in-process, already done."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: None})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        service.recompute_opinion_groups(version=version, by=request.user)
        return Response({"detail": "The opinion groups are being computed."}, status=status.HTTP_202_ACCEPTED)
