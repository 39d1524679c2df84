"""Reads that are more than a filter: clause pressure, the decision database, the moderator queue."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from appeals.models import Appeal, Assignment, ContestedClause, Decision
from consultation.models import Guideline


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
    corrected = Exists(Decision.objects.filter(supersedes=OuterRef("pk")))
    return (
        Decision.objects.select_related("appeal", "organization", "system")
        .annotate(corrected=corrected)
        .order_by("-pk")
    )


def recent_decisions(limit: int = 5) -> list[Decision]:
    """The newest decisions in force, for the home page. One query."""
    return list(public_decisions().filter(superseded_by__isnull=True)[:limit])


def search_decisions(
    *,
    q: str = "",
    organization: str = "",
    guideline: str = "",
    system: str = "",
    clause: str = "",
    outcome: str = "",
) -> QuerySet[Decision]:
    """The public decision database: every filter is an indexed column; q is full-text on PostgreSQL.
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
    if q:
        if connection.vendor == "postgresql":
            vector = SearchVector("search_document", config="english")
            decisions = decisions.annotate(search=vector).filter(
                search=SearchQuery(q, config="english", search_type="websearch")
            )
        else:
            decisions = decisions.filter(search_document__icontains=q)
    return decisions


def earlier_decisions(appeal: Appeal, limit: int = 10) -> list[Decision]:
    """Decisions in force on other appeals under the same guideline that cite any clause this appeal contests."""
    return list(
        public_decisions()
        .filter(
            appeal__guideline_id=appeal.guideline_id,
            superseded_by__isnull=True,
            cited_clauses__key__in=appeal.clause_keys,
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
    live = Q(assignments__status__in=Assignment.LIVE_STATUSES)
    return (
        Appeal.objects.in_routing()
        .select_related("refusal__system__organization")
        .annotate(live=Count("assignments", filter=live))
        .order_by("filed_at", "pk")
    )
