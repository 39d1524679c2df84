"""Filing an appeal, and withdrawing it. The fields arrive checked by AppealForm or the API's AppealInput."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import permissions
from accounts.models import User
from appeals import selectors
from appeals.attachments import check_uploads, stored_name
from appeals.models import (
    ONE_APPEAL_PER_RECEIPT,
    ONE_APPEAL_PER_REFUSAL,
    AISystem,
    Appeal,
    AppealCounter,
    Assignment,
    Attachment,
    ContestedClause,
    Refusal,
    SystemKey,
)
from appeals.receipts import VerifiedReceipt, verify_receipt
from appeals.redaction import KIND_LABELS, redact
from appeals.services import steps
from consultation.models import Guideline, GuidelineVersion
from core.ratelimit import over_limit
from ledger.kinds import EntryKind


def file_appeal(
    *,
    by: User,
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
    receipt: str = "",
) -> Appeal:
    """File an appeal; with a refusal `receipt` (compact JWS) it is a verified refusal, at the receipt's time."""
    if not permissions.is_citizen(by):
        raise PermissionDenied("Only signed-in people with a verified email address can file an appeal.")
    keys = list(dict.fromkeys(clause_keys))
    verified = _checked_receipt(receipt, system=system, keys=keys) if receipt else None
    happened_at = verified.refused_at if verified else happened_at
    version = _check_against_the_guideline(system=system, guideline=guideline, happened_at=happened_at, keys=keys)
    checked = check_uploads(attachments)
    same: dict[str, Any] = {"system": system, "refusal_excerpt": refusal_excerpt, "happened_at": happened_at}
    if (duplicate := selectors.find_duplicate(appellant=by, **same)) and not allow_duplicate:
        message = f"You already appealed this refusal as {duplicate.public_id}. Confirm to file a second appeal."
        raise ValidationError({"duplicate": [ValidationError(message, code="duplicate")]})  # the form's cue to ask
    if over_limit(action="file-appeal", who=str(by.pk), limit=settings.APPEALS_PER_DAY, per_seconds=86400):
        n = settings.APPEALS_PER_DAY
        raise ValidationError(
            ngettext("You can file %(n)d appeal a day.", "You can file %(n)d appeals a day.", n) % {"n": n}
            + " Please try again tomorrow."
        )

    public_prompt, prompt_flags = redact(prompt_excerpt)
    public_refusal, refusal_flags = redact(refusal_excerpt)
    public_grounds, grounds_flags = redact(grounds)
    now = timezone.now()
    # A confirmed second appeal has no key, so the constraint lets it be; the first one's key refuses a double submit.
    key = (
        None
        if duplicate
        else Appeal.refusal_key_for(system_id=system.pk, happened_at=happened_at, refusal_excerpt=refusal_excerpt)
    )
    try:
        with transaction.atomic():
            if verified:
                _recheck_key(verified)
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
                receipt=verified.token if verified else "",
                receipt_key=verified.key if verified else None,
                receipt_refusal_id=verified.refusal_id if verified else "",
            )
            appeal = Appeal.objects.create(
                public_id=_next_public_id(now.year),
                appellant=by,
                refusal=refusal,
                guideline=guideline,
                version=version,
                grounds=grounds,
                public_grounds=public_grounds,
                requested_outcome=requested_outcome,
                show_name=show_name,
                filed_at=now,
                deadline=now + timedelta(days=settings.APPEAL_DAYS),
                refusal_key=key,
            )
            ContestedClause.objects.bulk_create(
                ContestedClause(appeal=appeal, guideline=guideline, key=k) for k in keys
            )
            for upload, mime in checked:
                upload.seek(0)
                content = upload.read()  # what check_upload kept: an image is re-encoded
                name = (upload.name or "file")[:200]  # the same fallback as check_upload's messages
                attachment = Attachment(appeal=appeal, original_name=name, content_type=mime, size=len(content))
                attachment.file.save(stored_name(mime), ContentFile(content), save=False)
                attachment.save()
            payload = {
                "organization": system.organization.slug,
                "system": system.slug,
                "guideline": guideline.slug,
                "version": version.number,
                "clauses": keys,
                "deadline": appeal.deadline.isoformat(),
                # The hashes of what the public will see once screened, the filer's text after the automatic
                # redaction: a moderator's redaction (appeal.redacted) carries the hashes of its own.
                **steps.public_text_hashes(appeal),
                "refusal_receipt": receipt_facts(verified) if verified else None,
            }
            event = steps.record(
                appeal, EntryKind.APPEAL_FILED, actor=appeal.appellant_label, payload=payload, receipt_for=by
            )
            steps.notify_appellant(appeal, event)
    except IntegrityError as error:
        # The same appeal sent twice at once: the second insert waited for the first, failed, and answers it.
        if _violates(error, ONE_APPEAL_PER_REFUSAL) and (first := selectors.find_duplicate(appellant=by, **same)):
            return first
        if _violates(error, ONE_APPEAL_PER_RECEIPT):
            raise ValidationError({"receipt": [ALREADY_USED]}) from error
        raise
    return appeal


