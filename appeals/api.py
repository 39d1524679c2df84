from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from appeals import forms, selectors, services
from appeals.models import (
    CLAUSE_KEY_MAX,
    CLAUSES_MAX,
    EXCERPT_MAX,
    GROUNDS_MAX,
    LANGUAGE_MAX,
    RECEIPT_MAX,
    URL_MAX,
    AISystem,
    Appeal,
    Decision,
    DecisionCitation,
    OrganizationResponse,
    Recommendation,
    RecommendationStep,
    Vote,
)
from appeals.receipts import verify_receipt
from consultation.models import Guideline
from core.api import CursorPagination, KnownParameters, RankedCursorPagination, search_field
from core.schema import slug_text, text
from core.search import QUERY_MAX
from ledger.receipt_api import ReceiptField, ReceiptsList


class AppealInput(serializers.Serializer):
    """The same fields and limits as the filing form; the organization, system and guideline are named by slug.
    With a refusal `receipt` the appeal is a verified refusal, and the organization, system and time come from it."""

    receipt = serializers.CharField(
        max_length=RECEIPT_MAX,
        required=False,
        default="",
        help_text="A refusal receipt the system signed (compact JWS); then organization, system and happened_at "
        "may be left out.",
    )
    organization = serializers.SlugField(max_length=60, required=False)
    system = serializers.SlugField(max_length=60, required=False)
    guideline = serializers.SlugField(max_length=80, required=False, help_text="Needed if it has several.")
    happened_at = serializers.DateTimeField(validators=[forms.not_in_the_future], required=False)
    prompt_excerpt = serializers.CharField(max_length=EXCERPT_MAX)
    refusal_excerpt = serializers.CharField(max_length=EXCERPT_MAX)
    conversation_url = serializers.URLField(
        max_length=URL_MAX, required=False, allow_blank=True, default="", validators=[forms.WEB_ADDRESS]
    )
    language = serializers.CharField(max_length=LANGUAGE_MAX, default="en")
    clause_keys = serializers.ListField(
        child=serializers.CharField(max_length=CLAUSE_KEY_MAX), allow_empty=False, max_length=CLAUSES_MAX
    )
    grounds = serializers.CharField(max_length=GROUNDS_MAX)
    requested_outcome = serializers.ChoiceField(choices=Appeal.REQUESTED_CHOICES, default=Appeal.OVERTURN)
    show_name = serializers.BooleanField(default=False)
    confirm_duplicate = serializers.BooleanField(default=False, help_text="File even if you appealed it already.")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        validators=[forms.at_most_attachments],
        help_text="Screenshots or documents (PNG, JPEG or PDF, 5 MB each); send the appeal as multipart/form-data.",
    )

    def validate(self, data: dict) -> dict:
        if data["receipt"]:
            data = {**_from_receipt(data["receipt"]), **data}
        if missing := [name for name in ("organization", "system", "happened_at") if name not in data]:
            raise serializers.ValidationError({name: ["This field is required without a receipt."] for name in missing})
        slug = data.pop("organization")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise serializers.ValidationError({"organization": [f"There is no organization '{slug}'."]})
        slug = data["system"]
        data["system"] = AISystem.objects.filter(organization=organization, slug=slug).first()
        if data["system"] is None:
            raise serializers.ValidationError({"system": [f"{organization.name} has no system '{slug}'."]})
        data["guideline"] = _guideline(organization, data.get("guideline"))
        data["allow_duplicate"] = data.pop("confirm_duplicate")
        return data


def _from_receipt(token: str) -> dict:
    """The organization, system and time a receipt states, once it verifies; the service checks it again."""
    try:
        verified = verify_receipt(token)
    except ValidationError as error:
        raise serializers.ValidationError({"receipt": error.messages}) from error
    system = verified.system
    return {"organization": system.organization.slug, "system": system.slug, "happened_at": verified.refused_at}


def slug_filter(model) -> serializers.CharField:
    """An optional filter by a slug of `model`, no longer than the slug may be."""
    length = model._meta.get_field("slug").max_length
    return serializers.CharField(max_length=length, required=False, default="", allow_blank=True)


class DecisionFilter(serializers.Serializer):
    q = search_field()
    organization = slug_filter(Organization)
    guideline = slug_filter(Guideline)
    system = slug_filter(AISystem)
    clause = serializers.CharField(max_length=CLAUSE_KEY_MAX, required=False, default="", allow_blank=True)
    outcome = serializers.ChoiceField(choices=Decision.OUTCOME_CHOICES, required=False, default="", allow_blank=True)


class ResponseOutput(serializers.ModelSerializer):
    class Meta:
        model = OrganizationResponse
        fields = ["kind", "text", "responded_at"]


class VoteOutput(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="assignment.reviewer.handle")
    dissent = serializers.BooleanField(source="is_dissent")

    class Meta:
        model = Vote
        fields = ["reviewer", "outcome", "dissent"]


