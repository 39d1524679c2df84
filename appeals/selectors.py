"""Reads that are more than a filter: the version in force, duplicates, eligible reviewers, clause pressure,
the decision database, the moderator queue."""

from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from accounts.models import Organization, ReviewerProfile, User
from appeals.models import (
    AISystem,
    Appeal,
    Assignment,
    ContestedClause,
    Decision,
    DecisionSearch,
    OrganizationResponse,
    Vote,
)
from appeals.search import MARK_START, MARK_STOP
from consultation.models import Clause, Guideline, GuidelineVersion


def version_in_force(*, guideline: Guideline, at: datetime) -> GuidelineVersion | None:
    """The published version that applied at `at`: the latest final one, else the latest in consultation."""
    published = GuidelineVersion.objects.published_for(guideline.organization).filter(
        guideline=guideline, published_at__lte=at
    )
    in_force = published.filter(status__in=[GuidelineVersion.FINAL, GuidelineVersion.SUPERSEDED])
    return in_force.order_by("-published_at", "-number").first() or published.order_by("-published_at").first()


def find_duplicate(*, appellant: User, system: AISystem, refusal_excerpt: str, happened_at: datetime) -> Appeal | None:
    """The same person appealing the same refusal again."""
    return (
        Appeal.objects.filter(
            appellant=appellant,
            refusal__system=system,
            refusal__happened_at=happened_at,
            refusal__refusal_excerpt=refusal_excerpt,
        )
        .exclude(status=Appeal.WITHDRAWN)
        .first()
    )


def eligible_reviewers(appeal: Appeal) -> QuerySet[ReviewerProfile]:
    """Active, under capacity, without a conflict of interest, and not already asked about this appeal."""
    organization_id = appeal.guideline.organization_id
    reviewers = (
        ReviewerProfile.objects.active()
        .filter(user__is_active=True)
        .exclude(affiliations=organization_id)
        .exclude(user__memberships__organization=organization_id)
        .exclude(user_id=appeal.appellant_id)
        .exclude(assignments__appeal=appeal)
    )
    screeners = {appeal.screened_by_id, appeal.admitted_by_id} - {None}
    if screeners:
        reviewers = reviewers.exclude(user_id__in=screeners)
    return reviewers.filter(open_assignments__lt=F("capacity")).select_related("user")


def ineligibility_reason(appeal: Appeal, reviewer: ReviewerProfile) -> str:
    organization = appeal.guideline.organization
    if not reviewer.active or not reviewer.user.is_active:
        return f"{reviewer.handle} is not an active reviewer."
    if (
        reviewer.affiliations.filter(pk=organization.pk).exists()
        or reviewer.user.memberships.filter(organization=organization).exists()
    ):
        return f"{reviewer.handle} declared an affiliation with {organization.name}."
    if reviewer.user_id in (appeal.screened_by_id, appeal.admitted_by_id, appeal.appellant_id):
        return f"{reviewer.handle} screened or filed this appeal."
    if appeal.assignments.filter(reviewer=reviewer).exists():
        return f"{reviewer.handle} has already been asked about this appeal."
    return f"{reviewer.handle} has no capacity left."


def clause_tags(appeal: Appeal) -> set[str]:
    """The topics of the contested clauses, as routing matches them against reviewers' expertise."""
    contested = ContestedClause.objects.filter(appeal=appeal).values("key")
    tags: set[str] = set()
    for clause_tags_list in Clause.objects.filter(version=appeal.version_id, key__in=contested).values_list(
        "tags", flat=True
    ):
        tags.update(str(tag).lower() for tag in clause_tags_list or [])
    return tags


def contested_clauses(appeal: Appeal) -> list[Clause]:
    """The contested clauses' text as it was in the version in force at the refusal, in the order filed."""
    keys = appeal.clause_keys
    clauses = {c.key: c for c in Clause.objects.filter(version=appeal.version_id, key__in=keys)}
    return [clauses[key] for key in keys if key in clauses]


