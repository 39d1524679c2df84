"""Guidelines and versions as each person may see them, and the consultations open now."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import can_publish_for, is_citizen
from consultation.models import (
    Clause,
    ClauseChange,
    Comment,
    CommentPeriod,
    Guideline,
    GuidelineVersion,
)


def public_guidelines(*, organization: str = "", status: str = "") -> QuerySet[Guideline]:
    """Guidelines with a public version, each with its `current_status`; an empty filter filters nothing."""
    guidelines = Guideline.objects.public().with_current_status().select_related("organization")
    if organization:
        guidelines = guidelines.filter(organization__slug=organization)
    if status in dict(GuidelineVersion.PUBLIC_STATUS_CHOICES):
        guidelines = guidelines.filter(current_status=status)
    return guidelines


def visible_guideline(user, *, org: str, slug: str) -> Guideline:
    """A guideline the person may see: one with a public version, or any of their own organization's.

    Anything else is answered exactly like a guideline that does not exist, so unpublished work never shows.
    """
    guideline = Guideline.objects.select_related("organization").filter(organization__slug=org, slug=slug).first()
    if guideline is None or not (guideline.versions.public().exists() or can_publish_for(user, guideline.organization)):
        raise Http404("No such guideline.")
    return guideline


def visible_version(user, *, org: str, slug: str, number: int) -> GuidelineVersion:
    """A version the person may see: public ones for everyone, drafts for their organization's publishers."""
    version = (
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on")
        .filter(guideline__organization__slug=org, guideline__slug=slug, number=number)
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return _seen(user, version)


def comment_target(
    user, *, org: str, slug: str, number: int, clause_key: str | None, parent_id: int | None
) -> tuple[GuidelineVersion, Clause | None, Comment | None]:
    """The version a new comment goes to, with its clause or the comment it replies to: one query when they exist.

    Raises Http404 for a version the person may not see, and ValidationError naming the field for a clause or
    parent that is not on it.
    """
    # Only what a comment reads of its version (its subject, who may see it): each relation more costs the join and
    # the compiling of its columns on every post, about 0.15 ms.
    related = ["version__guideline__organization"]
    on_version = {
        "version__guideline__organization__slug": org,
        "version__guideline__slug": slug,
        "version__number": number,
    }
    if parent_id:
        parent = Comment.objects.select_related("clause", *related).filter(pk=parent_id, **on_version).first()
        if parent is None:
            visible_version(user, org=org, slug=slug, number=number)  # a 404 first, when the version is not seen
            raise ValidationError({"parent": "No comment with this id on this version."})
        return _seen(user, parent.version), parent.clause, parent
    if clause_key and clause_key != "general":
        clause = Clause.objects.select_related(*related).filter(key=clause_key, **on_version).first()
        if clause is None:
            version = visible_version(user, org=org, slug=slug, number=number)
            raise ValidationError({"clause": f"There is no clause {clause_key} in version {version.number}."})
        return _seen(user, clause.version), clause, None
    return visible_version(user, org=org, slug=slug, number=number), None, None


def _seen(user, version: GuidelineVersion) -> GuidelineVersion:
    if not (version.is_public or can_publish_for(user, version.guideline.organization)):
        raise Http404("No such version.")
    return version


def versions_shown_to(user, guideline: Guideline) -> list[GuidelineVersion]:
    """Newest first: every version for the guideline's publishers, the public ones for everyone else."""
    versions = guideline.versions.select_related("comment_period", "based_on").prefetch_related(
        "comment_period__extensions"
    )
    if not can_publish_for(user, guideline.organization):
        versions = versions.public()
    return list(versions.order_by("-number"))


def newest_public_version(versions: list[GuidelineVersion]) -> GuidelineVersion | None:
    """The newest public version of a list ordered newest first: the text the public reads as current."""
    return next((v for v in versions if v.is_public), None)


def is_taking_comments(version: GuidelineVersion) -> bool:
    """Asked of the database, not of a possibly stale object: the period may have just closed or been extended."""
    return CommentPeriod.objects.taking_comments(version.pk).exists()


def clause_kinds(previous: GuidelineVersion, version: GuidelineVersion) -> dict[str, str]:
    """Each clause key of either version: added, removed, changed or unchanged."""
    before = {c.key: (c.heading, c.text) for c in previous.clauses.all()}
    after = {c.key: (c.heading, c.text) for c in version.clauses.all()}
    kinds = {}
    for key in list(before) + [k for k in after if k not in before]:
        if key not in after:
            kinds[key] = ClauseChange.REMOVED
        elif key not in before:
            kinds[key] = ClauseChange.ADDED
        else:
            kinds[key] = ClauseChange.UNCHANGED if before[key] == after[key] else ClauseChange.CHANGED
    return kinds


def open_consultations() -> QuerySet[CommentPeriod]:
    """Comment periods open right now, closing soonest first, with their version, guideline and organization."""
    return (
        CommentPeriod.objects.open()
        .filter(version__status=GuidelineVersion.CONSULTATION)
        .select_related("version__guideline__organization")
        .order_by("closes_at")
    )


def upcoming_consultations() -> QuerySet[CommentPeriod]:
    return CommentPeriod.objects.scheduled().select_related("version__guideline__organization").order_by("opens_at")


def can_take_part(user) -> bool:
    return is_citizen(user)
