"""The precedent graph as pages read it: how often a decision is followed or distinguished, its edges both ways,
and a clause's leading decisions. Only decisions in force count as citing: a corrected decision's citations are
replaced by its correction's (which the correction form starts from)."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from appeals.models import Decision, DecisionCitation

LEADING_DECISIONS = 5  # shown on a clause page


def _cited_by_count(relation: str) -> Coalesce:
    edges = (
        DecisionCitation.objects.by_decisions_in_force()
        .filter(cited=OuterRef("pk"), relation=relation)
        .order_by()
        .values("cited")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(edges, output_field=IntegerField()), 0)


def with_citation_counts(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """`followed_count` and `distinguished_count` on each decision (what the pages, the API and open data say as
    "followed by 3 later decisions, distinguished by 1"): two subqueries on the decision_cited_by index."""
    return decisions.annotate(
        followed_count=_cited_by_count(DecisionCitation.FOLLOWS),
        distinguished_count=_cited_by_count(DecisionCitation.DISTINGUISHES),
    )


def with_citations(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Each decision's `cites` (the decisions it cites, with their appeals) and `later_citations` (the citations of
    it by decisions in force, oldest first): two queries for any number of decisions."""
    cites = DecisionCitation.objects.select_related("cited__appeal").order_by("pk")
    later = DecisionCitation.objects.by_decisions_in_force().select_related("citing__appeal").order_by("citing_id")
    return decisions.prefetch_related(Prefetch("cites", queryset=cites)).prefetch_related(
        Prefetch("cited_by", queryset=later, to_attr="later_citations")
    )


def leading_decisions(decisions: QuerySet[Decision], *, guideline_id: int, key: str) -> list[Decision]:
    """The decisions in force under `guideline_id` that cite clause `key`, most followed first (then newest):
    the clause's precedent. One query."""
    found = decisions.filter(appeal__guideline_id=guideline_id, cited_clauses__key=key, superseded_by__isnull=True)
    return list(found.order_by(F("followed_count").desc(), "-pk")[:LEADING_DECISIONS])
