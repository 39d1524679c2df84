"""The steps every appeal workflow shares: locking, the public timeline and record, status, mail and routing queued."""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from accounts.models import ReviewerProfile, User
from appeals.models import Appeal, AppealEvent, Assignment, Decision
from core.queue import enqueue
from ledger import services as ledger
from ledger.content import text_sha256
from ledger.kinds import EntryKind
from ledger.receipt_mail import request_receipt


def lock(appeal: Appeal) -> Appeal:
    # of=("self",): lock the appeal only, not the guideline and system rows it is read with.
    appeals = Appeal.objects.select_for_update(of=("self",)).select_related(
        "guideline__organization", "refusal__system"
    )
    return appeals.get(pk=appeal.pk)


def lock_appeal_and_assignment(assignment_pk: int) -> tuple[Appeal, Assignment]:
    """Always the appeal first, then its assignment: one lock order everywhere, so no deadlocks."""
    appeal = lock(Appeal(pk=Assignment.objects.filter(pk=assignment_pk).values_list("appeal_id", flat=True).get()))
    assignments = Assignment.objects.select_for_update(of=("self",)).select_related("reviewer")
    return appeal, assignments.get(pk=assignment_pk)


def lock_own_assignment(assignment: Assignment, by: User) -> tuple[Appeal, Assignment]:
    appeal, assignment = lock_appeal_and_assignment(assignment.pk)
    if assignment.reviewer.user_id != by.pk:
        raise PermissionDenied("This assignment belongs to another reviewer.")
    return appeal, assignment


def require_free_moderator(appeal: Appeal, by: User) -> None:
    """Every moderation action asks the one conflict-of-interest rule first."""
    if conflict := appeal.moderation_conflict(by):
        raise PermissionDenied(conflict)


def set_status(appeal: Appeal, status: str, *fields: str) -> None:
    appeal.status = status
    if status in Appeal.CLOSED_STATUSES:
        appeal.closed_at = timezone.now()
    appeal.save(update_fields=["status", "closed_at", *fields])


def set_assignment_status(assignment: Assignment, status: str, *fields: str) -> None:
    """Every assignment changes status here, so the reviewer's open-assignment count moves with it.

    F() makes the count right whatever the caller read; the UPDATE locks the reviewer row after the appeal and the
    assignment, the one lock order everywhere (routing locks the reviewer with SKIP LOCKED, so it never waits).
    """
    was_open = assignment.status in Assignment.OPEN_STATUSES
    assignment.status = status
    assignment.save(update_fields=["status", *fields])
    change = (status in Assignment.OPEN_STATUSES) - was_open
    if change:
        reviewers = ReviewerProfile.objects.filter(pk=assignment.reviewer_id)
        reviewers.update(open_assignments=F("open_assignments") + change)


def record(
    appeal: Appeal,
    kind: EntryKind,
    *,
    actor: str = "",
    note: str = "",
    payload: dict | None = None,
    receipt_for: User | None = None,
) -> AppealEvent:
    """One public step: on the appeal's timeline (named as the kind names it, "decided" for appeal.decided) and in
    the ledger, in the caller's transaction; `receipt_for` is emailed the entry's receipt once it is ready."""
    event = AppealEvent.objects.create(appeal=appeal, kind=kind.step, actor=actor, note=note)
    entry = ledger.append(
        kind=kind,
        subject=appeal.subject,
        payload={"public_id": appeal.public_id, "status": appeal.status, **(payload or {})},
    )
    if receipt_for is not None:
        request_receipt(entry=entry, person=receipt_for)
    return event


def public_text_hashes(appeal: Appeal) -> dict[str, str]:
    """The hashes of the redacted texts the public sees of an appeal (ledger.content binds them)."""
    refusal = appeal.refusal
    return {
        "prompt_excerpt_sha256": text_sha256(refusal.public_prompt_excerpt),
        "refusal_excerpt_sha256": text_sha256(refusal.public_refusal_excerpt),
        "grounds_sha256": text_sha256(appeal.public_grounds),
    }


def notify_appellant(appeal: Appeal, event: AppealEvent) -> None:
    """The event names the email, so an appeal back in a status it had before still gets its news once."""
    enqueue("appeals.tasks.notify_appellant", appeal.pk, appeal.status, event.pk)


def notify_reviewer(assignment: Assignment, what: str) -> None:
    """`what` is offer, reminder, expired or withdrawn; reminders are told apart by their number."""
    enqueue("appeals.tasks.notify_reviewer", assignment.pk, what, assignment.reminders_sent)


def notify_publishers(decision: Decision) -> None:
    enqueue("appeals.tasks.notify_publishers", decision.pk)


def queue_routing(appeal: Appeal) -> None:
    enqueue("appeals.tasks.route_appeal", appeal.pk)
