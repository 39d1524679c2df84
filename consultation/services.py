"""Consultation workflows: publishing versions, comment periods, comments, moderation, responses, notifications.

Every public state change writes its ledger entry in the same transaction; mail goes
out from Celery tasks queued after the commit.
"""

import hashlib
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import can_publish_for, is_citizen, is_moderator
from consultation.models import (
    Clause,
    ClauseChange,
    Comment,
    CommentPeriod,
    CommentReport,
    Endorsement,
    Follow,
    Guideline,
    GuidelineVersion,
    PeriodExtension,
    Response,
    validate_clause_key,
)
from core.mail import send_once
from core.queue import enqueue
from core.ratelimit import over_limit
from ledger.models import Entry
from ledger.services import append

MAX_CLAUSES = 500
MAX_IMPORT_CHARS = 500_000
CLAUSE_HEADING = re.compile(r"^##\s+(\S+)\s+(.+?)\s*#*\s*$")
TAGS_LINE = re.compile(r"^tags:\s*(.*)$", re.IGNORECASE)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _require_publisher(user, organization: Organization) -> None:
    if not can_publish_for(user, organization):
        raise PermissionDenied(f"Only publishers of {organization.name} may do this.")


def _locked_draft(version: GuidelineVersion) -> GuidelineVersion:
    """Lock the version row so that editing and scheduling never race each other."""
    locked = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_frozen:
        raise ValidationError("This version is public and its text is frozen. Start a new draft to change it.")
    return locked


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} cannot be empty."})
    if len(value) > max_length:
        raise ValidationError({field: f"{label} is {len(value):,} characters long; the limit is {max_length:,}."})
    return value


def _clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list | tuple) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags are a list of short words such as medical or security."})
    cleaned = [tag.strip().lower() for tag in tags if tag.strip()]
    if any(len(tag) > 40 for tag in cleaned) or len(cleaned) > 20:
        raise ValidationError({"tags": "Use at most 20 tags of at most 40 characters each."})
    return list(dict.fromkeys(cleaned))


# Publishing ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_guideline(*, actor, organization: Organization, slug: str, title: str, description: str = "") -> Guideline:
    _require_publisher(actor, organization)
    guideline = Guideline(
        organization=organization, slug=(slug or "").strip(), title=(title or "").strip(), description=description or ""
    )
    guideline.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    if Guideline.objects.filter(organization=organization, slug=guideline.slug).exists():
        raise ValidationError({"slug": f"{organization.name} already has a guideline at '{guideline.slug}'."})
    guideline.save()
    # Not yet in the public record: a guideline becomes public with its first comment period.
    return guideline


def _new_draft(guideline: Guideline) -> GuidelineVersion:
    Guideline.objects.select_for_update().get(pk=guideline.pk)
    if guideline.versions.filter(status=GuidelineVersion.DRAFT).exists():
        raise ValidationError("This guideline already has a draft. Edit it, or schedule its comment period first.")
    latest = guideline.versions.order_by("-number").first()
    return GuidelineVersion.objects.create(
        guideline=guideline, number=(latest.number + 1) if latest else 1, based_on=latest
    )


@transaction.atomic
def create_draft_version(*, actor, guideline: Guideline, summary_of_changes: str = "") -> GuidelineVersion:
    """A new draft that starts as a copy of the latest version's clauses."""
    _require_publisher(actor, guideline.organization)
    version = _new_draft(guideline)
    version.summary_of_changes = _clean_text(
        summary_of_changes, field="summary_of_changes", label="The summary", max_length=5000, required=False
    )
    version.save(update_fields=["summary_of_changes"])
    if version.based_on:
        Clause.objects.bulk_create(
            Clause(version=version, key=c.key, heading=c.heading, text=c.text, position=c.position, tags=c.tags)
            for c in version.based_on.clauses.all()
        )
    return version


