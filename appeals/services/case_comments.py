"""Public comments on a selected appeal: opening the call, extending its window, commenting, hiding a comment.

The rules of guideline comments apply as they are (consultation.services.common: who may write, the text limits,
the rate limits per account, address and email domain); clustering runs after commit, as for guideline comments
(appeals.services.case_clustering)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.assurance import assurance_for
from accounts.models import Organization, User
from appeals.models import CALL_REASON_MAX, Appeal, CaseComment, CommentCall, CommentWindowExtension
from appeals.services import steps
from appeals.services.case_clustering import cluster_after_commit
from consultation.models import LONG_TEXT_LENGTH, NOTE_LENGTH, ON_BEHALF_OF_LENGTH
from consultation.services.campaigns import text_hash
from consultation.services.common import clean_text, refuse_too_many_writings, require_citizen, sha256
from core.caching import tags_for_entry
from core.markdown import render_markdown
from core.purging import purge_after_commit
from ledger.kinds import EntryKind
from ledger.services import append


def selection_refusal(appeal: Appeal) -> str:
    """Why this appeal cannot be opened for comment now, or "" when it can (the moderator's rule is apart)."""
    if hasattr(appeal, "comment_call"):
        return "This appeal is already open for public comment; extend its window instead."
    if not appeal.in_routing:
        return "Only an admitted appeal that is not decided yet can be opened for public comment."
    if appeal.refusal.redacted_at is None:
        return "A moderator must redact what is published of this appeal before it is opened for public comment."
    return ""


def open_for_comment(*, appeal: Appeal, criteria: list[str], reason: str, by: User) -> CommentCall:
    """Publish the appeal's summary for comment, with a window of APPEAL_COMMENT_WINDOW_DAYS days."""
    steps.require_free_moderator(appeal, by)
    reason = clean_text(reason, field="reason", label="Why this appeal", max_length=CALL_REASON_MAX)
    known = dict(CommentCall.CRITERIA)
    criteria = list(dict.fromkeys(criteria))
    if not criteria or any(criterion not in known for criterion in criteria):
        raise ValidationError({"criteria": "Choose at least one of the listed criteria."})
    with transaction.atomic():
        appeal = steps.lock(appeal)
        if refusal := selection_refusal(appeal):
            raise ValidationError(refusal)
        opens_at = timezone.now()
        closes_at = opens_at + timedelta(days=settings.APPEAL_COMMENT_WINDOW_DAYS)
        call = CommentCall.objects.create(
            appeal=appeal, criteria=criteria, reason=reason, selected_by=by, opens_at=opens_at, closes_at=closes_at
        )
        labels = ", ".join(known[criterion].lower() for criterion in criteria)
        steps.record(
            appeal,
            EntryKind.APPEAL_OPENED_FOR_COMMENT,
            actor="a moderator",
            note=f"Open for public comment until {closes_at:%-d %B %Y} ({labels}). {reason}",
            payload={
                "criteria": criteria,
                "reason": reason,
                "opens_at": opens_at.isoformat(),
                "closes_at": closes_at.isoformat(),
                "clauses": appeal.clause_keys,
                **steps.public_text_hashes(appeal),
            },
        )
    return call


def extend_comment_window(*, appeal: Appeal, closes_at: datetime, reason: str, by: User) -> CommentCall:
    """Move the end of the window later. Never earlier: the model says why, the database refuses it too."""
    steps.require_free_moderator(appeal, by)
    reason = clean_text(reason, field="reason", label="Why the extension", max_length=CALL_REASON_MAX)
    with transaction.atomic():
        appeal = steps.lock(appeal)
        call = CommentCall.objects.filter(appeal=appeal).first()
        if call is None:
            raise ValidationError("This appeal is not open for public comment.")
        if not appeal.is_open:
            raise ValidationError("This appeal is closed; its comment window can no longer change.")
        if error := call.extension_error(closes_at):
            raise ValidationError({"closes_at": error})
        previous = call.closes_at
        CommentWindowExtension.objects.create(
            call=call, previous_closes_at=previous, closes_at=closes_at, reason=reason, by=by
        )
        call.closes_at = closes_at
        call.save(update_fields=["closes_at"])
        steps.record(
            appeal,
            EntryKind.APPEAL_COMMENT_WINDOW_EXTENDED,
            actor="a moderator",
            note=f"Comment window extended to {closes_at:%-d %B %Y}. {reason}",
            payload={"previous_closes_at": previous.isoformat(), "closes_at": closes_at.isoformat(), "reason": reason},
        )
    return call


@transaction.atomic
def post_case_comment(
    *,
    appeal: Appeal,
    body: str,
    on_behalf_of: str = "",
    as_organization: Organization | None = None,
    ip: str = "",
    by: User,
) -> CaseComment:
    """Store a comment with its ledger entry. Whether the window is open is asked of the database by the update of
    the call's count itself, so a window that just closed or was just extended is read as it is now.
    `as_organization`: a publisher posts as the organization itself (accounts.assurance); anyone else is refused."""
    speaker = assurance_for(by, as_organization=as_organization)  # first: it learns whether the email is verified
    require_citizen(by)
    if not appeal.is_open:
        raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}; it takes no more comments.")
    body = clean_text(body, field="body", label="Your comment", max_length=LONG_TEXT_LENGTH)
    on_behalf_of = clean_text(
        on_behalf_of, field="on_behalf_of", label="The organization", max_length=ON_BEHALF_OF_LENGTH, required=False
    )
    refuse_too_many_writings(
        by,
        ip,
        action="case_comment",
        message="Many comments have been posted {by} in a short time. Please wait a while before posting again.",
        field="body",
    )
    now = timezone.now()
    calls = CommentCall.objects.filter(appeal_id=appeal.pk, opens_at__lte=now, closes_at__gt=now)
    if not calls.update(comment_count=F("comment_count") + 1):
        raise ValidationError("This appeal is not open for public comment right now.")
    comment = CaseComment.objects.create(
        appeal=appeal,
        author=by,
        body=body,
        body_html=render_markdown(body),
        on_behalf_of=on_behalf_of,
        text_hash=text_hash(body),
        **speaker.fields(),
    )
    cluster_after_commit(appeal.pk)
    append(
        kind=EntryKind.CASE_COMMENT_POSTED,
        subject=comment.subject,
        payload={
            "appeal": appeal.public_id,
            "author": by.public_name,
            "on_behalf_of": on_behalf_of,
            "body_sha256": sha256(body),
        },
    )
    return comment