class RecommendationStepOutput(serializers.ModelSerializer):
    evidence_url = serializers.CharField(
        read_only=True, help_text="An http(s) address, or a path on this site (one of the organization's guidelines)."
    )

    class Meta:
        model = RecommendationStep
        fields = ["kind", "actor", "note", "implemented_on", "evidence_url", "at"]


class RecommendationOutput(serializers.ModelSerializer):
    """A recommendation, where its answers have brought it (`state`), and every step."""

    evidence_url = serializers.CharField(
        read_only=True, help_text="An http(s) address, or a path on this site (one of the organization's guidelines)."
    )

    organization = serializers.CharField(source="organization.slug")
    overdue = serializers.BooleanField(source="is_overdue")
    steps = RecommendationStepOutput(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "public_id",
            "organization",
            "decision",
            "text",
            "state",
            "response",
            "made_at",
            "respond_by",
            "responded_at",
            "overdue",
            "overdue_flagged_at",
            "implemented_on",
            "evidence_url",
            "url",
            "steps",
        ]

    def get_url(self, recommendation) -> str:
        return self.context["request"].build_absolute_uri(recommendation.get_absolute_url())


class CitationOutput(serializers.Serializer):
    decision = serializers.IntegerField(source="cited_id", help_text="The number of the earlier decision cited.")
    relation = serializers.ChoiceField(choices=DecisionCitation.RELATION_CHOICES)
    reason = serializers.CharField(help_text="Why; its SHA-256 is in the decision's entry (cited_decisions).")


class CitedByOutput(serializers.Serializer):
    decision = serializers.IntegerField(source="citing_id", help_text="The number of the later decision citing it.")
    relation = serializers.ChoiceField(choices=DecisionCitation.RELATION_CHOICES)
    reason = serializers.CharField()


class CitedByCounts(serializers.Serializer):
    follows = serializers.IntegerField()
    distinguishes = serializers.IntegerField()


class DecisionOutput(serializers.ModelSerializer):
    appeal = serializers.CharField(source="appeal.public_id")
    organization = serializers.CharField(source="organization.slug")
    system = serializers.CharField(source="system.slug")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded = serializers.BooleanField(source="corrected")
    cites = CitationOutput(many=True, help_text="The earlier decisions it follows or distinguishes, and why.")
    cited_by = CitedByCounts(
        source="precedent_counts", help_text="How many later decisions in force follow it and how many distinguish it."
    )
    recommendations = RecommendationOutput(many=True)
    url = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text="In a search: where the decision matched, as HTML whose only tags are <mark>; else empty."
    )
    receipt = ReceiptField(decision=True)

    class Meta:
        model = Decision
        list_serializer_class = ReceiptsList
        fields = [
            "id",
            "appeal",
            "organization",
            "system",
            "outcome",
            "rationale",
            "comments_considered",
            "cited_clause_keys",
            "cites",
            "cited_by",
            "decided_at",
            "supersedes",
            "superseded",
            "correction_note",
            "recommendations",
            "url",
            "snippet",
            "receipt",
        ]

    def get_url(self, decision) -> str:
        return self.context["request"].build_absolute_uri(decision.get_absolute_url())

    def get_snippet(self, decision) -> str:
        return str(decision.search_match()) if getattr(decision, "highlight", "") else ""


class AppealDecisionOutput(DecisionOutput):
    votes = VoteOutput(many=True)
    responses = ResponseOutput(many=True)
    cited_decisions = serializers.SerializerMethodField(help_text="The numbers of the decisions in `cites`.")
    cited_by_decisions = CitedByOutput(
        many=True, source="later_citations", help_text="The later decisions in force that cite it, and why."
    )

    class Meta(DecisionOutput.Meta):
        fields = DecisionOutput.Meta.fields + ["votes", "responses", "cited_decisions", "cited_by_decisions"]

    def get_cited_decisions(self, decision) -> list[int]:
        return [citation.cited_id for citation in decision.cites.all()]


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    actor = serializers.CharField()
    note = serializers.CharField()


