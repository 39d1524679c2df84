"""Bursts: many new accounts posting the same text within minutes, and the moderators' one action on them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.permissions import moderation_conflict
from consultation import selectors
from consultation.models import NOTE_LENGTH, Comment, CommentCluster
from consultation.services.comments import hide_comment
from consultation.services.common import clean_text
from core.queue import enqueue


@transaction.atomic
def hide_burst(*, cluster: CommentCluster, reason: str, note: str = "", by: User) -> int:
    """Hide every comment of a cluster's burst (see `selectors.bursts`) with one public reason.

    Each comment is still hidden by `hide_comment`, with its own tombstone, ledger entry and notice to its author;
    a burst can hold thousands, so that runs in a task, on the comments of the burst as found now."""
    conflict = moderation_conflict(by, organization=cluster.version.guideline.organization, author_id=None)
    if conflict:
        raise PermissionDenied(conflict)
    if reason not in dict(Comment.HIDDEN_REASONS):
        raise ValidationError({"reason": "Choose one of the listed reasons."})
    note = clean_text(note, field="note", label="The note", max_length=NOTE_LENGTH, required=False)
    burst = next(iter(selectors.bursts(cluster=cluster)), None)
    if burst is None:
        raise ValidationError("This cluster is no longer a burst: its comments are hidden or were not new accounts'.")
    ids = list(selectors.burst_comments(cluster, burst.starts_at, burst.ends_at).values_list("pk", flat=True))
    enqueue("consultation.tasks.hide_burst_comments", ids, reason, note, by.pk)
    return len(ids)


def hide_burst_comments(*, comment_ids: list[int], reason: str, note: str, by: User) -> int:
    """The task's half of `hide_burst`: one transaction per comment, so a rerun skips what is already hidden; a
    comment the moderator may not moderate (their own) is left for another moderator."""
    comments = list(
        Comment.objects.published()
        .filter(pk__in=comment_ids)
        .exclude(author=by)
        .select_related("version__guideline__organization")
    )
    # One burst is one cluster, so one organization: whether the moderator may act there is asked once, not per row.
    if not comments or moderation_conflict(by, organization=comments[0].version.guideline.organization, author_id=None):
        return 0
    for comment in comments:
        hide_comment(comment=comment, reason=reason, note=note, by=by)
    return len(comments)