@transaction.atomic
def create_version_with_clauses(
    *, actor, guideline: Guideline, clauses: list[dict], summary_of_changes: str = ""
) -> GuidelineVersion:
    """A new draft whose clauses are given whole (API and Markdown import)."""
    _require_publisher(actor, guideline.organization)
    rows = _validated_clauses(clauses)
    version = _new_draft(guideline)
    version.summary_of_changes = _clean_text(
        summary_of_changes, field="summary_of_changes", label="The summary", max_length=5000, required=False
    )
    version.save(update_fields=["summary_of_changes"])
    Clause.objects.bulk_create(Clause(version=version, position=index, **row) for index, row in enumerate(rows))
    return version


def _validated_clauses(clauses: list[dict]) -> list[dict]:
    if not clauses:
        raise ValidationError({"clauses": "A version needs at least one clause."})
    if len(clauses) > MAX_CLAUSES:
        raise ValidationError({"clauses": f"A version has at most {MAX_CLAUSES} clauses."})
    rows, seen = [], set()
    for raw in clauses:
        key = (raw.get("key") or "").strip()
        try:
            validate_clause_key(key)
        except ValidationError as error:
            raise ValidationError({"clauses": error.messages}) from error
        if key in seen:
            raise ValidationError({"clauses": f"The clause key {key} appears twice; keys are unique in a version."})
        seen.add(key)
        heading = _clean_text(raw.get("heading"), field="clauses", label=f"The heading of {key}", max_length=200)
        text = _clean_text(raw.get("text"), field="clauses", label=f"The text of {key}", max_length=20000)
        rows.append({"key": key, "heading": heading, "text": text, "tags": _clean_tags(raw.get("tags"))})
    return rows


def parse_markdown_clauses(markdown: str) -> list[dict]:
    """Split one Markdown document into clauses: every `## R-1.1 Title` heading starts one.

    A `# Title` line before the first clause is allowed; any other text there is refused, so
    nothing the publisher wrote is silently dropped. A `Tags: a, b` line right under a
    clause heading sets its tags.
    """
    if len(markdown or "") > MAX_IMPORT_CHARS:
        raise ValidationError({"markdown": f"The document is longer than {MAX_IMPORT_CHARS:,} characters."})
    clauses: list[dict] = []
    for number, line in enumerate((markdown or "").splitlines(), start=1):
        heading = CLAUSE_HEADING.match(line)
        if line.startswith("## ") or line.strip() == "##":
            if not heading:
                raise ValidationError({"markdown": f"Line {number}: a clause heading looks like '## R-1.1 Title'."})
            key = heading.group(1)
            try:
                validate_clause_key(key)
            except ValidationError as error:
                raise ValidationError({"markdown": f"Line {number}: {error.messages[0]}"}) from error
            clauses.append({"key": key, "heading": heading.group(2), "lines": [], "tags": []})
        elif clauses:
            tags = TAGS_LINE.match(line.strip())
            if tags and not any(existing.strip() for existing in clauses[-1]["lines"]):
                clauses[-1]["tags"] = _clean_tags(tags.group(1))
            else:
                clauses[-1]["lines"].append(line)
        elif line.strip() and not line.startswith("# "):
            raise ValidationError(
                {"markdown": f"Line {number}: text before the first clause. Start each clause with '## R-1.1 Title'."}
            )
    if not clauses:
        raise ValidationError({"markdown": "No clauses found. Start each clause with a heading like '## R-1.1 Title'."})
    return [
        {"key": c["key"], "heading": c["heading"], "text": "\n".join(c["lines"]).strip(), "tags": c["tags"]}
        for c in clauses
    ]


