"""The consultation's public texts and the entries that bind them (ledger.content), handed over in ready()."""

from collections.abc import Iterator
from typing import Any

from consultation.models import (
    Clause,
    CloseOut,
    Comment,
    GuidelineVersion,
    Response,
    Statement,
    Suggestion,
    SuggestionDecision,
)
from consultation.services.closeout import canonical_json
from ledger.content import Binding, BoundText, provide_bound_texts
from ledger.kinds import EntryKind

CHUNK = 2000


def _comments() -> Iterator[BoundText]:
    # A hidden comment serves only its tombstone, never the body: nothing of it to compare.
    for pk, body in Comment.objects.published().order_by("pk").values_list("pk", "body").iterator(CHUNK):
        yield BoundText(name=f"comment {pk}", subject=f"comment:{pk}", text=body)


def _tombstones() -> Iterator[BoundText]:
    # The tombstone names the reason (a code); the moderator's note is never served, so it is not bound.
    hidden = Comment.objects.filter(status=Comment.HIDDEN).order_by("pk").values_list("pk", "hidden_reason")
    for pk, reason in hidden.iterator(CHUNK):
        yield BoundText(name=f"the tombstone of comment {pk}", subject=f"comment:{pk}", text=reason)


def _answers() -> Iterator[BoundText]:
    for comment_id, text in Response.objects.order_by("pk").values_list("comment_id", "text").iterator(CHUNK):
        yield BoundText(name=f"the answer to comment {comment_id}", subject=f"comment:{comment_id}", text=text)


def _suggestions(field: str, label: str) -> Iterator[BoundText]:
    for pk, text in Suggestion.objects.order_by("pk").values_list("pk", field).iterator(CHUNK):
        yield BoundText(name=f"{label} of suggestion {pk}", subject=f"suggestion:{pk}", text=text)


def _suggestion_decisions() -> Iterator[BoundText]:
    rows = SuggestionDecision.objects.order_by("pk").values_list("suggestion_id", "reason")
    for suggestion_id, reason in rows.iterator(CHUNK):
        name = f"the decision on suggestion {suggestion_id}"
        yield BoundText(name=name, subject=f"suggestion:{suggestion_id}", text=reason)


def _statements() -> Iterator[BoundText]:
    # A rejected statement is never served; its hash stays on the record all the same.
    shown = Statement.objects.exclude(status=Statement.REJECTED).order_by("pk").values_list("pk", "text")
    for pk, text in shown.iterator(CHUNK):
        yield BoundText(name=f"statement {pk}", subject=f"statement:{pk}", text=text)


def _clauses() -> Iterator[BoundText]:
    clauses = Clause.objects.filter(version__in=GuidelineVersion.objects.public()).select_related(
        "version__guideline__organization"
    )
    for clause in clauses.order_by("version_id", "position", "pk").iterator(CHUNK):
        subject = clause.version.subject
        name = f"clause {clause.key} of {subject.removeprefix('version:')}"
        # The hashed form since the record began: heading, a newline, text (consultation.services.common.frozen_text).
        yield BoundText(name=name, subject=subject, text=f"{clause.heading}\n{clause.text}", key=clause.key)


def _clause_hash(payload: dict[str, Any], clause: BoundText) -> str | None:
    for frozen in payload.get("clauses") or []:
        if isinstance(frozen, dict) and frozen.get("key") == clause.key:
            return frozen.get("sha256")
    return None


def _summaries() -> Iterator[BoundText]:
    finals = GuidelineVersion.objects.filter(status__in=GuidelineVersion.FINAL_STATUSES)
    for version in finals.select_related("guideline__organization").order_by("pk").iterator(CHUNK):
        name = f"the summary of changes of {version.subject.removeprefix('version:')}"
        yield BoundText(name=name, subject=version.subject, text=version.summary_of_changes)


def _closeouts() -> Iterator[BoundText]:
    for closeout in CloseOut.objects.select_related("version__guideline__organization").order_by("pk"):
        version = closeout.version
        name = f"the close-out of {version.guideline.organization.slug}/{version.guideline.slug} v{version.number}"
        yield BoundText(name=name, subject=version.subject, text=canonical_json(closeout.document))


BINDINGS = (
    Binding("comments", (EntryKind.COMMENT_POSTED,), "body_sha256", _comments),
    Binding("tombstones", (EntryKind.COMMENT_HIDDEN,), "reason", _tombstones, plain=True),
    Binding("answers", (EntryKind.COMMENT_ANSWERED,), "text", _answers, plain=True),
    Binding("suggestions", (EntryKind.SUGGESTION_MADE,), "text_sha256", lambda: _suggestions("text", "the wording")),
    Binding(
        "suggestion reasons",
        (EntryKind.SUGGESTION_MADE,),
        "reason_sha256",
        lambda: _suggestions("reason", "the reason"),
    ),
    Binding("suggestion decisions", (EntryKind.SUGGESTION_DECIDED,), "reason", _suggestion_decisions, plain=True),
    Binding("statements", (EntryKind.STATEMENT_SUBMITTED,), "text_sha256", _statements),
    Binding(
        "clauses",
        (EntryKind.VERSION_FINAL_PUBLISHED, EntryKind.CONSULTATION_SCHEDULED),
        "clauses",
        _clauses,
        recorded=_clause_hash,
    ),
    Binding("summaries of changes", (EntryKind.VERSION_FINAL_PUBLISHED,), "summary_of_changes", _summaries, plain=True),
    Binding("close-outs", (EntryKind.CLOSEOUT_PUBLISHED,), "document_sha256", _closeouts),
)


def provide() -> None:
    for binding in BINDINGS:
        provide_bound_texts(binding)
