"""The directory of organizations: each with its AI systems, open consultations, decisions and recommendations due."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Organization
from appeals.models import AISystem, Decision, Recommendation
from consultation.models import CommentPeriod
from consultation.selectors import open_consultations


def _count(rows: QuerySet) -> Coalesce:
    """The number of `rows` of the outer organization, as a subquery PostgreSQL answers from an index on
    (organization, ...): grouped by organization so that it returns one number, 0 when there are none."""
    counted = rows.filter(organization=OuterRef("pk")).order_by().values("organization").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


@dataclass
class Listing:
    organization: Organization
    open_periods: list[CommentPeriod] = field(default_factory=list)


def organization_directory(now: datetime) -> list[Listing]:
    """Every organization by name, in three queries whatever their number: the organizations with their counts
    (decisions in force, recommendations awaiting a response and, of those, overdue ones), their AI systems, and
    the comment periods open now."""
    awaiting = Recommendation.objects.awaiting_response()
    organizations = list(
        Organization.objects.annotate(
            decisions_in_force=_count(Decision.objects.current()),
            recommendations_due=_count(awaiting),
            recommendations_overdue=_count(awaiting.filter(respond_by__lt=now)),
        )
        .prefetch_related(Prefetch("ai_systems", queryset=AISystem.objects.order_by("name")))
        .order_by("name", "pk")
    )
    listings = {organization.pk: Listing(organization) for organization in organizations}
    for period in open_consultations():
        listings[period.version.guideline.organization_id].open_periods.append(period)
    return list(listings.values())