def import_draft_from_markdown(
    *, actor, guideline: Guideline, markdown: str, summary_of_changes: str = ""
) -> GuidelineVersion:
    _require_publisher(actor, guideline.organization)
    clauses = parse_markdown_clauses(markdown)
    try:
        return create_version_with_clauses(
            actor=actor, guideline=guideline, clauses=clauses, summary_of_changes=summary_of_changes
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "clauses" in error.error_dict:
            raise ValidationError({"markdown": error.error_dict["clauses"]}) from error
        raise


@transaction.atomic
def add_clause(*, actor, version: GuidelineVersion, key: str, heading: str, text: str, tags=None) -> Clause:
    _require_publisher(actor, version.guideline.organization)
    version = _locked_draft(version)
    key = (key or "").strip()
    try:
        validate_clause_key(key)
    except ValidationError as error:
        raise ValidationError({"key": error.messages}) from error
    if version.clauses.filter(key=key).exists():
        raise ValidationError({"key": f"This version already has a clause {key}."})
    if version.clauses.count() >= MAX_CLAUSES:
        raise ValidationError(f"A version has at most {MAX_CLAUSES} clauses.")
    position = (version.clauses.aggregate(last=Max("position"))["last"] or 0) + 1
    return Clause.objects.create(
        version=version,
        key=key,
        heading=_clean_text(heading, field="heading", label="The heading", max_length=200),
        text=_clean_text(text, field="text", label="The text", max_length=20000),
        tags=_clean_tags(tags),
        position=position,
    )


@transaction.atomic
def edit_clause(*, actor, clause: Clause, heading: str, text: str, tags=None) -> Clause:
    """Change a draft clause's heading, text or tags. Its key stays: keys keep their meaning."""
    _require_publisher(actor, clause.version.guideline.organization)
    _locked_draft(clause.version)
    clause.heading = _clean_text(heading, field="heading", label="The heading", max_length=200)
    clause.text = _clean_text(text, field="text", label="The text", max_length=20000)
    clause.tags = _clean_tags(tags)
    clause.save(update_fields=["heading", "text", "tags"])
    return clause


@transaction.atomic
def remove_clause(*, actor, clause: Clause) -> None:
    _require_publisher(actor, clause.version.guideline.organization)
    _locked_draft(clause.version)
    clause.delete()


@transaction.atomic
def reorder_clause(*, actor, clause: Clause, direction: str) -> None:
    """Move a draft clause one place up or down."""
    _require_publisher(actor, clause.version.guideline.organization)
    version = _locked_draft(clause.version)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a clause up or down."})
    ordered = list(version.clauses.order_by("position", "pk"))
    index = next(i for i, c in enumerate(ordered) if c.pk == clause.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Clause.objects.bulk_update(ordered, ["position"])


# Comment periods ----------------------------------------------------------------------------------------------------


def _frozen_text(version: GuidelineVersion) -> list[dict]:
    return [{"key": c.key, "sha256": _sha256(f"{c.heading}\n{c.text}")} for c in version.clauses.all()]


@transaction.atomic
def schedule_comment_period(
    *, actor, version: GuidelineVersion, opens_at: datetime | None, closes_at: datetime
) -> CommentPeriod:
    """Make a draft public for comment: status consultation, text frozen, period scheduled."""
    _require_publisher(actor, version.guideline.organization)
    version = _locked_draft(version)
    now = timezone.now()
    opens_at = opens_at or now
    if opens_at < now - timedelta(minutes=5):
        raise ValidationError({"opens_at": "A comment period cannot open in the past."})
    opens_at = max(opens_at, now)
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "The period must end after it starts."})
    minimum = timedelta(days=settings.CONSULTATION_MIN_DAYS)
    if closes_at - opens_at < minimum:
        raise ValidationError({"closes_at": f"A comment period lasts at least {settings.CONSULTATION_MIN_DAYS} days."})
    if not version.clauses.exists():
        raise ValidationError("Add at least one clause before scheduling a comment period.")
    running = CommentPeriod.objects.filter(version__guideline=version.guideline, closes_at__gt=now)
    if running.exists():
        raise ValidationError("This guideline already has a comment period that has not closed.")
    period = CommentPeriod.objects.create(version=version, opens_at=opens_at, closes_at=closes_at)
    version.status, version.published_at = GuidelineVersion.CONSULTATION, now
    version.save(update_fields=["status", "published_at"])
    append(
        kind="consultation.scheduled",
        subject=version.subject,
        payload={
            "guideline": version.guideline.title,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "clauses": _frozen_text(version),
        },
    )
    if opens_at <= now:
        enqueue("consultation.tasks.notify_period_opened", period.pk)
    return period


