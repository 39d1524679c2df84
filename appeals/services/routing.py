"""Routing appeals to reviewers: offers, accepting and declining them, expiry, reminders and the sweeper."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import ReviewerProfile, User
from appeals import selectors
from appeals.models import Appeal, Assignment
from appeals.services import steps
from ledger.kinds import EntryKind


@dataclass
class RoutingResult:
    offered: list[Assignment] = field(default_factory=list)
    missing: int = 0
    contended: bool = False  # another worker held a candidate's lock: worth trying again soon


def route_appeal(*, appeal: Appeal, reviewer: ReviewerProfile | None = None) -> RoutingResult:
    """Offer the appeal to as many eligible reviewers as its panel still needs.

    Idempotent: a full panel is left alone. Safe under concurrency: the appeal row is locked
    so two routings of it run one after the other, and each reviewer row is locked (skipping
    rows another worker holds) while their open load is counted and the offer is made, so
    nobody goes over capacity. With `reviewer`, a moderator routes by hand to that person.
    """
    with transaction.atomic():
        appeal = steps.lock(appeal)
        if not appeal.in_routing:
            if reviewer:
                raise ValidationError("Only an appeal awaiting review or in review can be routed.")
            return RoutingResult()
        candidates = selectors.eligible_reviewers(appeal)
        if reviewer:
            candidates = candidates.filter(pk=reviewer.pk)
            if not candidates.exists():
                raise ValidationError({"reviewer": [selectors.ineligibility_reason(appeal, reviewer)]})
        needed = appeal.panel_size - appeal.assignments.live().count()
        if needed <= 0:
            if reviewer:
                raise ValidationError("This appeal already has a full panel.")
            return RoutingResult()
        tags = selectors.clause_tags(appeal)
        result = RoutingResult()
        for candidate in sorted(candidates, key=_ranking(tags)):
            if len(result.offered) == needed:
                break
            locked = _lock_reviewer(candidate.pk)
            if locked is None:
                result.contended = True
                continue
            load = locked.open_assignments
            if load >= locked.capacity:
                continue
            reason = _reason(tags, locked, load, by_hand=bool(reviewer))
            result.offered.append(_offer(appeal, locked, reason=reason, by_hand=bool(reviewer)))
        if reviewer and not result.offered:
            raise ValidationError({"reviewer": ["That reviewer is busy right now. Try again in a moment."]})
        result.missing = needed - len(result.offered)
    return result


def assign_reviewer_by_hand(*, appeal: Appeal, reviewer: ReviewerProfile, by: User) -> Assignment:
    steps.require_free_moderator(appeal, by)
    return route_appeal(appeal=appeal, reviewer=reviewer).offered[0]


def _ranking(tags: set[str]):
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def key(reviewer: ReviewerProfile):
        matches = len(tags & {str(tag).lower() for tag in reviewer.expertise or []})
        return (-matches, reviewer.open_assignments, reviewer.last_assigned_at or never, reviewer.pk)

    return key


def _lock_reviewer(pk: int) -> ReviewerProfile | None:
    return ReviewerProfile.objects.filter(pk=pk, active=True).select_for_update(skip_locked=True).first()


def _reason(tags: set[str], reviewer: ReviewerProfile, load: int, *, by_hand: bool) -> str:
    matches = sorted(tags & {str(tag).lower() for tag in reviewer.expertise or []})
    last = f"{reviewer.last_assigned_at:%Y-%m-%d %H:%M}" if reviewer.last_assigned_at else "never"
    parts = [
        "chosen by hand by a moderator" if by_hand else "chosen by routing",
        f"expertise match: {', '.join(matches) if matches else 'none'}",
        f"open assignments: {load} of {reviewer.capacity}",
        f"last assigned: {last}",
    ]
    return "; ".join(parts)


def _offer(appeal: Appeal, reviewer: ReviewerProfile, *, reason: str, by_hand: bool) -> Assignment:
    now = timezone.now()
    assignment = Assignment.objects.create(
        appeal=appeal,
        reviewer=reviewer,
        offered_at=now,
        offer_expires_at=now + timedelta(hours=settings.OFFER_HOURS),
        reason=reason,
        by_hand=by_hand,
    )
    reviewer.last_assigned_at = now
    reviewer.open_assignments = F("open_assignments") + 1
    reviewer.save(update_fields=["last_assigned_at", "open_assignments"])
    steps.record(
        appeal, EntryKind.APPEAL_OFFERED, actor=f"reviewer {reviewer.handle}", payload={"reviewer": reviewer.handle}
    )
    steps.notify_reviewer(assignment, "offer")
    return assignment


def accept_assignment(*, assignment: Assignment, by: User) -> Assignment:
    with transaction.atomic():
        appeal, assignment = steps.lock_own_assignment(assignment, by)
        if assignment.status != Assignment.OFFERED:
            raise ValidationError(f"This offer is {assignment.get_status_display().lower()}; it can't be accepted.")
        now = timezone.now()
        if assignment.offer_expires_at < now:
            raise ValidationError("This offer has run out.")
        assignment.responded_at, assignment.due_at = now, now + timedelta(days=settings.REVIEW_DAYS)
        steps.set_assignment_status(assignment, Assignment.ACCEPTED, "responded_at", "due_at")
        handle = assignment.reviewer.handle
        steps.record(appeal, EntryKind.APPEAL_ACCEPTED, actor=f"reviewer {handle}", payload={"reviewer": handle})
        if appeal.status == Appeal.AWAITING_REVIEW:
            steps.set_status(appeal, Appeal.IN_REVIEW)
            event = steps.record(appeal, EntryKind.APPEAL_IN_REVIEW, actor=f"reviewer {handle}")
            steps.notify_appellant(appeal, event)
    return assignment


def decline_assignment(*, assignment: Assignment, by: User, reason: str) -> Assignment:
    with transaction.atomic():
        appeal, assignment = steps.lock_own_assignment(assignment, by)
        if assignment.status != Assignment.OFFERED:
            raise ValidationError(f"This offer is {assignment.get_status_display().lower()}; it can't be declined.")
        assignment.responded_at, assignment.decline_reason = timezone.now(), reason
        steps.set_assignment_status(assignment, Assignment.DECLINED, "responded_at", "decline_reason")
        handle = assignment.reviewer.handle
        steps.record(appeal, EntryKind.APPEAL_DECLINED, actor=f"reviewer {handle}", payload={"reviewer": handle})
        steps.queue_routing(appeal)
    return assignment


def expire_offers(*, now: datetime | None = None) -> int:
    """Offers nobody answered in OFFER_HOURS lapse, and their appeals are routed again."""
    now = now or timezone.now()
    expired = 0
    for pk in list(Assignment.objects.offers_past(now).values_list("pk", flat=True)):
        with transaction.atomic():
            appeal, assignment = steps.lock_appeal_and_assignment(pk)
            if assignment.status != Assignment.OFFERED or assignment.offer_expires_at >= now:
                continue
            _expire(appeal, assignment, now, note="The offer was not answered in time.")
            expired += 1
    return expired


def remind_and_expire_reviews(*, now: datetime | None = None) -> dict[str, int]:
    """Remind reviewers at half and 90% of their time; take back reviews not decided by the due date."""
    now = now or timezone.now()
    counts = {"reminded": 0, "expired": 0, "overdue": 0}
    for pk in list(Assignment.objects.reviews_running().values_list("pk", flat=True)):
        with transaction.atomic():
            appeal, assignment = steps.lock_appeal_and_assignment(pk)
            accepted_at, due_at = assignment.responded_at, assignment.due_at
            if assignment.status != Assignment.ACCEPTED or accepted_at is None or due_at is None:  # accepting sets both
                continue
            if due_at <= now:
                _expire(appeal, assignment, now, note="The review was not decided by its due date.")
                counts["expired"] += 1
                continue
            due_reminders = _reminders_due(accepted_at, due_at, now)
            if due_reminders > assignment.reminders_sent:
                assignment.reminders_sent = due_reminders
                assignment.save(update_fields=["reminders_sent"])
                steps.notify_reviewer(assignment, "reminder")
                counts["reminded"] += 1
    counts["overdue"] = flag_overdue_appeals(now=now)
    return counts


def _reminders_due(accepted_at: datetime, due_at: datetime, now: datetime) -> int:
    total = (due_at - accepted_at).total_seconds()
    elapsed = (now - accepted_at).total_seconds()
    if total <= 0:
        return 2
    fraction = elapsed / total
    return 2 if fraction >= 0.9 else 1 if fraction >= 0.5 else 0


def _expire(appeal: Appeal, assignment: Assignment, now: datetime, *, note: str) -> None:
    was_accepted = assignment.status == Assignment.ACCEPTED
    assignment.responded_at = assignment.responded_at or now
    steps.set_assignment_status(assignment, Assignment.EXPIRED, "responded_at")
    handle = assignment.reviewer.handle
    steps.record(appeal, EntryKind.APPEAL_EXPIRED, actor=f"reviewer {handle}", note=note, payload={"reviewer": handle})
    steps.notify_reviewer(assignment, "expired")
    if (
        was_accepted
        and appeal.status == Appeal.IN_REVIEW
        and not appeal.assignments.filter(status__in=[Assignment.ACCEPTED, Assignment.COMPLETED]).exists()
    ):
        steps.set_status(appeal, Appeal.AWAITING_REVIEW)
        note = "Back to awaiting review while a new reviewer is found."
        event = steps.record(appeal, EntryKind.APPEAL_REASSIGNED, actor="routing", note=note)
        steps.notify_appellant(appeal, event)
    steps.queue_routing(appeal)


def flag_overdue_appeals(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    flagged = 0
    for pk in list(Appeal.objects.overdue(now).filter(overdue_flagged_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().get(pk=pk)
            if appeal.overdue_flagged_at or not appeal.is_open:
                continue
            appeal.overdue_flagged_at = now
            appeal.save(update_fields=["overdue_flagged_at"])
            note = f"Past its deadline of {appeal.deadline:%d %B %Y}."
            steps.record(appeal, EntryKind.APPEAL_OVERDUE, actor="deadline", note=note)
            flagged += 1
    return flagged


def sweep_unrouted_appeals() -> int:
    """Route every appeal still short of reviewers, so a lost message or a broker outage loses no appeal."""
    offered = 0
    for appeal in list(Appeal.objects.needing_reviewers().only("pk")):
        offered += len(route_appeal(appeal=appeal).offered)
    return offered
