"""Screening by moderators: start, redact what the public sees (also later, to take down missed personal data),
admit or declare inadmissible. Every action first asks `Appeal.moderation_conflict`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from appeals.models import Appeal
from appeals.redaction import KIND_LABELS, redact
from appeals.services import steps
from appeals.services.indexing import index_decisions
from core.caching import tags_for_entry
from core.purging import purge_after_commit
from ledger.content import text_sha256
from ledger.kinds import EntryKind


def start_screening(*, appeal: Appeal, by: User) -> Appeal:
    steps.require_free_moderator(appeal, by)
    with transaction.atomic():
        appeal = steps.lock(appeal)
        _start_screening(appeal, by)
    return appeal


def _start_screening(appeal: Appeal, by: User) -> None:
    if appeal.status == Appeal.SCREENING:
        return
    if appeal.status != Appeal.SUBMITTED:
        raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}; it is no longer screened.")
    appeal.screened_by = by
    steps.set_status(appeal, Appeal.SCREENING, "screened_by")
    event = steps.record(appeal, EntryKind.APPEAL_SCREENING, actor="a moderator")
    steps.notify_appellant(appeal, event)


def redact_refusal(
    *,
    appeal: Appeal,
    by: User,
    public_prompt_excerpt: str,
    public_refusal_excerpt: str,
    public_grounds: str | None = None,
    public_attachment_ids: list[int] | None = None,
) -> Appeal:
    """Set what the public sees of the refusal and the grounds. The originals stay private; the timeline says only
    that it happened. After admission this is how personal data that slipped through is taken down."""
    steps.require_free_moderator(appeal, by)
    texts = {"public_prompt_excerpt": public_prompt_excerpt, "public_refusal_excerpt": public_refusal_excerpt}
    if public_grounds is not None:
        texts["public_grounds"] = public_grounds
    _refuse_personal_data(texts)
    with transaction.atomic():
        appeal = steps.lock(appeal)
        if appeal.is_awaiting_screening:
            _start_screening(appeal, by)
        refusal = appeal.refusal
        refusal.public_prompt_excerpt = public_prompt_excerpt
        refusal.public_refusal_excerpt = public_refusal_excerpt
        refusal.redacted_at = timezone.now()
        refusal.save(update_fields=["public_prompt_excerpt", "public_refusal_excerpt", "redacted_at"])
        if public_grounds is not None:
            appeal.public_grounds = public_grounds
            appeal.save(update_fields=["public_grounds"])
        if public_attachment_ids is not None:
            appeal.attachments.update(public=False)
            appeal.attachments.filter(pk__in=public_attachment_ids).update(public=True)
        index_decisions(appeal=appeal)
        note = "A moderator redacted what is published."
        published = steps.public_text_hashes(appeal)
        steps.record(appeal, EntryKind.APPEAL_REDACTED, actor="a moderator", note=note, payload=published)
        # Personal data taken down: no cached copy may show it after this returns, not even one kept for readers
        # during a re-render, which a renewal would leave (as for a hidden comment).
        purge_after_commit(*tags_for_entry(subject=appeal.subject, payload={}))
    return appeal


def _refuse_personal_data(texts: dict[str, str]) -> None:
    errors = {}
    for name, value in texts.items():
        if found := redact(value)[1]:
            labels = ", ".join(KIND_LABELS[kind] for kind in found)
            errors[name] = [f"This still contains {labels}. Replace it with [redacted]."]
    if errors:
        raise ValidationError(errors)


def admit_appeal(*, appeal: Appeal, by: User, significant: bool = False) -> Appeal:
    steps.require_free_moderator(appeal, by)
    with transaction.atomic():
        appeal = steps.lock(appeal)
        _start_screening(appeal, by)
        # The moderator who screened it and the one who admitted it are never among its reviewers.
        appeal.significant, appeal.admitted_by = significant, by
        steps.set_status(appeal, Appeal.AWAITING_REVIEW, "significant", "admitted_by")
        note = "Admitted for review by a panel of three." if significant else "Admitted for review."
        event = steps.record(
            appeal, EntryKind.APPEAL_ADMITTED, actor="a moderator", note=note, payload={"significant": significant}
        )
        steps.notify_appellant(appeal, event)
        steps.queue_routing(appeal)
    return appeal


def declare_inadmissible(*, appeal: Appeal, by: User, reason: str, public_note: str) -> Appeal:
    steps.require_free_moderator(appeal, by)
    with transaction.atomic():
        appeal = steps.lock(appeal)
        _start_screening(appeal, by)
        appeal.inadmissible_reason, appeal.public_note = reason, public_note
        steps.set_status(appeal, Appeal.INADMISSIBLE, "inadmissible_reason", "public_note")
        label = appeal.get_inadmissible_reason_display()
        event = steps.record(
            appeal,
            EntryKind.APPEAL_INADMISSIBLE,
            actor="a moderator",
            note=f"{label}. {public_note}",
            payload={"reason": reason, "public_note_sha256": text_sha256(public_note)},
        )
        steps.notify_appellant(appeal, event)
    return appeal
