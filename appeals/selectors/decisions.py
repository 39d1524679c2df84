"""Reads that are more than a filter: the version in force, duplicates, eligible reviewers, clause pressure,
the decision database, the moderator queue."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When

from accounts.models import Organization, ReviewerProfile, User
from appeals.models import (
    AISystem,
    Appeal,
    Assignment,
    CitedClause,
    ContestedClause,
    Decision,
    DecisionSearch,
    OrganizationResponse,
    Recommendation,
    RecommendationStep,
    RecommendationTally,
    Vote,
)
from consultation.models import Clause, Guideline, GuidelineVersion
from consultation.pressure import ClausePressure
from core.periods import within_months
from core.search import headlines, ranked

OVERTURNED_ANY = "overturned_any"  # the outcome filter for both kinds of overturn, as the overturn share counts


def version_in_force(*, guideline: Guideline, at: datetime) -> GuidelineVersion | None:
    """The published version that applied at `at`: the latest final one, else the latest in consultation."""
    published = GuidelineVersion.objects.published_for(guideline.organization).filter(
        guideline=guideline, published_at__lte=at
    )
    in_force = published.filter(status__in=GuidelineVersion.FINAL_STATUSES)
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


def clause_pressure(guideline: Guideline, *, version: GuidelineVersion | None = None) -> dict[str, ClausePressure]:
    """For each clause key in force at `version`: the appeals that contested it since its wording came into force,
    how many of those were decided and how many overturned (fully or partly, by the decision in force). Two queries,
    whatever the number of clauses, versions or appeals; the one selector behind every page that shows it.

    A final (or superseded) version is in force itself; for a draft or a consultation, it is the final version
    before it that is in force, as its clauses are what the appeals are about. A clause "came into force" in the
    earliest public version from which its text has not changed: appeals about an earlier wording do not count."""
    public = list(
        Clause.objects.filter(version__guideline=guideline, version__status__in=GuidelineVersion.PUBLIC_STATUSES)
        .select_related("version")
        .only("key", "text", "version__number", "version__status", "version__published_at")
        .order_by("-version__number")
    )
    versions = list({c.version.number: c.version for c in public}.values())  # newest first
    in_force = _version_in_force_at(versions, version)
    if in_force is None:
        return {}
    texts = {(c.version.number, c.key): c.text for c in public}
    # Appeals are filed against the versions that were in force: final ones, and consultations before the first.
    first_final = min((v.number for v in versions if v.status != GuidelineVersion.CONSULTATION), default=None)
    were_in_force = [v for v in versions if v.status != GuidelineVersion.CONSULTATION or first_final is None
                     or v.number < first_final]  # fmt: skip
    spans: dict[str, tuple[list[int], GuidelineVersion]] = {}
    for key in [c.key for c in public if c.version.number == in_force.number]:
        text, numbers, since = texts[(in_force.number, key)], [], in_force
        for candidate in (v for v in were_in_force if v.number <= in_force.number):
            if texts.get((candidate.number, key)) != text:
                break
            numbers.append(candidate.number)
            since = candidate
        spans[key] = (numbers, since)
    in_force_decision = Q(appeal__decisions__superseded_by__isnull=True, appeal__decisions__isnull=False)
    overturned = Q(in_force_decision, appeal__decisions__outcome__in=[Decision.OVERTURNED, Decision.PARTIAL])
    rows = (
        ContestedClause.objects.filter(guideline=guideline, key__in=spans)
        .exclude(appeal__status=Appeal.WITHDRAWN)
        .values("key", "appeal__version__number")
        .annotate(
            appealed=Count("appeal", distinct=True),
            decided=Count("appeal", filter=in_force_decision, distinct=True),
            overturned=Count("appeal", filter=overturned, distinct=True),
        )
        .order_by()
    )
    counts = {key: Counter() for key in spans}
    for row in rows:
        if row["appeal__version__number"] in spans[row["key"]][0]:
            counts[row["key"]].update({name: row[name] for name in ("appealed", "decided", "overturned")})
    return {
        key: ClausePressure(
            appealed=counts[key]["appealed"],
            decided=counts[key]["decided"],
            overturned=counts[key]["overturned"],
            since=spans[key][1],
            text=texts[(in_force.number, key)],
        )
        for key in spans
    }


def _version_in_force_at(versions: list[GuidelineVersion], version: GuidelineVersion | None) -> GuidelineVersion | None:
    """Of `versions` (public, newest first), the one whose clauses were in force while `version` was current: a final
    (or superseded) version itself; for a consultation or a draft, the newest final version before it, else the
    consultation itself, else for a draft the newest public version before it. No `version`: the newest public one."""
    version = version or next(iter(versions), None)
    if version is None or version.status in GuidelineVersion.FINAL_STATUSES:
        return version
    earlier = [v for v in versions if v.number < version.number]
    final = next((v for v in earlier if v.status in GuidelineVersion.FINAL_STATUSES), None)
    if final or version.status == GuidelineVersion.CONSULTATION:
        return final or version
    return next(iter(earlier), None)


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
    """An appeal's decisions and corrections, oldest first, with votes, responses, citations and recommendations."""
    votes = Vote.objects.select_related("assignment__reviewer", "decision").prefetch_related("cited_clauses")
    return list(
        public_decisions()
        .filter(appeal=appeal)
        .select_related("supersedes")
        .prefetch_related(
            Prefetch("votes", queryset=votes.order_by("cast_at", "pk")),
            Prefetch("responses", queryset=OrganizationResponse.objects.order_by("responded_at", "pk")),
            Prefetch("cited_decisions", queryset=Decision.objects.select_related("appeal")),
            Prefetch("recommendations", queryset=recommendations_with_steps().order_by("pk")),
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
    topic: str = "",
    in_force: str = "",
    first: date | None = None,
    last: date | None = None,
    before: int | None = None,
) -> QuerySet[Decision]:
    """The public decision database: every filter is an indexed column. `q` searches each decision's DecisionSearch
    (rationale, public excerpts, clause keys and headings, organization, system): on PostgreSQL through the GIN
    index of its stored vector, best match first (`search_key` orders and pages them), on SQLite as a phrase.
    `with_headlines` marks where the decisions of one page matched. A clause key means something only within its
    guideline, so `clause` is best given with `guideline`. `topic`, `in_force` and the months `first`..`last` (of
    the decision) filter as the statistics count. `before` is the cursor: the `page_key` of the last decision of
    the page before."""
    decisions = public_decisions()
    if organization:
        decisions = decisions.filter(organization__slug=organization)
    if guideline:
        decisions = decisions.filter(appeal__guideline__slug=guideline)
    if system:
        decisions = decisions.filter(system__slug=system)
    if clause:
        decisions = decisions.filter(cited_clauses__key=clause)
    if outcome == OVERTURNED_ANY:
        decisions = decisions.filter(outcome__in=[Decision.OVERTURNED, Decision.PARTIAL])
    elif outcome:
        decisions = decisions.filter(outcome=outcome)
    if topic:
        decisions = decisions.filter(cited_topic(topic.lower()))
    if in_force:
        decisions = decisions.filter(superseded_by__isnull=True)
    decisions = decisions.filter(within_months("decided_at", first, last))
    if q:
        return ranked(decisions, vector="search__vector", q=q, before=before)
    if before:
        decisions = decisions.filter(pk__lt=before)
    return decisions


def with_headlines(decisions: list[Decision], q: str) -> list[Decision]:
    """Give each of `decisions` (one page, found by `q`) its `highlight` for Decision.search_match: one query, and
    PostgreSQL's headline is computed for these rows only, never for every match."""
    if not q or not decisions:
        return decisions
    highlights = headlines(DecisionSearch.objects.filter(decision__in=decisions), text="document", q=q)
    for decision in decisions:
        decision.highlight, decision.searched = highlights.get(decision.pk, ""), q
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


def recommendations_with_steps() -> QuerySet[Recommendation]:
    """Recommendations with their organization and their steps, oldest step first (one prefetch)."""
    steps = RecommendationStep.objects.order_by("at", "pk")
    return Recommendation.objects.select_related("organization").prefetch_related(Prefetch("steps", queryset=steps))


def listed_recommendations() -> QuerySet[Recommendation]:
    """What each item of a recommendation list shows: its decision's appeal, for the link, in the same query."""
    return Recommendation.objects.select_related("decision__appeal", "organization").order_by("-pk")


@dataclass
class TrackerRow:
    view: str
    label: str
    count: int
    percent: int  # of all the recommendations made to the organization


@dataclass
class Tracker:
    counts: dict[str, int]

    @property
    def made(self) -> int:
        return self.counts[RecommendationTally.MADE]

    @property
    def overdue(self) -> int:
        return self.counts[Recommendation.OVERDUE]

    def rows(self) -> list[TrackerRow]:
        made = self.made or 1
        return [
            TrackerRow(view, label, self.counts[view], round(100 * self.counts[view] / made))
            for view, label in Recommendation.VIEW_CHOICES
        ]


def recommendation_tracker(organization: Organization, now: datetime) -> Tracker:
    """How the organization has answered the recommendations made to it: the counts the services keep
    (RecommendationTally), and the overdue ones now, counted on the (organization, state, respond_by) index.

    The responses (accepted, partly, declined, already done) are the organization's first answers, whatever came
    after; in progress and implemented are where the accepted ones are now. Each figure counts exactly the rows
    of the view of the same name (RecommendationQuerySet.in_view)."""
    tallies = RecommendationTally.objects.filter(organization=organization).values_list("figure", "count")
    figures = [RecommendationTally.MADE, *(view for view, _ in Recommendation.VIEW_CHOICES)]
    counts = dict.fromkeys(figures, 0) | dict(tallies)
    counts[Recommendation.OVERDUE] = Recommendation.objects.filter(organization=organization).overdue(now).count()
    return Tracker(counts)


def recommendations_to_answer(organizations: QuerySet[Organization], limit: int = 200) -> list[Recommendation]:
    """The organizations' recommendations that still take a step: awaiting a response (nearest deadline first),
    then accepted ones not implemented yet."""
    open_states = [state for state, next_states in Recommendation.NEXT_STATES.items() if next_states]
    return list(
        listed_recommendations()
        .filter(organization__in=organizations, state__in=open_states)
        .order_by(
            Case(When(state=Recommendation.AWAITING, then=Value(0)), default=Value(1)),
            "respond_by",
            "pk",
        )[:limit]
    )


# The public appeal list, which the statistics link to for what decisions cannot show: appeals filed, admitted,
# found inadmissible (by reason), withdrawn, and overdue now. Public fields only; every filter is an indexed column
# or a keyed subquery.

OVERDUE = "overdue"


def tagged(topic: str, *, version_ref: str, key_ref: str = "key"):
    """Clauses of the referenced version, under the referenced key, carrying `topic` (tags are stored lower-case)."""
    return Clause.objects.filter(version=OuterRef(version_ref), key=OuterRef(key_ref), tags__contains=[topic])


def contested_topic(topic: str):
    """Appeals contesting a clause with this topic, as the statistics count them."""
    contested = ContestedClause.objects.filter(appeal=OuterRef("pk")).filter(
        Exists(tagged(topic, version_ref="appeal__version"))
    )
    return Exists(contested)


def cited_topic(topic: str):
    """Decisions citing a clause with this topic (in the version the appeal was under)."""
    cited = CitedClause.objects.filter(decision=OuterRef("pk")).filter(
        Exists(tagged(topic, version_ref="decision__appeal__version"))
    )
    return Exists(cited)


def public_appeals(
    *,
    organization: str = "",
    system: str = "",
    guideline: str = "",
    clause: str = "",
    topic: str = "",
    status: str = "",
    reason: str = "",
    admitted: str = "",
    first=None,
    last=None,
    before: int | None = None,
) -> QuerySet[Appeal]:
    appeals = Appeal.objects.select_related("guideline__organization", "refusal__system").prefetch_related(
        "contested_clauses"
    )
    if organization:
        appeals = appeals.filter(guideline__organization__slug=organization)
    if system:
        appeals = appeals.filter(refusal__system__slug=system)
    if guideline:
        appeals = appeals.filter(guideline__slug=guideline)
    if clause:
        appeals = appeals.filter(Exists(ContestedClause.objects.filter(appeal=OuterRef("pk"), key=clause)))
    if topic:
        appeals = appeals.filter(contested_topic(topic.lower()))
    if status == OVERDUE:
        appeals = appeals.overdue()
    elif status:
        appeals = appeals.filter(status=status)
    if reason:
        appeals = appeals.filter(inadmissible_reason=reason)
    if admitted:
        appeals = appeals.filter(admitted_by__isnull=False)
    appeals = appeals.filter(within_months("filed_at", first, last))
    if before:
        appeals = appeals.filter(pk__lt=before)
    return appeals.order_by("-pk")