@transaction.atomic
def extend_comment_period(*, actor, period: CommentPeriod, closes_at: datetime, reason: str) -> PeriodExtension:
    """Give people more time, with a public reason. Never shorter, never earlier, never after it closed."""
    _require_publisher(actor, period.version.guideline.organization)
    period = (
        CommentPeriod.objects.select_for_update().select_related("version__guideline__organization").get(pk=period.pk)
    )
    if period.is_closed:
        raise ValidationError("This comment period has closed; a closed period is never reopened.")
    if closes_at <= period.closes_at:
        raise ValidationError({"closes_at": "An extension must close later than the current closing time."})
    reason = _clean_text(reason, field="reason", label="The reason", max_length=2000)
    extension = PeriodExtension.objects.create(
        period=period, previous_closes_at=period.closes_at, new_closes_at=closes_at, reason=reason
    )
    period.closes_at = closes_at
    period.save(update_fields=["closes_at"])
    append(
        kind="consultation.extended",
        subject=period.version.subject,
        payload={
            "previous_closes_at": extension.previous_closes_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "reason": reason,
        },
    )
    return extension


# Comments -----------------------------------------------------------------------------------------------------------


def _taking_comments(version: GuidelineVersion) -> bool:
    """Asked of the database, not of a possibly stale object: the period may have just closed or been extended."""
    return (
        CommentPeriod.objects.open()
        .filter(version_id=version.pk, version__status=GuidelineVersion.CONSULTATION)
        .exists()
    )


def _require_citizen(user) -> None:
    if not is_citizen(user):
        raise PermissionDenied("Sign in with a verified email address to take part.")


