"""The appeal workflows: filing, screening, routing, reviewing, deciding, responding.

Every public step writes an AppealEvent and a ledger entry in the same transaction as
the change; tasks and mail are queued with transaction.on_commit, after the data exists.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts import permissions
from accounts.models import ReviewerProfile, User
from appeals.attachments import check_upload, stored_name
from appeals.models import (
    EXCERPT_MAX,
    GROUNDS_MAX,
    AISystem,
    Appeal,
    AppealCounter,
    AppealEvent,
    Assignment,
    Attachment,
    CitedClause,
    ContestedClause,
    Decision,
    OrganizationResponse,
    Refusal,
    Vote,
)
from appeals.redaction import KIND_LABELS, redact
from consultation.models import Clause, Guideline, GuidelineVersion
from core.queue import enqueue
from core.ratelimit import over_limit
from ledger import services as ledger

RATIONALE_MAX = 20000
CLOCK_SKEW = timedelta(minutes=5)


# Filing ------------------------------------------------------------------------------------------


def version_in_force(*, guideline: Guideline, at: datetime) -> GuidelineVersion | None:
    """The published version that applied at `at`: the latest final one, else the latest in consultation."""
    published = GuidelineVersion.objects.published_for(guideline.organization).filter(
        guideline=guideline, published_at__lte=at
    )
    in_force = published.filter(status__in=[GuidelineVersion.FINAL, GuidelineVersion.SUPERSEDED])
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


def file_appeal(
    *,
    appellant: User,
    system: AISystem,
    guideline: Guideline,
    happened_at: datetime,
    prompt_excerpt: str,
    refusal_excerpt: str,
    clause_keys: list[str],
    grounds: str,
    requested_outcome: str = Appeal.OVERTURN,
    conversation_url: str = "",
    language: str = "en",
    show_name: bool = False,
    attachments: list | tuple = (),
    allow_duplicate: bool = False,
) -> Appeal:
    if not permissions.is_citizen(appellant):
        raise PermissionDenied("Only signed-in people with a verified email address can file an appeal.")
    prompt_excerpt, refusal_excerpt, grounds = prompt_excerpt.strip(), refusal_excerpt.strip(), grounds.strip()
    errors: dict[str, list[str]] = {}

    def error(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if system.organization_id != guideline.organization_id:
        error("system", "That system belongs to another organization than the guideline.")
    now = timezone.now()
    if happened_at > now + CLOCK_SKEW:
        error("happened_at", "The refusal cannot have happened in the future.")
    for name, value, limit in [
        ("prompt_excerpt", prompt_excerpt, EXCERPT_MAX),
        ("refusal_excerpt", refusal_excerpt, EXCERPT_MAX),
        ("grounds", grounds, GROUNDS_MAX),
    ]:
        if not value:
            error(name, "This cannot be empty.")
        elif len(value) > limit:
            error(name, f"Keep this to {limit:,} characters or fewer (it has {len(value):,}).")
    if requested_outcome not in dict(Appeal.REQUESTED_CHOICES):
        error("requested_outcome", "Choose what you ask the reviewers to do.")
    if conversation_url:
        try:
            URLValidator(schemes=["http", "https"])(conversation_url)
        except ValidationError:
            error("conversation_url", "Give a full web address starting with https://, or leave it empty.")
        if len(conversation_url) > 500:
            error("conversation_url", "That link is too long.")
    if not language or len(language) > 20:
        error("language", "Give the language of the conversation, such as 'en'.")
    version = None if "happened_at" in errors else version_in_force(guideline=guideline, at=happened_at)
    keys = [key.strip() for key in clause_keys if isinstance(key, str) and key.strip()]
    if not keys:
        error("clause_keys", "Choose at least one clause the refusal was made under.")
    elif len(keys) > 20:
        error("clause_keys", "Choose at most 20 clauses.")
    elif version is None and "happened_at" not in errors:
        error("happened_at", "No version of this guideline had been published by that date.")
    elif version is not None:
        known = set(version.clauses.values_list("key", flat=True))
        unknown = [key for key in keys if key not in known]
        if unknown:
            error("clause_keys", f"Not clauses of {guideline.title} v{version.number}: {', '.join(unknown)}.")
    if len(attachments) > settings.APPEAL_ATTACHMENTS_MAX:
        error("attachments", f"Attach at most {settings.APPEAL_ATTACHMENTS_MAX} files.")
    checked = []
    for upload in attachments:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as problem:
            error("attachments", problem.messages[0])
    if not errors and not allow_duplicate:
        duplicate = find_duplicate(
            appellant=appellant, system=system, refusal_excerpt=refusal_excerpt, happened_at=happened_at
        )
        if duplicate:
            error(
                "duplicate",
                f"You already appealed this refusal as {duplicate.public_id}. Confirm to file a second appeal.",
            )
    if errors:
        raise ValidationError(errors)
    if over_limit(action="file-appeal", who=str(appellant.pk), limit=settings.APPEALS_PER_DAY, per_seconds=86400):
        raise ValidationError(
            {"non_field_errors": [f"You can file {settings.APPEALS_PER_DAY} appeals a day. Please try again tomorrow."]}
        )

    public_prompt, prompt_flags = redact(prompt_excerpt)
    public_refusal, refusal_flags = redact(refusal_excerpt)
    public_grounds, grounds_flags = redact(grounds)
    with transaction.atomic():
        refusal = Refusal.objects.create(
            system=system,
            happened_at=happened_at,
            prompt_excerpt=prompt_excerpt,
            refusal_excerpt=refusal_excerpt,
            conversation_url=conversation_url,
            language=language,
            public_prompt_excerpt=public_prompt,
            public_refusal_excerpt=public_refusal,
            personal_data_flags=_flags(prompt_flags, refusal_flags, grounds_flags, conversation_url),
        )
        appeal = Appeal.objects.create(
            public_id=_next_public_id(now.year),
            appellant=appellant,
            refusal=refusal,
            guideline=guideline,
            version=version,
            clause_keys=keys,
            grounds=grounds,
            public_grounds=public_grounds,
            requested_outcome=requested_outcome,
            show_name=show_name,
            filed_at=now,
            deadline=now + timedelta(days=settings.APPEAL_DAYS),
        )
        ContestedClause.objects.bulk_create(ContestedClause(appeal=appeal, guideline=guideline, key=k) for k in keys)
        for upload, mime in checked:
            attachment = Attachment(appeal=appeal, original_name=upload.name[:200], content_type=mime, size=upload.size)
            upload.seek(0)
            attachment.file.save(stored_name(mime), ContentFile(upload.read()), save=False)
            attachment.save()
        _record(
            appeal,
            "filed",
            actor=appeal.appellant_label,
            payload={
                "organization": system.organization.slug,
                "system": system.slug,
                "guideline": guideline.slug,
                "version": version.number,
                "clauses": keys,
                "deadline": appeal.deadline.isoformat(),
            },
        )
        _notify_appellant(appeal)
    return appeal


def _flags(
    prompt_flags: list[str], refusal_flags: list[str], grounds_flags: list[str], conversation_url: str
) -> list[dict]:
    def flag(field_name: str, where: str, kind: str) -> dict:
        return {"field": field_name, "where": where, "kind": kind, "label": KIND_LABELS[kind]}

    flags = [flag("prompt_excerpt", "the prompt excerpt", kind) for kind in prompt_flags]
    flags += [flag("refusal_excerpt", "the refusal excerpt", kind) for kind in refusal_flags]
    flags += [flag("grounds", "the grounds", kind) for kind in grounds_flags]
    if conversation_url and redact(conversation_url)[1]:
        flags.append(flag("conversation_url", "the conversation link", "token_link"))
    return flags


def _next_public_id(year: int) -> str:
    """A-YYYY-NNNNNN, numbered without gaps or repeats: the year's counter row is locked while counting."""
    AppealCounter.objects.get_or_create(year=year)
    counter = AppealCounter.objects.select_for_update().get(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"A-{year}-{counter.last:06d}"


def withdraw_appeal(*, appeal: Appeal, by: User) -> Appeal:
    if by.pk != appeal.appellant_id:
        raise PermissionDenied("Only the appellant can withdraw an appeal.")
    with transaction.atomic():
        appeal = _lock(appeal)
        if not appeal.can_be_withdrawn:
            raise ValidationError(
                f"This appeal is {appeal.get_status_display().lower()}; it can no longer be withdrawn."
            )
        for assignment in appeal.assignments.open().select_for_update():
            assignment.status = Assignment.EXPIRED
            assignment.responded_at = timezone.now()
            assignment.save(update_fields=["status", "responded_at"])
            enqueue("appeals.tasks.notify_reviewer", assignment.pk, "withdrawn")
        _set_status(appeal, Appeal.WITHDRAWN)
        _record(appeal, "withdrawn", actor=appeal.appellant_label)
        _notify_appellant(appeal)
    return appeal


# Screening ---------------------------------------------------------------------------------------


def start_screening(*, appeal: Appeal, moderator: User) -> Appeal:
    _require_moderator(moderator)
    with transaction.atomic():
        appeal = _lock(appeal)
        _start_screening(appeal, moderator)
    return appeal


def _start_screening(appeal: Appeal, moderator: User) -> None:
    if appeal.status == Appeal.SCREENING:
        return
    if appeal.status != Appeal.SUBMITTED:
        raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}; it is no longer screened.")
    appeal.screened_by = moderator
    _set_status(appeal, Appeal.SCREENING, "screened_by")
    _record(appeal, "screening", actor="a moderator")
    _notify_appellant(appeal)


