"""Taking part: comments, replies, endorsements and reports; and moderation: hiding and restoring."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F
from django.utils import timezone

from accounts.assurance import assurance_for
from accounts.models import Organization, User
from consultation.models import (
    LONG_TEXT_LENGTH,
    NOTE_LENGTH,
    ON_BEHALF_OF_LENGTH,
    REPORT_REASON_LENGTH,
    Clause,
    Comment,
    CommentPeriod,
    CommentReport,
    Endorsement,
    GuidelineVersion,
)
from consultation.selectors import is_taking_comments
from consultation.services.campaigns import cluster_after_commit, text_hash
from consultation.services.common import clean_text, count_thread, refuse_too_many_writings, require_citizen, sha256
from core.caching import tags_for_entry
from core.markdown import render_markdown
from core.purging import purge_after_commit
from core.queue import enqueue
from core.ratelimit import over_limit
from ledger.kinds import EntryKind
from ledger.receipt_mail import request_receipt
from ledger.services import append


@transaction.atomic
def post_comment(
    *,
    version: GuidelineVersion,
    body: str,
    clause: Clause | None = None,
    parent: Comment | None = None,
    on_behalf_of: str = "",
    as_organization: Organization | None = None,
    ip: str = "",
    by: User,
) -> Comment:
    """Store a comment or a reply with its ledger entry: seven queries in all on PostgreSQL, with the caller's lookups.

    Whether the period is open is asked of the database (it may have just closed or been extended) by the update of
    the thread's count itself, so the check and the count are one statement. `as_organization`: a publisher posts as
    the organization itself (its assurance says so, `accounts.assurance`)."""
    speaker = assurance_for(by, as_organization=as_organization)  # first: it learns whether the email is verified
    require_citizen(by)
    body = clean_text(body, field="body", label="Your comment", max_length=LONG_TEXT_LENGTH)
    on_behalf_of = clean_text(
        on_behalf_of, field="on_behalf_of", label="The organization", max_length=ON_BEHALF_OF_LENGTH, required=False
    )
    if clause is not None and clause.version_id != version.pk:
        raise ValidationError({"clause": "That clause is not part of this version."})
    if parent is not None:
        if parent.version_id != version.pk:
            raise ValidationError({"parent": "You can only reply to a comment on this version."})
        if parent.is_reply:
            raise ValidationError({"parent": "Replies go one level deep: reply to the original comment."})
        if parent.is_hidden:
            raise ValidationError({"parent": "This comment was hidden by moderators and takes no replies."})
        clause = parent.clause
    refuse_too_many_writings(
        by,
        ip,
        action="comment",
        message="Many comments have been posted {by} in a short time. Please wait a while before posting again.",
        field="body",
    )
    open_now = Exists(CommentPeriod.objects.taking_comments(version.pk))
    if parent is not None:
        counted = Comment.objects.filter(pk=parent.pk).filter(open_now).update(reply_count=F("reply_count") + 1)
    else:
        counted = count_thread(
            version_id=version.pk, clause_id=clause.pk if clause else None, only_if=open_now, comment_count=1
        )
    if not counted:
        raise ValidationError("This version is not open for comments right now.")
    comment = Comment.objects.create(
        version=version,
        clause=clause,
        parent=parent,
        author=by,
        body=body,
        body_html=render_markdown(body),
        on_behalf_of=on_behalf_of,
        text_hash=text_hash(body),
        **speaker.fields(),
    )
    Comment.response.related.set_cached_value(comment, None)  # a new comment has no response: no need to ask
    Comment.cluster.field.set_cached_value(comment, None)  # nor a cluster yet: the serializer need not ask either
    cluster_after_commit(version)
    entry = append(kind=EntryKind.COMMENT_POSTED, subject=comment.subject, payload=posted_payload(comment))
    request_receipt(entry=entry, person=by)
    return comment


def posted_payload(comment: Comment) -> dict:
    """What the record keeps of a new comment; bulk loaders (demo.scale_consultation) record the same."""
    return {
        "version": comment.version.subject,
        "clause": comment.clause.key if comment.clause else None,
        "parent": comment.parent_id,
        "author": comment.author.public_name,
        "on_behalf_of": comment.on_behalf_of,
        "body_sha256": sha256(comment.body),
    }


@transaction.atomic
def endorse_comment(*, comment: Comment, by: User) -> Endorsement:
    require_citizen(by)
    if not is_taking_comments(comment.version):
        raise ValidationError("Endorsements are taken only while the comment period is open.")
    if comment.is_hidden:
        raise ValidationError("A hidden comment cannot be endorsed.")
    if comment.author_id == by.pk:
        raise ValidationError("You cannot endorse your own comment.")
    already = ValidationError("You have already endorsed this comment.")
    if Endorsement.objects.filter(comment=comment, user=by).exists():
        raise already
    endorsement = _create_once(already, Endorsement, comment=comment, user=by)
    Comment.objects.filter(pk=comment.pk).update(endorsement_count=F("endorsement_count") + 1)
    count_thread(version_id=comment.version_id, clause_id=comment.clause_id, endorsement_count=1)
    append(kind=EntryKind.COMMENT_ENDORSED, subject=comment.subject, payload={"by": by.public_name})
    return endorsement


@transaction.atomic
def report_comment(*, comment: Comment, reason: str = "", by: User) -> CommentReport:
    """Ask the moderators to look at a comment. Reports are private: not in the public record."""
    require_citizen(by)
    reason = clean_text(reason, field="reason", label="The reason", max_length=REPORT_REASON_LENGTH, required=False)
    if comment.is_hidden:
        raise ValidationError("The moderators have already hidden this comment.")
    already = ValidationError("You have already reported this comment; the moderators will look at it.")
    if CommentReport.objects.filter(comment=comment, reporter=by).exists():
        raise already
    if over_limit(
        action="report",
        who=str(by.pk),
        limit=settings.CONSULTATION_REPORT_LIMIT,
        per_seconds=settings.CONSULTATION_REPORT_WINDOW_SECONDS,
    ):
        raise ValidationError("You have sent many reports in a short time. Please wait a while.")
    return _create_once(already, CommentReport, comment=comment, reporter=by, reason=reason)


def _create_once(already: ValidationError, model, **fields):
    """Create a row a unique constraint allows once; a double click racing the first gets `already`, not a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as error:
        raise already from error