@transaction.atomic
def post_comment(
    *,
    author,
    version: GuidelineVersion,
    body: str,
    clause: Clause | None = None,
    parent: Comment | None = None,
    on_behalf_of: str = "",
) -> Comment:
    _require_citizen(author)
    if not _taking_comments(version):
        raise ValidationError("This version is not open for comments right now.")
    body = _clean_text(body, field="body", label="Your comment", max_length=Comment.MAX_LENGTH)
    on_behalf_of = _clean_text(
        on_behalf_of, field="on_behalf_of", label="The organization", max_length=200, required=False
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
    if over_limit(
        action="comment",
        who=str(author.pk),
        limit=settings.CONSULTATION_COMMENT_LIMIT,
        per_seconds=settings.CONSULTATION_COMMENT_WINDOW_SECONDS,
    ):
        raise ValidationError(
            {"body": "You have posted a lot of comments in a short time. Please wait a while before posting again."}
        )
    comment = Comment.objects.create(
        version=version, clause=clause, parent=parent, author=author, body=body, on_behalf_of=on_behalf_of
    )
    append(
        kind="comment.posted",
        subject=comment.subject,
        payload={
            "version": version.subject,
            "clause": clause.key if clause else None,
            "parent": parent.pk if parent else None,
            "author": author.public_name,
            "on_behalf_of": on_behalf_of,
            "body_sha256": _sha256(body),
        },
    )
    return comment


@transaction.atomic
def endorse_comment(*, user, comment: Comment) -> Endorsement:
    _require_citizen(user)
    if not _taking_comments(comment.version):
        raise ValidationError("Endorsements are taken only while the comment period is open.")
    if comment.is_hidden:
        raise ValidationError("A hidden comment cannot be endorsed.")
    if comment.author_id == user.pk:
        raise ValidationError("You cannot endorse your own comment.")
    already = ValidationError("You have already endorsed this comment.")
    if Endorsement.objects.filter(comment=comment, user=user).exists():
        raise already
    endorsement = _create_once(already, Endorsement, comment=comment, user=user)
    append(kind="comment.endorsed", subject=comment.subject, payload={"by": user.public_name})
    return endorsement


@transaction.atomic
def report_comment(*, reporter, comment: Comment, reason: str = "") -> CommentReport:
    """Ask the moderators to look at a comment. Reports are private: not in the public record."""
    _require_citizen(reporter)
    reason = _clean_text(reason, field="reason", label="The reason", max_length=1000, required=False)
    if comment.is_hidden:
        raise ValidationError("The moderators have already hidden this comment.")
    already = ValidationError("You have already reported this comment; the moderators will look at it.")
    if CommentReport.objects.filter(comment=comment, reporter=reporter).exists():
        raise already
    if over_limit(action="report", who=str(reporter.pk), limit=20, per_seconds=3600):
        raise ValidationError("You have sent many reports in a short time. Please wait a while.")
    return _create_once(already, CommentReport, comment=comment, reporter=reporter, reason=reason)


def _create_once(already: ValidationError, model, **fields):
    """Create a row a unique constraint allows once; a double click racing the first gets `already`, not a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as error:
        raise already from error


def _require_moderator(user, comment: Comment) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators may hide or restore comments.")
    if can_publish_for(user, comment.version.guideline.organization):
        raise PermissionDenied("You publish for this organization, so another moderator must decide on this comment.")


@transaction.atomic
def hide_comment(*, moderator, comment: Comment, reason: str, note: str = "") -> Comment:
    """Hide a comment behind a public tombstone that names the reason. The note stays with the moderators."""
    _require_moderator(moderator, comment)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        raise ValidationError("This comment is already hidden.")
    if reason not in dict(Comment.HIDDEN_REASONS):
        raise ValidationError({"reason": "Choose one of the listed reasons."})
    comment.status, comment.hidden_reason, comment.hidden_at = Comment.HIDDEN, reason, timezone.now()
    comment.hidden_note = _clean_text(note, field="note", label="The note", max_length=2000, required=False)
    comment.save(update_fields=["status", "hidden_reason", "hidden_note", "hidden_at"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    append(kind="comment.hidden", subject=comment.subject, payload={"reason": reason})
    enqueue("consultation.tasks.notify_comment_hidden", comment.pk)
    return comment


@transaction.atomic
def restore_comment(*, moderator, comment: Comment) -> Comment:
    _require_moderator(moderator, comment)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_hidden:
        raise ValidationError("This comment is not hidden.")
    comment.status, comment.hidden_reason, comment.hidden_note, comment.hidden_at = Comment.PUBLISHED, "", "", None
    comment.save(update_fields=["status", "hidden_reason", "hidden_note", "hidden_at"])
    append(kind="comment.restored", subject=comment.subject, payload={})
    enqueue("consultation.tasks.notify_comment_restored", comment.pk)
    return comment


@transaction.atomic
def dismiss_reports(*, moderator, comment: Comment) -> int:
    """The moderators looked and the comment stays. Not a ledger entry: reports are private and nothing public
    changed."""
    _require_moderator(moderator, comment)
    return comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


# Closing the loop ---------------------------------------------------------------------------------------------------


def _check_response(actor, version: GuidelineVersion, disposition: str, text: str) -> str:
    _require_publisher(actor, version.guideline.organization)
    period = version.period
    if period is None or not period.is_closed:
        raise ValidationError("Comments are answered once the comment period has closed.")
    if disposition not in dict(Response.DISPOSITION_CHOICES):
        raise ValidationError({"disposition": "Choose adopted, partially adopted, not adopted or noted."})
    return _clean_text(text, field="text", label="The response", max_length=5000)


def _answer(actor, comment: Comment, disposition: str, text: str) -> Response:
    response = Response.objects.create(comment=comment, disposition=disposition, text=text, author=actor)
    append(kind="comment.answered", subject=comment.subject, payload={"disposition": disposition, "text": text})
    enqueue("consultation.tasks.notify_comment_answered", comment.pk)
    return response


@transaction.atomic
def respond_to_comment(*, actor, comment: Comment, disposition: str, text: str) -> Response:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(
        pk=comment.version_id
    )
    text = _check_response(actor, version, disposition, text)
    if comment.is_reply:
        raise ValidationError("Responses answer the original comment, not replies to it.")
    if comment.is_hidden:
        raise ValidationError("A hidden comment is not answered.")
    if Response.objects.filter(comment=comment).exists():
        raise ValidationError("This comment has already been answered; a response is never rewritten.")
    return _answer(actor, comment, disposition, text)


@transaction.atomic
def respond_to_clause_comments(
    *, actor, version: GuidelineVersion, clause: Clause | None, disposition: str, text: str
) -> int:
    """Give every unanswered comment on one clause (or the general comments) the same response."""
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(pk=version.pk)
    text = _check_response(actor, version, disposition, text)
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
        _answer(actor, comment, disposition, text)
    return len(comments)


def clause_kinds(previous: GuidelineVersion, version: GuidelineVersion) -> dict[str, str]:
    """Each clause key of either version: added, removed, changed or unchanged."""
    before = {c.key: (c.heading, c.text) for c in previous.clauses.all()}
    after = {c.key: (c.heading, c.text) for c in version.clauses.all()}
    kinds = {}
    for key in list(before) + [k for k in after if k not in before]:
        if key not in after:
            kinds[key] = ClauseChange.REMOVED
        elif key not in before:
            kinds[key] = ClauseChange.ADDED
        else:
            kinds[key] = ClauseChange.UNCHANGED if before[key] == after[key] else ClauseChange.CHANGED
    return kinds


@transaction.atomic
def publish_final_version(
    *, actor, version: GuidelineVersion, summary_of_changes: str, statements: dict[str, dict] | None = None
) -> GuidelineVersion:
    """Publish a draft as the final version that follows a consultation.

    `statements` maps a clause key to {"text": why it changed, "comments": [ids of comments that led to it]}.
    The previous final version, if any, becomes superseded.
    """
    _require_publisher(actor, version.guideline.organization)
    version = _locked_draft(version)
    consultation = version.based_on
    if consultation is None or consultation.status != GuidelineVersion.CONSULTATION or consultation.period is None:
        raise ValidationError("A final version follows a consultation: start it from the version that was consulted.")
    if not consultation.period.is_closed:
        raise ValidationError("Wait until the comment period has closed before publishing the final version.")
    if not version.clauses.exists():
        raise ValidationError("A final version needs at least one clause.")
    summary = _clean_text(summary_of_changes, field="summary_of_changes", label="The summary", max_length=5000)
    kinds = clause_kinds(consultation, version)
    statements = statements or {}
    unknown = sorted(set(statements) - set(kinds))
    if unknown:
        raise ValidationError({"statements": f"No clause {', '.join(unknown)} in either version."})
    linked = {int(pk) for s in statements.values() for pk in (s.get("comments") or [])}
    storable = [pk for pk in linked if 0 < pk < 2**63]  # a larger number is no comment, and would break the query
    found = set(consultation.comments.filter(pk__in=storable).values_list("pk", flat=True))
    if linked - found:
        missing = ", ".join(str(pk) for pk in sorted(linked - found))
        raise ValidationError({"statements": f"Comments {missing} were not made on version {consultation.number}."})
    for key, kind in kinds.items():
        statement = statements.get(key, {})
        text = _clean_text(
            statement.get("text", ""), field="statements", label=f"The statement for {key}", max_length=5000,
            required=False,
        )  # fmt: skip
        change = ClauseChange.objects.create(version=version, clause_key=key, kind=kind, statement=text)
        change.comments.set([int(pk) for pk in statement.get("comments") or []])
    for previous in version.guideline.versions.filter(status=GuidelineVersion.FINAL):
        previous.status = GuidelineVersion.SUPERSEDED
        previous.save(update_fields=["status"])
        append(kind="version.superseded", subject=previous.subject, payload={"by": version.number})
    version.status, version.published_at, version.summary_of_changes = GuidelineVersion.FINAL, timezone.now(), summary
    version.save(update_fields=["status", "published_at", "summary_of_changes"])
    append(
        kind="version.final_published",
        subject=version.subject,
        payload={
            "guideline": version.guideline.title,
            "after_consultation_on": consultation.number,
            "summary_of_changes": summary,
            "changes": kinds,
            "clauses": _frozen_text(version),
        },
    )
    enqueue("consultation.tasks.notify_final_published", version.pk)
    return version


# Following and notifications ----------------------------------------------------------------------------------------


@transaction.atomic
def follow_guideline(*, user, guideline: Guideline) -> Follow:
    _require_citizen(user)
    follow, _ = Follow.objects.get_or_create(user=user, guideline=guideline)
    return follow


@transaction.atomic
def unfollow_guideline(*, user, guideline: Guideline) -> None:
    Follow.objects.filter(user=user, guideline=guideline).delete()


def _mail_followers(guideline: Guideline, event: str, template: str, context: dict) -> int:
    sent = 0
    for follow in guideline.follows.select_related("user").filter(user__is_active=True).iterator():
        sent += send_once(
            key=f"{event}:user-{follow.user_id}",
            to=follow.user.email,
            template=template,
            context={**context, "user": follow.user},
        )
    return sent


def notify_period_opened(*, period: CommentPeriod) -> int:
    """Tell followers the period is open. Each email goes out once (SentNotice); the period then remembers it
    was announced, so the beat task stops picking it, and a crash half-way is finished by the next run."""
    if not period.is_open:
        return 0
    version = period.version
    sent = _mail_followers(
        version.guideline,
        f"period-opened:{period.pk}",
        "consultation/email/period_opened",
        {"version": version, "period": period},
    )
    CommentPeriod.objects.filter(pk=period.pk).update(opening_notice_sent_at=timezone.now())
    return sent


def send_closing_reminder(*, period: CommentPeriod) -> int:
    """Remind followers a few days before the period closes; once per closing time (again after an extension)."""
    if not period.is_open:
        return 0
    version = period.version
    sent = _mail_followers(
        version.guideline,
        f"period-closing:{period.pk}:{period.closes_at.isoformat()}",
        "consultation/email/period_closing",
        {"version": version, "period": period},
    )
    CommentPeriod.objects.filter(pk=period.pk).update(closing_reminder_for=period.closes_at)
    return sent


def send_consultation_notices() -> int:
    """What the beat task runs: opening notices and closing reminders that are due."""
    sent = 0
    for period in CommentPeriod.objects.awaiting_opening_notice().select_related("version__guideline__organization"):
        sent += notify_period_opened(period=period)
    for period in CommentPeriod.objects.awaiting_closing_reminder().select_related("version__guideline__organization"):
        sent += send_closing_reminder(period=period)
    return sent


def notify_final_published(*, version: GuidelineVersion) -> int:
    return _mail_followers(
        version.guideline, f"final:{version.pk}", "consultation/email/final_published", {"version": version}
    )


def notify_comment_answered(*, comment: Comment) -> int:
    return send_once(
        key=f"answered:comment-{comment.pk}",
        to=comment.author.email,
        template="consultation/email/comment_answered",
        context={"comment": comment, "response": comment.response, "user": comment.author},
    )


def notify_comment_hidden(*, comment: Comment) -> int:
    if not comment.is_hidden:
        return 0
    return send_once(
        key=f"hidden:comment-{comment.pk}:{comment.hidden_at.isoformat()}",
        to=comment.author.email,
        template="consultation/email/comment_hidden",
        context={"comment": comment, "user": comment.author},
    )


def notify_comment_restored(*, comment: Comment) -> int:
    if comment.is_hidden:
        return 0
    restores = Entry.objects.about(comment.subject).filter(kind="comment.restored").count()
    return send_once(
        key=f"restored:comment-{comment.pk}:{restores}",
        to=comment.author.email,
        template="consultation/email/comment_restored",
        context={"comment": comment, "user": comment.author},
    )