def redact_refusal(
    *,
    appeal: Appeal,
    moderator: User,
    public_prompt_excerpt: str,
    public_refusal_excerpt: str,
    public_grounds: str | None = None,
    public_attachment_ids: list[int] | None = None,
) -> Appeal:
    """Set what the public sees of the refusal and the grounds. The originals stay private; the timeline says only
    that it happened."""
    _require_moderator(moderator)
    errors: dict[str, list[str]] = {}
    texts = [
        ("public_prompt_excerpt", public_prompt_excerpt, EXCERPT_MAX),
        ("public_refusal_excerpt", public_refusal_excerpt, EXCERPT_MAX),
    ]
    if public_grounds is not None:
        texts.append(("public_grounds", public_grounds, GROUNDS_MAX))
    for name, value, max_length in texts:
        value = value.strip()
        if not value:
            errors[name] = ["This cannot be empty; write [redacted] for a part you remove."]
        elif len(value) > max_length:
            errors[name] = [f"Keep this to {max_length:,} characters or fewer."]
        else:
            found = redact(value)[1]
            if found:
                labels = ", ".join(KIND_LABELS[kind] for kind in found)
                errors[name] = [f"This still contains {labels}. Replace it with [redacted]."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.status in (Appeal.SUBMITTED, Appeal.SCREENING):
            _start_screening(appeal, moderator)
        # Later, personal data that slipped through can still be taken down; the timeline says so.
        refusal = appeal.refusal
        refusal.public_prompt_excerpt = public_prompt_excerpt.strip()
        refusal.public_refusal_excerpt = public_refusal_excerpt.strip()
        refusal.redacted_at = timezone.now()
        refusal.save(update_fields=["public_prompt_excerpt", "public_refusal_excerpt", "redacted_at"])
        if public_grounds is not None:
            appeal.public_grounds = public_grounds.strip()
            appeal.save(update_fields=["public_grounds"])
        if public_attachment_ids is not None:
            appeal.attachments.update(public=False)
            appeal.attachments.filter(pk__in=public_attachment_ids).update(public=True)
        _record(appeal, "redacted", actor="a moderator", note="A moderator redacted what is published.")
    return appeal


def admit_appeal(*, appeal: Appeal, moderator: User, significant: bool = False) -> Appeal:
    _require_moderator(moderator)
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.appellant_id == moderator.pk:
            raise PermissionDenied("You cannot screen your own appeal.")
        _start_screening(appeal, moderator)
        # The moderator who screened it and the one who admitted it are never among its reviewers.
        appeal.significant, appeal.admitted_by = significant, moderator
        _set_status(appeal, Appeal.AWAITING_REVIEW, "significant", "admitted_by")
        note = "Admitted for review by a panel of three." if significant else "Admitted for review."
        _record(appeal, "admitted", actor="a moderator", note=note, payload={"significant": significant})
        _notify_appellant(appeal)
        _queue_routing(appeal)
    return appeal


def declare_inadmissible(*, appeal: Appeal, moderator: User, reason: str, public_note: str) -> Appeal:
    _require_moderator(moderator)
    public_note = public_note.strip()
    errors = {}
    if reason not in dict(Appeal.INADMISSIBLE_REASONS):
        errors["reason"] = ["Choose a reason from the list."]
    if not public_note:
        errors["public_note"] = ["Explain the decision to the appellant and the public."]
    elif len(public_note) > 2000:
        errors["public_note"] = ["Keep the note to 2,000 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.appellant_id == moderator.pk:
            raise PermissionDenied("You cannot screen your own appeal.")
        _start_screening(appeal, moderator)
        appeal.inadmissible_reason, appeal.public_note = reason, public_note
        _set_status(appeal, Appeal.INADMISSIBLE, "inadmissible_reason", "public_note")
        label = dict(Appeal.INADMISSIBLE_REASONS)[reason]
        _record(appeal, "inadmissible", actor="a moderator", note=f"{label}. {public_note}", payload={"reason": reason})
        _notify_appellant(appeal)
    return appeal


# Routing -----------------------------------------------------------------------------------------


@dataclass
class RoutingResult:
    offered: list[Assignment] = field(default_factory=list)
    missing: int = 0
    contended: bool = False  # another worker held a candidate's lock: worth trying again soon


def eligible_reviewers(appeal: Appeal):
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
    open_load = Count("assignments", filter=Q(assignments__status__in=Assignment.OPEN_STATUSES))
    return reviewers.annotate(open_load=open_load).filter(open_load__lt=F("capacity")).select_related("user")


def clause_tags(appeal: Appeal) -> set[str]:
    tags: set[str] = set()
    for clause_tags_list in Clause.objects.filter(version=appeal.version_id, key__in=appeal.clause_keys).values_list(
        "tags", flat=True
    ):
        tags.update(str(tag).lower() for tag in clause_tags_list or [])
    return tags


def _ranking(tags: set[str]):
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def key(reviewer: ReviewerProfile):
        matches = len(tags & {str(tag).lower() for tag in reviewer.expertise or []})
        return (-matches, reviewer.open_load, reviewer.last_assigned_at or never, reviewer.pk)

    return key


def route_appeal(*, appeal: Appeal, reviewer: ReviewerProfile | None = None) -> RoutingResult:
    """Offer the appeal to as many eligible reviewers as its panel still needs.

    Idempotent: a full panel is left alone. Safe under concurrency: the appeal row is locked
    so two routings of it run one after the other, and each reviewer row is locked (skipping
    rows another worker holds) while their open load is counted and the offer is made, so
    nobody goes over capacity. With `reviewer`, a moderator routes by hand to that person.
    """
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.status not in (Appeal.AWAITING_REVIEW, Appeal.IN_REVIEW):
            if reviewer:
                raise ValidationError("Only an appeal awaiting review or in review can be routed.")
            return RoutingResult()
        candidates = eligible_reviewers(appeal)
        if reviewer:
            candidates = candidates.filter(pk=reviewer.pk)
            if not candidates.exists():
                raise ValidationError({"reviewer": [ineligibility_reason(appeal, reviewer)]})
        needed = appeal.panel_size - appeal.assignments.live().count()
        if needed <= 0:
            if reviewer:
                raise ValidationError("This appeal already has a full panel.")
            return RoutingResult()
        tags = clause_tags(appeal)
        result = RoutingResult()
        for candidate in sorted(candidates, key=_ranking(tags)):
            if len(result.offered) == needed:
                break
            locked = _lock_reviewer(candidate.pk)
            if locked is None:
                result.contended = True
                continue
            load = locked.assignments.open().count()
            if load >= locked.capacity:
                continue
            reason = _reason(tags, locked, load, by_hand=bool(reviewer))
            result.offered.append(_offer(appeal, locked, reason=reason, by_hand=bool(reviewer)))
        if reviewer and not result.offered:
            raise ValidationError({"reviewer": ["That reviewer is busy right now. Try again in a moment."]})
        result.missing = needed - len(result.offered)
    return result


def assign_reviewer_by_hand(*, appeal: Appeal, reviewer: ReviewerProfile, moderator: User) -> Assignment:
    _require_moderator(moderator)
    return route_appeal(appeal=appeal, reviewer=reviewer).offered[0]


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


def _lock_reviewer(pk: int) -> ReviewerProfile | None:
    reviewers = ReviewerProfile.objects.filter(pk=pk, active=True)
    if connection.vendor == "postgresql":
        return reviewers.select_for_update(skip_locked=True).first()
    return reviewers.select_for_update().first()  # SQLite serializes writers by itself


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
    reviewer.save(update_fields=["last_assigned_at"])
    _record(appeal, "offered", actor=f"reviewer {reviewer.handle}", payload={"reviewer": reviewer.handle})
    enqueue("appeals.tasks.notify_reviewer", assignment.pk, "offer")
    return assignment


def _queue_routing(appeal: Appeal) -> None:
    enqueue("appeals.tasks.route_appeal", appeal.pk)


# Reviewing ---------------------------------------------------------------------------------------


def accept_assignment(*, assignment: Assignment, reviewer_user: User) -> Assignment:
    with transaction.atomic():
        appeal, assignment = _lock_assignment(assignment, reviewer_user)
        if assignment.status != Assignment.OFFERED:
            raise ValidationError(f"This offer is {assignment.get_status_display().lower()}; it can't be accepted.")
        now = timezone.now()
        if assignment.offer_expires_at < now:
            raise ValidationError("This offer has run out.")
        assignment.status, assignment.responded_at = Assignment.ACCEPTED, now
        assignment.due_at = now + timedelta(days=settings.REVIEW_DAYS)
        assignment.save(update_fields=["status", "responded_at", "due_at"])
        handle = assignment.reviewer.handle
        _record(appeal, "accepted", actor=f"reviewer {handle}", payload={"reviewer": handle})
        if appeal.status == Appeal.AWAITING_REVIEW:
            _set_status(appeal, Appeal.IN_REVIEW)
            _record(appeal, "in_review", actor=f"reviewer {handle}")
            _notify_appellant(appeal)
    return assignment


def decline_assignment(*, assignment: Assignment, reviewer_user: User, reason: str) -> Assignment:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say why you decline, so moderators can route better."]})
    if len(reason) > 1000:
        raise ValidationError({"reason": ["Keep the reason to 1,000 characters or fewer."]})
    with transaction.atomic():
        appeal, assignment = _lock_assignment(assignment, reviewer_user)
        if assignment.status != Assignment.OFFERED:
            raise ValidationError(f"This offer is {assignment.get_status_display().lower()}; it can't be declined.")
        assignment.status, assignment.responded_at = Assignment.DECLINED, timezone.now()
        assignment.decline_reason = reason
        assignment.save(update_fields=["status", "responded_at", "decline_reason"])
        handle = assignment.reviewer.handle
        _record(appeal, "declined", actor=f"reviewer {handle}", payload={"reviewer": handle})
        _queue_routing(appeal)
    return assignment


def expire_offers(*, now: datetime | None = None) -> int:
    """Offers nobody answered in OFFER_HOURS lapse, and their appeals are routed again."""
    now = now or timezone.now()
    expired = 0
    for pk in list(Assignment.objects.offers_past(now).values_list("pk", flat=True)):
        with transaction.atomic():
            appeal, assignment = _lock_appeal_and_assignment(pk)
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
            appeal, assignment = _lock_appeal_and_assignment(pk)
            if assignment.status != Assignment.ACCEPTED:
                continue
            if assignment.due_at <= now:
                _expire(appeal, assignment, now, note="The review was not decided by its due date.")
                counts["expired"] += 1
                continue
            due_reminders = _reminders_due(assignment, now)
            if due_reminders > assignment.reminders_sent:
                assignment.reminders_sent = due_reminders
                assignment.save(update_fields=["reminders_sent"])
                enqueue("appeals.tasks.notify_reviewer", pk, "reminder")
                counts["reminded"] += 1
    counts["overdue"] = flag_overdue_appeals(now=now)
    return counts


def _reminders_due(assignment: Assignment, now: datetime) -> int:
    total = (assignment.due_at - assignment.responded_at).total_seconds()
    elapsed = (now - assignment.responded_at).total_seconds()
    if total <= 0:
        return 2
    fraction = elapsed / total
    return 2 if fraction >= 0.9 else 1 if fraction >= 0.5 else 0


def _expire(appeal: Appeal, assignment: Assignment, now: datetime, *, note: str) -> None:
    was_accepted = assignment.status == Assignment.ACCEPTED
    assignment.status, assignment.responded_at = Assignment.EXPIRED, assignment.responded_at or now
    assignment.save(update_fields=["status", "responded_at"])
    handle = assignment.reviewer.handle
    _record(appeal, "expired", actor=f"reviewer {handle}", note=note, payload={"reviewer": handle})
    enqueue("appeals.tasks.notify_reviewer", assignment.pk, "expired")
    if (
        was_accepted
        and appeal.status == Appeal.IN_REVIEW
        and not appeal.assignments.filter(status__in=[Assignment.ACCEPTED, Assignment.COMPLETED]).exists()
    ):
        _set_status(appeal, Appeal.AWAITING_REVIEW)
        _record(appeal, "reassigned", actor="routing", note="Back to awaiting review while a new reviewer is found.")
        _notify_appellant(appeal)
    _queue_routing(appeal)


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
            _record(appeal, "overdue", actor="deadline", note=f"Past its deadline of {appeal.deadline:%d %B %Y}.")
            flagged += 1
    return flagged


def sweep_unrouted_appeals() -> int:
    """Route every appeal still short of reviewers, so a lost message or a broker outage loses no appeal."""
    offered = 0
    for appeal in list(Appeal.objects.needing_reviewers().only("pk")):
        offered += len(route_appeal(appeal=appeal).offered)
    return offered


# Deciding ----------------------------------------------------------------------------------------


def decide_appeal(
    *,
    assignment: Assignment,
    reviewer_user: User,
    outcome: str,
    rationale: str,
    cited_clause_keys: list[str],
    cited_decision_ids: list[int] | tuple = (),
) -> Decision | None:
    """Cast the reviewer's vote; when the whole panel has voted, the majority decides and dissent is kept.

    Returns the decision once there is one, None while the panel is still voting.
    """
    rationale = rationale.strip()
    with transaction.atomic():
        appeal, assignment = _lock_assignment(assignment, reviewer_user)
        if assignment.status != Assignment.ACCEPTED:
            raise ValidationError("Accept the offer before deciding; a completed review can't be changed.")
        if appeal.status != Appeal.IN_REVIEW:
            raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}.")
        keys, cited = _check_decision_input(appeal, outcome, rationale, cited_clause_keys, cited_decision_ids)
        Vote.objects.create(
            assignment=assignment,
            outcome=outcome,
            rationale=rationale,
            cited_clause_keys=keys,
            cited_decision_ids=[d.pk for d in cited],
        )
        assignment.status, assignment.completed_at = Assignment.COMPLETED, timezone.now()
        assignment.save(update_fields=["status", "completed_at"])
        handle = assignment.reviewer.handle
        votes = list(Vote.objects.filter(assignment__appeal=appeal).select_related("assignment__reviewer"))
        if appeal.panel_size > 1:
            _record(appeal, "voted", actor=f"reviewer {handle}", payload={"reviewer": handle})
        if len(votes) < appeal.panel_size:
            return None
        return _decide(appeal, votes)


def _decide(appeal: Appeal, votes: list[Vote]) -> Decision:
    tally = Counter(vote.outcome for vote in votes)
    outcome, count = tally.most_common(1)[0]
    if count * 2 <= len(votes):
        # No majority among three different votes: the middle position decides.
        outcome = Decision.PARTIAL
    majority = [vote for vote in votes if vote.outcome == outcome] or votes
    rationale = "\n\n---\n\n".join(dict.fromkeys(vote.rationale for vote in majority))
    keys = list(dict.fromkeys(key for vote in majority for key in vote.cited_clause_keys))
    cited_ids = list(dict.fromkeys(pk for vote in majority for pk in vote.cited_decision_ids))
    decision = _create_decision(appeal, outcome=outcome, rationale=rationale, keys=keys, cited_ids=cited_ids)
    Vote.objects.filter(pk__in=[vote.pk for vote in votes]).attach_to(decision)
    _set_status(appeal, Appeal.DECIDED)
    dissent = [vote.assignment.reviewer.handle for vote in votes if vote.outcome != outcome]
    note = f"Dissent: {', '.join(dissent)}." if dissent else ""
    _record(
        appeal,
        "decided",
        actor=", ".join(f"reviewer {vote.assignment.reviewer.handle}" for vote in votes),
        note=f"{decision.get_outcome_display()}. {note}".strip(),
        payload={
            "decision": decision.pk,
            "outcome": outcome,
            "cited_clauses": keys,
            "votes": [{"reviewer": v.assignment.reviewer.handle, "outcome": v.outcome} for v in votes],
        },
    )
    _notify_appellant(appeal)
    enqueue("appeals.tasks.notify_publishers", decision.pk)
    return decision


def _create_decision(appeal: Appeal, *, outcome: str, rationale: str, keys: list[str], cited_ids, **extra) -> Decision:
    system = appeal.refusal.system
    decision = Decision.objects.create(
        appeal=appeal,
        organization_id=system.organization_id,
        system=system,
        outcome=outcome,
        rationale=rationale,
        cited_clause_keys=keys,
        search_document="\n".join(
            [rationale, " ".join(keys), system.name, appeal.guideline.title, appeal.public_id, outcome]
        ),
        **extra,
    )
    CitedClause.objects.bulk_create(CitedClause(decision=decision, key=key) for key in keys)
    if cited_ids:
        decision.cited_decisions.set(cited_ids)
    return decision


def _check_decision_input(appeal: Appeal, outcome, rationale, cited_clause_keys, cited_decision_ids):
    errors: dict[str, list[str]] = {}
    if outcome not in dict(Decision.OUTCOME_CHOICES):
        errors["outcome"] = ["Choose upheld, overturned or partially overturned."]
    if not rationale:
        errors["rationale"] = ["Give the reasons for the decision."]
    elif len(rationale) > RATIONALE_MAX:
        errors["rationale"] = [f"Keep the rationale to {RATIONALE_MAX:,} characters or fewer."]
    keys = [key for key in dict.fromkeys(cited_clause_keys or []) if isinstance(key, str) and key]
    known = set(Clause.objects.filter(version=appeal.version_id).values_list("key", flat=True))
    if not keys:
        errors["cited_clause_keys"] = ["Cite at least one clause the decision rests on."]
    elif unknown := [key for key in keys if key not in known]:
        errors["cited_clause_keys"] = [f"Not clauses of the version in force: {', '.join(unknown)}."]
    ids = []
    for value in cited_decision_ids or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            errors["cited_decision_ids"] = ["Cite earlier decisions by their number."]
    cited = list(Decision.objects.filter(pk__in=ids).exclude(appeal=appeal))
    if len(cited) != len(set(ids)):
        errors.setdefault("cited_decision_ids", ["Some cited decisions do not exist or belong to this appeal."])
    if errors:
        raise ValidationError(errors)
    return keys, cited


def correct_decision(
    *,
    decision: Decision,
    user: User,
    outcome: str,
    rationale: str,
    cited_clause_keys: list[str],
    note: str,
    cited_decision_ids: list[int] | tuple = (),
) -> Decision:
    """A correction is a new decision superseding the old one; both stay public."""
    appeal = decision.appeal
    on_panel = appeal.assignments.filter(reviewer__user=user, status=Assignment.COMPLETED).exists()
    if not (permissions.is_moderator(user) or on_panel):
        raise PermissionDenied("Only a moderator or a reviewer who decided this appeal can correct the decision.")
    note, rationale = note.strip(), rationale.strip()
    if not note:
        raise ValidationError({"note": ["Say what the correction fixes."]})
    with transaction.atomic():
        appeal = _lock(appeal)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if Decision.objects.filter(supersedes=decision).exists():
            raise ValidationError("This decision has already been corrected; correct the newer one.")
        keys, cited = _check_decision_input(appeal, outcome, rationale, cited_clause_keys, cited_decision_ids)
        correction = _create_decision(
            appeal,
            outcome=outcome,
            rationale=rationale,
            keys=keys,
            cited_ids=[d.pk for d in cited],
            supersedes=decision,
            correction_note=note[:2000],
        )
        _record(
            appeal,
            "corrected",
            actor="a moderator" if not on_panel else "the panel",
            note=note[:2000],
            payload={"decision": correction.pk, "supersedes": decision.pk, "outcome": outcome, "cited_clauses": keys},
        )
        _notify_appellant(appeal)
        enqueue("appeals.tasks.notify_publishers", correction.pk)
    return correction


def respond_to_decision(*, decision: Decision, user: User, kind: str, text: str) -> OrganizationResponse:
    if not permissions.can_publish_for(user, decision.organization):
        raise PermissionDenied("Only the organization's publishers can respond to its decisions.")
    text = text.strip()
    errors = {}
    if kind not in dict(OrganizationResponse.KIND_CHOICES):
        errors["kind"] = ["Choose will comply, disagrees or implemented."]
    if not text:
        errors["text"] = ["Write the organization's response."]
    elif len(text) > 5000:
        errors["text"] = ["Keep the response to 5,000 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appeal = _lock(decision.appeal)
        response = OrganizationResponse.objects.create(decision=decision, kind=kind, text=text, responded_by=user)
        _record(
            appeal,
            "responded",
            actor=decision.organization.name,
            note=response.get_kind_display(),
            payload={"decision": decision.pk, "kind": kind},
        )
    return response


# Shared steps ------------------------------------------------------------------------------------


def _require_moderator(user: User) -> None:
    if not permissions.is_moderator(user):
        raise PermissionDenied("Only moderators can screen and route appeals.")


def _lock(appeal: Appeal) -> Appeal:
    # of=("self",): lock the appeal only, not the guideline and system rows it is read with.
    appeals = Appeal.objects.select_for_update(of=("self",)).select_related("guideline", "refusal__system")
    return appeals.get(pk=appeal.pk)


def _lock_appeal_and_assignment(assignment_pk: int) -> tuple[Appeal, Assignment]:
    """Always the appeal first, then its assignment: one lock order everywhere, so no deadlocks."""
    appeal = _lock(Appeal(pk=Assignment.objects.filter(pk=assignment_pk).values_list("appeal_id", flat=True).get()))
    assignments = Assignment.objects.select_for_update(of=("self",)).select_related("reviewer")
    return appeal, assignments.get(pk=assignment_pk)


def _lock_assignment(assignment: Assignment, reviewer_user: User) -> tuple[Appeal, Assignment]:
    appeal, assignment = _lock_appeal_and_assignment(assignment.pk)
    if assignment.reviewer.user_id != reviewer_user.pk:
        raise PermissionDenied("This assignment belongs to another reviewer.")
    return appeal, assignment


def _set_status(appeal: Appeal, status: str, *fields: str) -> None:
    appeal.status = status
    if status in Appeal.CLOSED_STATUSES:
        appeal.closed_at = timezone.now()
    appeal.save(update_fields=["status", "closed_at", *fields])


def _record(appeal: Appeal, kind: str, *, actor: str = "", note: str = "", payload: dict | None = None) -> None:
    """One public step: on the appeal's timeline and in the ledger, in the caller's transaction."""
    AppealEvent.objects.create(appeal=appeal, kind=kind, actor=actor, note=note)
    ledger.append(
        kind=f"appeal.{kind}",
        subject=appeal.subject,
        payload={"public_id": appeal.public_id, "status": appeal.status, **(payload or {})},
    )


def _notify_appellant(appeal: Appeal) -> None:
    status = appeal.status
    enqueue("appeals.tasks.notify_appellant", appeal.pk, status)
