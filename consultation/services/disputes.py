""" "I did not write this": the account holder disputes something posted in the account's name, and a moderator
upholds (the writing is taken down with the reason on its tombstone, and the account may no longer post) or rejects
(the label goes, with the moderator's note on the record). Every step is an entry on the record.

What "taken down" means follows each kind's existing path: a comment is hidden through moderation
(`hide_for_reason`), a statement is rejected from voting, and a suggestion, which has no hiding, shows the
tombstone in place of its wording (`Spoken.disowned_at`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import moderation_conflict
from consultation.models import NOTE_LENGTH, Comment, Dispute, Statement
from consultation.services.comments import hide_for_reason
from consultation.services.common import clean_text
from core.caching import tags_for_entry
from core.purging import purge_after_commit
from ledger.kinds import EntryKind
from ledger.services import append

NOT_THEIRS = "The account holder says they did not write this"
ALREADY_OPEN = "You have already disputed this; a moderator will look at it."


def _content(kind: str, object_id: int, *, lock: bool = False):
    model = Dispute.MODELS.get(kind)
    if model is None:
        raise ValidationError({"kind": "Choose a comment, a suggestion or a statement."})
    rows = model.objects.select_related("version__guideline__organization")  # type: ignore[attr-defined]
    found = (rows.select_for_update(of=("self",)) if lock else rows).filter(pk=object_id).first()
    if found is None:
        raise ValidationError("There is no such writing.")
    return found


@transaction.atomic
def open_dispute(*, kind: str, object_id: int, by: User) -> Dispute:
    """`by` is the account holder, who proved it by the mailed link (accounts.ownership), not by signing in."""
    content = _content(kind, object_id, lock=True)
    if content.author_id != by.pk:
        raise PermissionDenied("You can dispute only what was posted in your account's name.")
    if content.is_disowned:
        raise ValidationError("A moderator has already agreed you did not write this.")
    if content.disputed_at is not None:
        raise ValidationError(ALREADY_OPEN)
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(kind=kind, object_id=content.pk, account=by)
    except IntegrityError as error:  # a double click racing the first
        raise ValidationError(ALREADY_OPEN) from error
    content.disputed_at = timezone.now()
    content.save(update_fields=["disputed_at"])
    append(kind=EntryKind.DISPUTE_OPENED, subject=content.subject, payload={"dispute": dispute.pk})
    return dispute


def _locked_open(dispute: Dispute, by: User):
    """The dispute and its writing, locked, when `by` may decide it: a moderator without a conflict of interest."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    content = _content(dispute.kind, dispute.object_id, lock=True)
    conflict = moderation_conflict(by, organization=content.version.guideline.organization, author_id=content.author_id)
    if conflict:
        raise PermissionDenied(conflict)
    if not dispute.is_open:
        raise ValidationError(f"This dispute was already decided: {dispute.get_status_display().lower()}.")
    return dispute, content


def _decide(dispute: Dispute, status: str, note: str, by: User) -> None:
    dispute.status, dispute.note, dispute.decided_by, dispute.decided_at = status, note, by, timezone.now()
    dispute.save(update_fields=["status", "note", "decided_by", "decided_at"])


@transaction.atomic
def uphold_dispute(*, dispute: Dispute, note: str = "", by: User) -> Dispute:
    dispute, content = _locked_open(dispute, by)
    note = clean_text(note, field="note", label="The note", max_length=NOTE_LENGTH, required=False)
    if isinstance(content, Comment) and not content.is_hidden:
        hide_for_reason(comment=content, reason=Comment.NOT_THEIRS, note=note, by=by)
    elif isinstance(content, Statement) and content.status != Statement.REJECTED:
        content.status, content.rejection_reason = Statement.REJECTED, NOT_THEIRS
        content.moderated_by, content.moderated_at = by, timezone.now()
        content.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
        append(kind=EntryKind.STATEMENT_REJECTED, subject=content.subject, payload={"reason": NOT_THEIRS})
    type(content).objects.filter(pk=content.pk).update(disowned_at=timezone.now())
    suspended = User.objects.filter(pk=dispute.account_id, posting_suspended_at__isnull=True).update(
        posting_suspended_at=timezone.now()
    )
    _decide(dispute, Dispute.UPHELD, note, by)
    append(
        kind=EntryKind.DISPUTE_UPHELD,
        subject=content.subject,
        payload={"dispute": dispute.pk, "account_suspended": bool(suspended)},  # False: it already was
    )
    # Taking text down: purge, as hiding does, so no cached copy still shows it.
    purge_after_commit(*tags_for_entry(subject=content.subject, payload={}))
    return dispute


@transaction.atomic
def reject_dispute(*, dispute: Dispute, note: str = "", by: User) -> Dispute:
    """The writing stays, without the label; the note says why, on the record."""
    dispute, content = _locked_open(dispute, by)
    note = clean_text(note, field="note", label="The note", max_length=NOTE_LENGTH)
    type(content).objects.filter(pk=content.pk).update(disputed_at=None)
    _decide(dispute, Dispute.REJECTED, note, by)
    append(kind=EntryKind.DISPUTE_REJECTED, subject=content.subject, payload={"dispute": dispute.pk, "note": note})
    return dispute
