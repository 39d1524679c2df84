"""The consultation's public texts and the entries that bind them (ledger.content), handed over in ready()."""

from collections.abc import Iterator

from consultation.models import CloseOut, Comment, Response, Statement, Suggestion, SuggestionDecision
from consultation.services.closeout import canonical_json
from ledger.content import Binding, BoundText, provide_bound_texts
from ledger.kinds import EntryKind

CHUNK = 2000


def _comments() -> Iterator[BoundText]:
    # A hidden comment serves only its tombstone, never the body: nothing of it to compare.
    for pk, body in Comment.objects.published().order_by("pk").values_list("pk", "body").iterator(CHUNK):
        yield BoundText(name=f"comment {pk}", subject=f"comment:{pk}", text=body)


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


def _closeouts() -> Iterator[BoundText]:
    for closeout in CloseOut.objects.select_related("version__guideline__organization").order_by("pk"):
        version = closeout.version
        name = f"the close-out of {version.guideline.organization.slug}/{version.guideline.slug} v{version.number}"
        yield BoundText(name=name, subject=version.subject, text=canonical_json(closeout.document))


BINDINGS = (
    Binding("comments", (EntryKind.COMMENT_POSTED,), "body_sha256", _comments),
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
    Binding("close-outs", (EntryKind.CLOSEOUT_PUBLISHED,), "document_sha256", _closeouts),
)


def provide() -> None:
    for binding in BINDINGS:
        provide_bound_texts(binding)
