"""What screening, routing and reviewing read: the moderator queue, eligible reviewers, an appeal's clauses."""

from django.db.models import Count, F, Q, QuerySet

from accounts.models import ReviewerProfile
from appeals.models import (
    Appeal,
    Assignment,
    ContestedClause,
)
from consultation.models import Clause


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


def clauses_in_force(appeal: Appeal) -> list[Clause]:
    """Every clause of the version in force at the refusal: what a decision may cite."""
    return list(Clause.objects.filter(version=appeal.version_id).order_by("position", "pk"))


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


def assignments_for_pages() -> QuerySet[Assignment]:
    return Assignment.objects.select_related(
        "appeal__refusal__system__organization", "appeal__guideline__organization", "appeal__version", "reviewer"
    ).prefetch_related("appeal__contested_clauses")