def hide_disowned(*, content: CaseComment, note: str, by: User) -> None:
    """How an upheld "I did not write this" takes a case comment down (consultation.services.disputes)."""
    if not content.is_hidden:
        hide_case_comment(comment=content, reason=CaseComment.NOT_THEIRS, note=note, by=by)


@transaction.atomic
def hide_case_comment(*, comment: CaseComment, reason: str, note: str = "", by: User) -> CaseComment:
    """Hide a comment behind a public tombstone that names the reason. The note stays with the moderators. Besides
    the reasons moderators choose, an upheld dispute hides it as not the account holder's (`NOT_THEIRS`)."""
    if conflict := comment.moderation_conflict(by):
        raise PermissionDenied(conflict)
    comment = CaseComment.objects.select_for_update(of=("self",)).select_related("appeal").get(pk=comment.pk)
    if comment.is_hidden:
        raise ValidationError("This comment is already hidden.")
    if reason not in dict(CaseComment.HIDDEN_REASONS_ALL):
        raise ValidationError({"reason": "Choose one of the listed reasons."})
    comment.status, comment.hidden_reason, comment.hidden_at = CaseComment.HIDDEN, reason, timezone.now()
    comment.hidden_note = clean_text(note, field="note", label="The note", max_length=NOTE_LENGTH, required=False)
    comment.save(update_fields=["status", "hidden_reason", "hidden_note", "hidden_at"])
    payload = {"appeal": comment.appeal.public_id, "reason": reason}
    append(kind=EntryKind.CASE_COMMENT_HIDDEN, subject=comment.subject, payload=payload)
    # As for a hidden guideline comment: no cached copy may still show the text.
    purge_after_commit(*tags_for_entry(subject=comment.subject, payload=payload))
    return comment
