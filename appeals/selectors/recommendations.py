"""Recommendations and their tracker."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Prefetch, QuerySet, Value, When

from accounts.models import Organization
from appeals.models import (
    Recommendation,
    RecommendationQuerySet,
    RecommendationStep,
    RecommendationTally,
)


def recommendations_with_steps() -> RecommendationQuerySet:
    """Recommendations with their organization and their steps, oldest step first (one prefetch)."""
    steps = RecommendationStep.objects.order_by("at", "pk")
    return Recommendation.objects.select_related("organization").prefetch_related(Prefetch("steps", queryset=steps))


def listed_recommendations() -> RecommendationQuerySet:
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
