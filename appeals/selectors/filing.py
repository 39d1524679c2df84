"""What filing an appeal reads: the organizations and guidelines it may be under, the version in force, an
earlier filing of the same refusal."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization, User
from appeals.models import (
    AISystem,
    Appeal,
)
from consultation.models import Guideline, GuidelineVersion


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


def appealable_organizations() -> QuerySet[Organization]:
    """Organizations with AI systems and a published guideline: those whose refusals can be appealed."""
    published = [GuidelineVersion.CONSULTATION, GuidelineVersion.FINAL, GuidelineVersion.SUPERSEDED]
    return (
        Organization.objects.filter(ai_systems__isnull=False, guidelines__versions__status__in=published)
        .distinct()
        .order_by("name")
    )


def appealable_under(organization: Organization) -> tuple[list[AISystem], list[Guideline]]:
    """The organization's AI systems, and its guidelines with a version in force now: one published already."""
    systems = list(AISystem.objects.filter(organization=organization).order_by("name"))
    published = GuidelineVersion.objects.published_for(organization).filter(published_at__lte=timezone.now())
    guidelines = list(
        Guideline.objects.filter(organization=organization, versions__in=published).distinct().order_by("title")
    )
    return systems, guidelines