class AppealOutput(serializers.ModelSerializer):
    organization = serializers.CharField(source="guideline.organization.slug")
    system = serializers.CharField(source="refusal.system.slug")
    guideline = serializers.CharField(source="guideline.slug")
    version = serializers.IntegerField(source="version.number")
    appellant = serializers.CharField(source="appellant_label")
    overdue = serializers.BooleanField(source="is_overdue")
    refusal = serializers.SerializerMethodField()
    timeline = EventOutput(many=True, source="events")
    decision = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    public_comments = serializers.SerializerMethodField(
        help_text="When moderators opened the appeal for public comment: why, its window and the comments' address."
    )
    receipt = ReceiptField()
    verified_refusal = serializers.BooleanField(
        source="refusal.is_verified", help_text="Filed with a refusal receipt the system signed; else unverified."
    )

    class Meta:
        model = Appeal
        fields = [
            "public_id",
            "status",
            "verified_refusal",
            "organization",
            "system",
            "guideline",
            "version",
            "clause_keys",
            "appellant",
            "filed_at",
            "deadline",
            "overdue",
            "significant",
            "refusal",
            "timeline",
            "decision",
            "decisions",
            "public_comments",
            "receipt",
        ]

    def get_refusal(self, appeal) -> dict:
        """Redacted excerpts only, and only once a moderator has screened the appeal."""
        refusal = appeal.refusal
        screened = appeal.is_screened
        return {
            "happened_at": serializers.DateTimeField().to_representation(refusal.happened_at),
            "language": refusal.language,
            "prompt_excerpt": refusal.public_prompt_excerpt if screened else None,
            "refusal_excerpt": refusal.public_refusal_excerpt if screened else None,
            "grounds": appeal.public_grounds if screened else None,
            "receipt": {"kid": refusal.receipt_key.kid, "refusal_id": refusal.receipt_refusal_id}
            if refusal.is_verified
            else None,
        }

    def get_decision(self, appeal) -> dict | None:
        current = [d for d in appeal.decision_list if not d.corrected]
        return AppealDecisionOutput(current[-1], context=self.context).data if current else None

    def get_public_comments(self, appeal) -> dict | None:
        call = selectors.comment_call(appeal)
        if call is None:
            return None
        at = serializers.DateTimeField().to_representation
        url = reverse("api-case-comments", args=[appeal.public_id])
        return {
            "criteria": call.criteria,
            "reason": call.reason,
            "opens_at": at(call.opens_at),
            "closes_at": at(call.closes_at),
            "open": call.is_open(),
            "comments": self.context["request"].build_absolute_uri(url),
        }

    def get_decisions(self, appeal) -> list:
        # many=True makes a ListSerializer, whose data is a list; the stubs type the call as the child serializer.
        return AppealDecisionOutput(appeal.decision_list, many=True, context=self.context).data  # type: ignore[return-value]


def _appeal_for_output(public_id: str) -> Appeal:
    appeal = get_object_or_404(
        selectors.appeals_for_pages().select_related("appellant", "comment_call").prefetch_related("events"),
        public_id=public_id,
    )
    appeal.decision_list = selectors.appeal_decisions(appeal)
    return appeal


class AppealCreate(APIView):
    """File an appeal against one refusal (citizens: a verified email), as JSON or, with attachments, multipart."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AppealInput, responses={201: AppealOutput})
    def post(self, request):
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.file_appeal(by=request.user, **data.validated_data)
        output = AppealOutput(_appeal_for_output(appeal.public_id), context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


def _guideline(organization: Organization, slug: str | None) -> Guideline:
    guidelines = Guideline.objects.filter(organization=organization)
    if slug:
        guideline = guidelines.filter(slug=slug).first()
        if guideline is None:
            raise serializers.ValidationError({"guideline": [f"{organization.name} has no guideline '{slug}'."]})
        return guideline
    found = list(guidelines[:2])
    if len(found) != 1:
        raise serializers.ValidationError({"guideline": ["Name the guideline the refusal was made under."]})
    return found[0]


class AppealDetail(APIView):
    """One appeal: status, timeline and decision (with corrections), as the public sees it."""

    @extend_schema(responses=AppealOutput)
    def get(self, request, public_id: str):
        return Response(AppealOutput(_appeal_for_output(public_id), context={"request": request}).data)


@extend_schema(
    parameters=[
        OpenApiParameter("organization", slug_text(Organization), description="Organization slug."),
        OpenApiParameter(
            "guideline", slug_text(Guideline), description="Guideline slug: clause keys are meaningful within one."
        ),
        OpenApiParameter("system", slug_text(AISystem), description="AI system slug."),
        OpenApiParameter("clause", text(CLAUSE_KEY_MAX), description="A clause key the decision cites, such as R-4.2."),
        OpenApiParameter("outcome", str, enum=["", *(c for c, _ in Decision.OUTCOME_CHOICES)]),
        OpenApiParameter(
            "q",
            text(QUERY_MAX),
            description="Full-text search (quoted phrases, `or`, `-word`) in the rationale, public excerpts, clause "
            "keys and headings, organization and system; the best matches come first.",
        ),
    ]
)
class DecisionList(KnownParameters, generics.ListAPIView):
    """The public decision database, newest first, cursor-paginated; a search (`q`) lists the best matches first,
    each with a `snippet` of where it matched."""

    parameters = tuple(DecisionFilter().fields)
    serializer_class = DecisionOutput
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet[Decision]:
        filters = DecisionFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        self.searched = filters.validated_data["q"]
        recommendations = Prefetch("recommendations", queryset=selectors.recommendations_with_steps().order_by("pk"))
        decisions = selectors.search_decisions(**filters.validated_data).prefetch_related(recommendations, "cites")
        if "search_key" in decisions.query.annotations:
            self.pagination_class = RankedCursorPagination
        return decisions

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_headlines(page, self.searched) if page is not None else page