ALREADY_USED = "This receipt has already been used to file an appeal: one refusal, one appeal. Nothing was filed."


def _checked_receipt(receipt: str, *, system: AISystem, keys: list[str]) -> VerifiedReceipt:
    """The receipt verified, for this system, citing one of the contested clauses, and not used before."""
    try:
        verified = verify_receipt(receipt)
    except ValidationError as error:
        raise ValidationError({"receipt": error.messages}) from error
    if verified.system != system:
        message = (
            f"This receipt was signed by {verified.system.name}, not by {system.name}: appeal it against that system."
        )
        raise ValidationError({"receipt": [message]})
    if verified.clause not in keys:
        message = f"The receipt says the refusal cited {verified.clause}: keep it among the clauses you contest."
        raise ValidationError({"clause_keys": [message]})
    if Refusal.objects.filter(system=system, receipt_refusal_id=verified.refusal_id).exists():
        raise ValidationError({"receipt": [ALREADY_USED]})
    return verified


def _recheck_key(verified: VerifiedReceipt) -> None:
    """In the filing's transaction: the key is locked, so a retirement waits, and must still cover the receipt."""
    key = SystemKey.objects.select_for_update().get(pk=verified.key.pk)
    if not key.is_valid_at(verified.refused_at):
        raise ValidationError({"receipt": [f"Key {key.kid} was retired meanwhile: this receipt no longer verifies."]})


def receipt_facts(verified: VerifiedReceipt) -> dict[str, str]:
    """What the record says of a verified refusal: the key, the refusal id and the receipt's hash."""
    digest = hashlib.sha256(verified.token.encode()).hexdigest()
    return {"kid": verified.key.kid, "refusal_id": verified.refusal_id, "receipt_sha256": digest}


def _violates(error: IntegrityError, constraint: str) -> bool:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) == constraint


def _check_against_the_guideline(
    *, system: AISystem, guideline: Guideline, happened_at: datetime, keys: list[str]
) -> GuidelineVersion:
    """The system, the date and the clauses must fit the guideline: the version in force then had those clauses."""
    if system.organization_id != guideline.organization_id:
        raise ValidationError({"system": ["That system belongs to another organization than the guideline."]})
    version = selectors.version_in_force(guideline=guideline, at=happened_at)
    if version is None:
        raise ValidationError({"happened_at": ["No version of this guideline had been published by that date."]})
    known = set(version.clauses.values_list("key", flat=True))
    if unknown := [key for key in keys if key not in known]:
        message = f"Not clauses of {guideline.title} v{version.number}: {', '.join(unknown)}."
        raise ValidationError({"clause_keys": [message]})
    return version


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
        appeal = steps.lock(appeal)
        if not appeal.is_open:
            raise ValidationError(
                f"This appeal is {appeal.get_status_display().lower()}; it can no longer be withdrawn."
            )
        for assignment in appeal.assignments.open().select_for_update():
            assignment.responded_at = timezone.now()
            steps.set_assignment_status(assignment, Assignment.EXPIRED, "responded_at")
            steps.notify_reviewer(assignment, "withdrawn")
        steps.set_status(appeal, Appeal.WITHDRAWN)
        event = steps.record(appeal, EntryKind.APPEAL_WITHDRAWN, actor=appeal.appellant_label)
        steps.notify_appellant(appeal, event)
    return appeal
