"""The decision database: public decisions, their search, and what the pages show with them."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Organization
from appeals.models import (
    Appeal,
    ContestedClause,
    Decision,
    DecisionSearch,
    OrganizationResponse,
    Vote,
)
from appeals.selectors.appeals import cited_topic
from appeals.selectors.precedent import with_citation_counts, with_citations
from appeals.selectors.recommendations import recommendations_with_steps
from consultation.models import Clause
from core.periods import within_months
from core.search import headlines, ranked

OVERTURNED_ANY = "overturned_any"  # the outcome filter for both kinds of overturn, as the overturn share counts


def public_decisions() -> QuerySet[Decision]:
    """The one decision query behind the decision page, the API, the CSV export and the appeal pages."""
    corrected = Exists(Decision.objects.filter(supersedes=OuterRef("pk")))
    decisions = (
        Decision.objects.select_related("appeal", "organization", "system")
        .prefetch_related("cited_clauses")
        .annotate(corrected=corrected)
    )
    return with_citation_counts(decisions).order_by("-pk")


def listed_decisions(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """What each item of a decision list shows besides the decision: the public excerpts of the refusal and the
    headings of the clauses it cites (one more query for a whole page)."""
    headings = Clause.objects.only("version_id", "key", "heading")
    return decisions.select_related("appeal__refusal", "appeal__version").prefetch_related(
        Prefetch("appeal__version__clauses", queryset=headings)
    )


def appeal_decisions(appeal: Appeal) -> list[Decision]:
    """An appeal's decisions and corrections, oldest first, with votes, responses, recommendations and their
    precedent both ways (what each cites, and which decisions in force cite it)."""
    votes = Vote.objects.select_related("assignment__reviewer", "decision").prefetch_related("cited_clauses")
    return list(
        with_citations(public_decisions())
        .filter(appeal=appeal)
        .select_related("supersedes")
        # One call each because the stubs type one call's Prefetch querysets as a single type, of one model.
        .prefetch_related(Prefetch("votes", queryset=votes.order_by("cast_at", "pk")))
        .prefetch_related(Prefetch("responses", queryset=OrganizationResponse.objects.order_by("responded_at", "pk")))
        .prefetch_related(Prefetch("recommendations", queryset=recommendations_with_steps().order_by("pk")))
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
        decision.highlight = highlights.get(decision.pk, "")
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
