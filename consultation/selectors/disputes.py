"""The moderators' queue of "I did not write this" disputes, and the writings an account holder may dispute."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import moderation_conflict
from consultation.models import Dispute

QUEUE_PAGE_SIZE = 25
WRITINGS_PAGE_SIZE = 20


def _page(rows: QuerySet, size: int, before: int | None) -> tuple[list, int | None]:
    """One page of `rows`, newest first, and the cursor of the next (older) page, or None when this is the last."""
    found = list((rows.filter(pk__lt=before) if before else rows).order_by("-pk")[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def dispute_queue(*, decided: bool, before: int | None = None) -> tuple[list[Dispute], int | None]:
    """Open disputes (or decided ones), each with its writing as `content`: four queries for any page size."""
    statuses = [Dispute.UPHELD, Dispute.REJECTED] if decided else [Dispute.OPEN]
    disputes, after = _page(
        Dispute.objects.filter(status__in=statuses).select_related("account"), QUEUE_PAGE_SIZE, before
    )
    for kind, model in Dispute.MODELS.items():
        ids = [d.object_id for d in disputes if d.kind == kind]
        if not ids:
            continue
        rows = model.objects.select_related("version__guideline__organization")  # type: ignore[attr-defined]
        found = rows.in_bulk(ids)
        for dispute in disputes:
            if dispute.kind == kind:
                dispute.content = found.get(dispute.object_id)
    return disputes, after


def writings_of(account: User, kind: str, *, before: int | None = None) -> tuple[list, int | None]:
    """One page of what was posted in `account`'s name, of one kind, newest first (the author indexes)."""
    model = Dispute.MODELS[kind]
    rows = model.objects.filter(author=account).select_related("version__guideline__organization")  # type: ignore[attr-defined]
    return _page(rows, WRITINGS_PAGE_SIZE, before)


def with_conflicts(disputes: list[Dispute], user) -> list[Dispute]:
    """Give each dispute `.conflict` (why `user` may not decide it, or ""), asked once per organization and
    whether the writing is the moderator's own, as for the comment queue: the page's cost does not grow per row."""
    answers: dict[tuple[int, bool], str] = {}
    for dispute in disputes:
        content = dispute.content
        organization = content.version.guideline.organization
        pair = (organization.pk, content.author_id == user.pk)
        if pair not in answers:
            answers[pair] = moderation_conflict(user, organization=organization, author_id=content.author_id)
        dispute.conflict = answers[pair]
    return disputes