# Moderation ---------------------------------------------------------------------------------------------------------


def _locked_for_moderation(comment: Comment, by: User) -> Comment:
    conflict = comment.moderation_conflict(by)
    if conflict:
        raise PermissionDenied(conflict)
    return Comment.objects.select_for_update().get(pk=comment.pk)


@transaction.atomic
def hide_comment(*, comment: Comment, reason: str, note: str = "", by: User) -> Comment:
    """Hide a comment behind a public tombstone that names the reason. The note stays with the moderators."""
    if reason not in dict(Comment.HIDDEN_REASONS):
        raise ValidationError({"reason": "Choose one of the listed reasons."})
    return hide_for_reason(comment=comment, reason=reason, note=note, by=by)


def hide_for_reason(*, comment: Comment, reason: str, note: str, by: User) -> Comment:
    """Hide a comment for any reason of the model, the ones moderators choose and the one an upheld dispute gives
    (consultation.services.disputes); in the caller's transaction."""
    comment = _locked_for_moderation(comment, by)
    if comment.is_hidden:
        raise ValidationError("This comment is already hidden.")
    comment.status, comment.hidden_reason, comment.hidden_at = Comment.HIDDEN, reason, timezone.now()
    comment.hidden_note = clean_text(note, field="note", label="The note", max_length=NOTE_LENGTH, required=False)
    comment.save(update_fields=["status", "hidden_reason", "hidden_note", "hidden_at"])
    _count_moderation(comment, hidden=1)
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    append(kind=EntryKind.COMMENT_HIDDEN, subject=comment.subject, payload={"reason": reason})
    # Renewing is not enough: readers get the copy a re-render replaces, which still shows the text.
    purge_after_commit(*tags_for_entry(subject=comment.subject, payload={}))
    enqueue("consultation.tasks.notify_comment_hidden", comment.pk)
    return comment


@transaction.atomic
def restore_comment(*, comment: Comment, by: User) -> Comment:
    comment = _locked_for_moderation(comment, by)
    if not comment.is_hidden:
        raise ValidationError("This comment is not hidden.")
    comment.status, comment.hidden_reason, comment.hidden_note, comment.hidden_at = Comment.PUBLISHED, "", "", None
    comment.save(update_fields=["status", "hidden_reason", "hidden_note", "hidden_at"])
    _count_moderation(comment, hidden=-1)
    append(kind=EntryKind.COMMENT_RESTORED, subject=comment.subject, payload={})
    enqueue("consultation.tasks.notify_comment_restored", comment.pk)
    return comment


def _count_moderation(comment: Comment, *, hidden: int) -> None:
    """A hidden original comment no longer counts as published, nor as answered if it was."""
    if comment.is_reply:
        return
    answered = -hidden if comment.answered_at else 0  # kept on the row the caller locked
    count_thread(
        version_id=comment.version_id, clause_id=comment.clause_id, hidden_count=hidden, answered_count=answered
    )


@transaction.atomic
def dismiss_reports(*, comment: Comment, by: User) -> int:
    """The moderators looked and the comment stays. Not a ledger entry: reports are private and nothing public
    changed."""
    comment = _locked_for_moderation(comment, by)
    return comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