def clause_pressure(guideline: Guideline) -> dict[str, dict[str, int]]:
    """For each clause key of `guideline`: how many appeals contested it, and how many of those were overturned
    (fully or partly, by the decision in force). One query."""
    overturned = Q(
        appeal__decisions__outcome__in=[Decision.OVERTURNED, Decision.PARTIAL],
        appeal__decisions__superseded_by__isnull=True,
    )
    rows = (
        ContestedClause.objects.filter(guideline=guideline)
        .exclude(appeal__status=Appeal.WITHDRAWN)
        .values("key")
        .annotate(appealed=Count("appeal", distinct=True), overturned=Count("appeal", filter=overturned, distinct=True))
        .order_by("key")
    )
    return {row["key"]: {"appealed": row["appealed"], "overturned": row["overturned"]} for row in rows}


def public_decisions() -> QuerySet[Decision]:
    """The one decision query behind the decision page, the API, the CSV export and the appeal pages."""
    corrected = Exists(Decision.objects.filter(supersedes=OuterRef("pk")))
    return (
        Decision.objects.select_related("appeal", "organization", "system")
        .prefetch_related("cited_clauses")
        .annotate(corrected=corrected)
        .order_by("-pk")
    )


def listed_decisions(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """What each item of a decision list shows besides the decision: the public excerpts of the refusal and the
    headings of the clauses it cites (one more query for a whole page)."""
    headings = Clause.objects.only("version_id", "key", "heading")
    return decisions.select_related("appeal__refusal", "appeal__version").prefetch_related(
        Prefetch("appeal__version__clauses", queryset=headings)
    )


def appeal_decisions(appeal: Appeal) -> list[Decision]:
    """An appeal's decisions and corrections, oldest first, with votes, responses and citations."""
    votes = Vote.objects.select_related("assignment__reviewer", "decision").prefetch_related("cited_clauses")
    return list(
        public_decisions()
        .filter(appeal=appeal)
        .select_related("supersedes")
        .prefetch_related(
            Prefetch("votes", queryset=votes.order_by("cast_at", "pk")),
            Prefetch("responses", queryset=OrganizationResponse.objects.order_by("responded_at", "pk")),
            Prefetch("cited_decisions", queryset=Decision.objects.select_related("appeal")),
        )
        .order_by("decided_at", "pk")
    )


def recent_decisions(limit: int = 5) -> list[Decision]:
    """The newest decisions in force, for the home page, as the decision list shows them."""
    return list(listed_decisions(public_decisions().filter(superseded_by__isnull=True))[:limit])


def search_decisions(
    *,
    q: str = "",
    organization: str = "",
    guideline: str = "",
    system: str = "",
    clause: str = "",
    outcome: str = "",
) -> QuerySet[Decision]:
    """The public decision database: every filter is an indexed column. `q` searches each decision's DecisionSearch
    document (rationale, public excerpts, clause keys and headings, organization, system), full-text with a marked
    headline on PostgreSQL, as a phrase on SQLite; each match gets `highlight` for Decision.search_match.
    A clause key means something only within its guideline, so `clause` is best given with `guideline`."""
    decisions = public_decisions()
    if organization:
        decisions = decisions.filter(organization__slug=organization)
    if guideline:
        decisions = decisions.filter(appeal__guideline__slug=guideline)
    if system:
        decisions = decisions.filter(system__slug=system)
    if clause:
        decisions = decisions.filter(cited_clauses__key=clause)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if q and connection.vendor == "postgresql":
        query = SearchQuery(q, config="english", search_type="websearch")
        # The same expression as the GIN index of migration 0008, on the index's own table, so the planner can use it.
        found = DecisionSearch.objects.annotate(found=SearchVector("document", config="english")).filter(found=query)
        decisions = decisions.filter(pk__in=found.values("decision_id"))
        decisions = decisions.annotate(
            highlight=SearchHeadline(
                "search__document", query, config="english", start_sel=MARK_START, stop_sel=MARK_STOP,
                max_fragments=2, max_words=20, min_words=8,
            )
        )  # fmt: skip
    elif q:
        decisions = decisions.filter(search__document__icontains=q)
        decisions = decisions.annotate(highlight=F("search__document"), searched=Value(q))
    return decisions


def earlier_decisions(appeal: Appeal, limit: int = 10) -> list[Decision]:
    """Decisions in force on other appeals under the same guideline that cite any clause this appeal contests."""
    return list(
        public_decisions()
        .filter(
            appeal__guideline_id=appeal.guideline_id,
            superseded_by__isnull=True,
            cited_clauses__key__in=ContestedClause.objects.filter(appeal=appeal).values("key"),
        )
        .exclude(appeal=appeal)
        .distinct()[:limit]
    )


def moderator_queue() -> QuerySet[Appeal]:
    """Appeals to screen, oldest first."""
    return (
        Appeal.objects.awaiting_screening()
        .select_related("refusal__system__organization", "guideline")
        .order_by("filed_at", "pk")
    )


def appeals_in_routing() -> QuerySet[Appeal]:
    """Appeals awaiting or in review, with how many reviewers they have (`live`), oldest first."""
    live = Q(assignments__status__in=Assignment.LIVE_STATUSES)
    return (
        Appeal.objects.in_routing()
        .select_related("refusal__system__organization")
        .annotate(live=Count("assignments", filter=live))
        .order_by("filed_at", "pk")
    )


def appealable_organizations() -> QuerySet[Organization]:
    """Organizations with AI systems and a published guideline: those whose refusals can be appealed."""
    published = [GuidelineVersion.CONSULTATION, GuidelineVersion.FINAL, GuidelineVersion.SUPERSEDED]
    return (
        Organization.objects.filter(ai_systems__isnull=False, guidelines__versions__status__in=published)
        .distinct()
        .order_by("name")
    )


def appealable_under(organization: Organization) -> tuple[list[AISystem], list[Guideline]]:
    """The organization's AI systems, and its guidelines with a published version."""
    systems = list(AISystem.objects.filter(organization=organization).order_by("name"))
    published = GuidelineVersion.objects.published_for(organization)
    guidelines = list(
        Guideline.objects.filter(organization=organization, versions__in=published).distinct().order_by("title")
    )
    return systems, guidelines


def clauses_in_force(appeal: Appeal) -> list[Clause]:
    """Every clause of the version in force at the refusal: what a decision may cite."""
    return list(Clause.objects.filter(version=appeal.version_id).order_by("position", "pk"))


def appeals_for_pages() -> QuerySet[Appeal]:
    """Appeals with what every appeal page shows about them, read in the same query or one prefetch."""
    return Appeal.objects.select_related(
        "refusal__system__organization", "guideline__organization", "version"
    ).prefetch_related("contested_clauses")


def decisions_for_pages() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "appeal__guideline__organization", "appeal__version", "organization"
    ).prefetch_related("cited_clauses", "appeal__contested_clauses")


def decisions_to_answer(organizations: QuerySet[Organization], limit: int = 200) -> list[Decision]:
    """Decisions in force on the organizations' appeals, those not answered yet first."""
    answered = Exists(OrganizationResponse.objects.filter(decision=OuterRef("pk")))
    return list(
        public_decisions()
        .filter(organization__in=organizations, superseded_by__isnull=True)
        .annotate(answered=answered)
        .order_by("answered", "-pk")[:limit]
    )


def assignments_for_pages() -> QuerySet[Assignment]:
    return Assignment.objects.select_related(
        "appeal__refusal__system__organization", "appeal__guideline__organization", "appeal__version", "reviewer"
    ).prefetch_related("appeal__contested_clauses")
