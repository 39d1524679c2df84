"""Closing the loop: answering the comments once the period closed, and publishing the final version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consultation.models import (
    LONG_TEXT_LENGTH,
    Clause,
    ClauseChange,
    Comment,
    CommentCluster,
    GuidelineVersion,
    Response,
)
from consultation.pressure import clause_pressure
from consultation.selectors import clause_kinds
from consultation.services.closeout import closeout_refusals, publish_closeout
from consultation.services.common import clean_text, count_thread, frozen_text, locked_draft, require_publisher
from consultation.services.suggestions import link_suggestions
from core.markdown import render_markdown
from core.queue import enqueue
from ledger.kinds import EntryKind
from ledger.services import append


def _check_response(by: User, version: GuidelineVersion, disposition: str, text: str) -> str:
    require_publisher(by, version.guideline.organization)
    period = version.period
    if period is None or not period.is_closed:
        raise ValidationError("Comments are answered once the comment period has closed.")
    if disposition not in dict(Response.DISPOSITION_CHOICES):
        raise ValidationError({"disposition": Response.DISPOSITION_REFUSAL})
    return clean_text(text, field="text", label="The response", max_length=LONG_TEXT_LENGTH)


def _answer(by: User, comment: Comment, disposition: str, text: str) -> Response:
    response = Response.objects.create(
        comment=comment, disposition=disposition, text=text, text_html=render_markdown(text), author=by
    )
    comment.answered_at = response.created_at
    Comment.objects.filter(pk=comment.pk).update(answered_at=response.created_at)
    append(kind=EntryKind.COMMENT_ANSWERED, subject=comment.subject, payload={"disposition": disposition, "text": text})
    enqueue("consultation.tasks.notify_comment_answered", comment.pk)
    return response


@transaction.atomic
def respond_to_comment(*, comment: Comment, disposition: str, text: str, by: User) -> Response:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(
        pk=comment.version_id
    )
    text = _check_response(by, version, disposition, text)
    if comment.is_reply:
        raise ValidationError("Responses answer the original comment, not replies to it.")
    if comment.is_hidden:
        raise ValidationError("A hidden comment is not answered.")
    if Response.objects.filter(comment=comment).exists():
        raise ValidationError("This comment has already been answered; a response is never rewritten.")
    count_thread(version_id=version.pk, clause_id=comment.clause_id, answered_count=1)
    return _answer(by, comment, disposition, text)


@transaction.atomic
def respond_to_clause_comments(
    *, version: GuidelineVersion, clause: Clause | None, disposition: str, text: str, by: User
) -> int:
    """Give every unanswered comment on one clause (or the general comments) the same response."""
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(pk=version.pk)
    text = _check_response(by, version, disposition, text)
    if clause is not None and clause.version_id != version.pk:
        raise ValidationError({"clause": "That clause is not part of this version."})
    comments = list(
        version.comments.published()
        .top_level()
        .on_clause(clause)
        .unanswered()
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if not comments:
        raise ValidationError("Every comment here has already been answered.")
    for comment in comments:
        _answer(by, comment, disposition, text)
    count_thread(version_id=version.pk, clause_id=clause.pk if clause else None, answered_count=len(comments))
    return len(comments)


@transaction.atomic
def respond_to_cluster(*, cluster: CommentCluster, disposition: str, text: str, by: User) -> int:
    """Give every unanswered comment of a cluster of near-identical comments the same response.

    Each member gets its own response row and ledger entry, exactly as if answered one by one, so the comment's
    page, the exports, the open data and "answered N of M" need nothing new."""
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(
        pk=cluster.version_id
    )
    text = _check_response(by, version, disposition, text)
    comments = list(cluster.members.published().top_level().unanswered().select_for_update(of=("self",)).order_by("pk"))
    if not comments:
        raise ValidationError("Every comment of this cluster has already been answered.")
    for comment in comments:
        _answer(by, comment, disposition, text)
    return len(comments)


@transaction.atomic
def publish_final_version(
    *, version: GuidelineVersion, summary_of_changes: str, statements: dict[str, dict] | None = None, by: User
) -> GuidelineVersion:
    """Publish a draft as the final version that follows a consultation, with its close-out.

    Refused until everything the close-out must answer is answered (consultation.services.closeout).

    `statements` maps a clause key to {"text": why it changed, "comments": [ids of comments that led to it]}.
    The previous final version, if any, becomes superseded.
    """
    require_publisher(by, version.guideline.organization)
    version = locked_draft(version)
    refusal = version.final_refusal()
    if refusal:
        raise ValidationError(refusal)
    if not version.clauses.exists():
        raise ValidationError("A final version needs at least one clause.")
    consultation = version.based_on
    assert consultation is not None  # noqa: S101  final_refusal refuses a draft that follows no consultation
    unanswered = closeout_refusals(consultation)
    if unanswered:
        raise ValidationError(unanswered)
    summary = clean_text(
        summary_of_changes, field="summary_of_changes", label="The summary", max_length=LONG_TEXT_LENGTH
    )
    kinds = clause_kinds(consultation, version)
    statements = statements or {}
    _check_statements(statements, kinds, consultation)
    texts = {
        key: clean_text(
            statements.get(key, {}).get("text", ""),
            field="statements",
            label=f"The statement for {key}",
            max_length=LONG_TEXT_LENGTH,
            required=False,
        )
        for key in kinds
    }
    answers = _answer_clause_pressure(version, texts)
    for key, kind in kinds.items():
        flagged = answers.get(key, {})
        change = ClauseChange.objects.create(
            version=version,
            clause_key=key,
            kind=kind,
            statement=texts[key],
            pressure_overturned=flagged.get("overturned"),
            pressure_decided=flagged.get("decided"),
        )
        change.comments.set([int(pk) for pk in statements.get(key, {}).get("comments") or []])
    link_suggestions(version)
    for previous in version.guideline.versions.filter(status=GuidelineVersion.FINAL):
        previous.status = GuidelineVersion.SUPERSEDED
        previous.save(update_fields=["status"])
        append(kind=EntryKind.VERSION_SUPERSEDED, subject=previous.subject, payload={"by": version.number})
    version.status, version.published_at, version.summary_of_changes = GuidelineVersion.FINAL, timezone.now(), summary
    version.summary_html = render_markdown(summary)
    version.save(update_fields=["status", "published_at", "summary_of_changes", "summary_html"])
    append(
        kind=EntryKind.VERSION_FINAL_PUBLISHED,
        subject=version.subject,
        payload={
            "guideline": version.guideline.title,
            "after_consultation_on": consultation.number,
            "summary_of_changes": summary,
            "changes": kinds,
            "clause_pressure": answers,
            "clauses": frozen_text(version),
        },
    )
    publish_closeout(version=version)
    enqueue("consultation.tasks.notify_final_published", version.pk)
    return version


def _answer_clause_pressure(version: GuidelineVersion, texts: dict[str, str]) -> dict[str, dict]:
    """Refuse the publication unless every clause appeals flagged (see consultation.pressure.ClausePressure.flagged) is
    changed from the wording in force, or its statement says why it stays; else what the ledger records of each."""
    drafted = dict(version.clauses.values_list("key", "text"))
    flagged = {key: p for key, p in clause_pressure(version.guideline, version=version).items() if p.flagged}
    answers, unanswered = {}, []
    for key, pressure in sorted(flagged.items()):
        changed = drafted.get(key) != pressure.text
        if not changed and not texts.get(key):
            unanswered.append(
                f"{key} was overturned in {pressure.overturned} of {pressure.decided} decided appeals since "
                f"v{pressure.since.number}: change it, or say in its statement why it stays as it is."
            )
        answers[key] = {
            "appealed": pressure.appealed,
            "decided": pressure.decided,
            "overturned": pressure.overturned,
            "since": pressure.since.number,
            "changed": changed,
            "answer": texts.get(key, ""),
        }
    if unanswered:
        raise ValidationError(unanswered)
    return answers


def _check_statements(statements: dict[str, dict], kinds: dict[str, str], consultation: GuidelineVersion) -> None:
    unknown = sorted(set(statements) - set(kinds))
    if unknown:
        raise ValidationError({"statements": f"No clause {', '.join(unknown)} in either version."})
    linked = {int(pk) for s in statements.values() for pk in (s.get("comments") or [])}
    storable = [pk for pk in linked if 0 < pk < 2**63]  # a larger number is no comment, and would break the query
    found = set(consultation.comments.filter(pk__in=storable).values_list("pk", flat=True))
    if linked - found:
        missing = ", ".join(str(pk) for pk in sorted(linked - found))
        raise ValidationError({"statements": f"Comments {missing} were not made on version {consultation.number}."})
