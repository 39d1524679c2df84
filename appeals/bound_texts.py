"""Appeals' public texts and the entries that bind them (ledger.content), handed over in ready()."""

from collections.abc import Iterator
from typing import Any

from django.db.models import F

from appeals.models import (
    Appeal,
    CaseComment,
    Decision,
    DecisionCitation,
    OrganizationResponse,
    Recommendation,
    RecommendationStep,
    Vote,
)
from ledger.content import Binding, BoundText, provide_bound_texts
from ledger.kinds import EntryKind

CHUNK = 2000


def _decisions() -> Iterator[BoundText]:
    rows = Decision.objects.order_by("pk").values_list("pk", "appeal__public_id", "rationale")
    for pk, public_id, rationale in rows.iterator(CHUNK):
        yield BoundText(name=f"decision {pk}", subject=f"appeal:{public_id}", text=rationale, key=pk)


def _dissents() -> Iterator[BoundText]:
    # The appeal page shows a dissenting vote's rationale; the majority's are the decision's rationale, bound above.
    dissents = Vote.objects.exclude(decision=None).exclude(outcome=F("decision__outcome")).order_by("pk")
    rows = dissents.values_list(
        "decision_id", "decision__appeal__public_id", "assignment__reviewer__handle", "rationale"
    )
    for decision_id, public_id, handle, rationale in rows.iterator(CHUNK):
        name = f"the dissent of reviewer {handle} on decision {decision_id}"
        yield BoundText(name=name, subject=f"appeal:{public_id}", text=rationale, key=decision_id, part=handle)


def _vote_hash(payload: dict[str, Any], dissent: BoundText) -> str | None:
    for vote in payload.get("votes") or []:
        if isinstance(vote, dict) and vote.get("reviewer") == dissent.part:
            return vote.get("rationale_sha256")
    return None


def _case_comments() -> Iterator[BoundText]:
    for pk, text in CaseComment.objects.order_by("pk").values_list("pk", "body").iterator(CHUNK):
        yield BoundText(name=f"case comment {pk}", subject=f"case-comment:{pk}", text=text)


def _comments_considered() -> Iterator[BoundText]:
    # Only decisions on appeals that had public comments carry the text, and their entries its hash.
    rows = Decision.objects.exclude(comments_considered="").order_by("pk")
    for pk, public_id, text in rows.values_list("pk", "appeal__public_id", "comments_considered").iterator(CHUNK):
        name = f"how decision {pk} considered the public comments"
        yield BoundText(name=name, subject=f"appeal:{public_id}", text=text, key=pk)


def _citation_reasons() -> Iterator[BoundText]:
    citations = DecisionCitation.objects.order_by("pk")
    rows = citations.values_list("citing_id", "citing__appeal__public_id", "cited_id", "reason")
    for citing_id, public_id, cited_id, reason in rows.iterator(CHUNK):
        name = f"the reason decision {citing_id} gives for citing decision {cited_id}"
        yield BoundText(name=name, subject=f"appeal:{public_id}", text=reason, key=citing_id, part=cited_id)


def _citation_hash(payload: dict[str, Any], citation: BoundText) -> str | None:
    # Citations migrated from before relations were recorded have no hash on the record: they count as unbound.
    for cited in payload.get("cited_decisions") or []:
        if isinstance(cited, dict) and cited.get("decision") == citation.part:
            return cited.get("reason_sha256")
    return None


def _responses() -> Iterator[BoundText]:
    rows = OrganizationResponse.objects.order_by("pk").values_list("pk", "decision__appeal__public_id", "text")
    for pk, public_id, text in rows.iterator(CHUNK):
        yield BoundText(name=f"response {pk}", subject=f"appeal:{public_id}", text=text, key=pk)


def _inadmissible(field: str, label: str) -> Iterator[BoundText]:
    rows = Appeal.objects.filter(status=Appeal.INADMISSIBLE).order_by("pk").values_list("public_id", field)
    for public_id, text in rows.iterator(CHUNK):
        yield BoundText(name=f"the {label} of appeal {public_id}", subject=f"appeal:{public_id}", text=text)


def _excerpts(field: str, label: str) -> Iterator[BoundText]:
    # Only a screened appeal shows them; before, the public sees none of its words.
    screened = Appeal.objects.filter(status__in=Appeal.SCREENED_STATUSES).order_by("pk")
    for public_id, text in screened.values_list("public_id", field).iterator(CHUNK):
        yield BoundText(name=f"the {label} of appeal {public_id}", subject=f"appeal:{public_id}", text=text)


def _recommendations() -> Iterator[BoundText]:
    for public_id, text in Recommendation.objects.order_by("pk").values_list("public_id", "text").iterator(CHUNK):
        yield BoundText(name=f"recommendation {public_id}", subject=f"recommendation:{public_id}", text=text)


def _recommendation_steps() -> Iterator[BoundText]:
    # The made step's note is the recommendation's text, bound above; the page shows the notes of the others.
    steps = RecommendationStep.objects.exclude(kind=RecommendationStep.MADE).order_by("pk")
    for pk, public_id, note in steps.values_list("pk", "recommendation__public_id", "note").iterator(CHUNK):
        name = f"the note of step {pk} of recommendation {public_id}"
        yield BoundText(name=name, subject=f"recommendation:{public_id}", text=note, key=pk)


_ANSWERED_BY = tuple(kind for kind in EntryKind if kind.topic == "recommendation" and kind.step != "made")


# Filing binds the automatically redacted texts; a moderator's redaction, the latest entry, binds its own.
_REDACTED_BY = (EntryKind.APPEAL_FILED, EntryKind.APPEAL_REDACTED)


BINDINGS = (
    Binding(
        "decisions",
        (EntryKind.APPEAL_DECIDED, EntryKind.APPEAL_CORRECTED),
        "rationale_sha256",
        _decisions,
        key_field="decision",
    ),
    # The appeal page shows "Declared inadmissible: <reason>. <public note>"; the reason is a code, carried as is.
    Binding(
        "inadmissibility reasons",
        (EntryKind.APPEAL_INADMISSIBLE,),
        "reason",
        lambda: _inadmissible("inadmissible_reason", "inadmissibility reason"),
        plain=True,
    ),
    Binding(
        "inadmissibility notes",
        (EntryKind.APPEAL_INADMISSIBLE,),
        "public_note_sha256",
        lambda: _inadmissible("public_note", "public note"),
    ),
    Binding(
        "prompt excerpts",
        _REDACTED_BY,
        "prompt_excerpt_sha256",
        lambda: _excerpts("refusal__public_prompt_excerpt", "prompt excerpt"),
    ),
    Binding(
        "refusal excerpts",
        _REDACTED_BY,
        "refusal_excerpt_sha256",
        lambda: _excerpts("refusal__public_refusal_excerpt", "refusal excerpt"),
    ),
    Binding("public grounds", _REDACTED_BY, "grounds_sha256", lambda: _excerpts("public_grounds", "grounds")),
    Binding("recommendations", (EntryKind.RECOMMENDATION_MADE,), "note", _recommendations, plain=True),
    Binding("recommendation notes", _ANSWERED_BY, "note", _recommendation_steps, key_field="step", plain=True),
    Binding("dissents", (EntryKind.APPEAL_DECIDED,), "votes", _dissents, key_field="decision", recorded=_vote_hash),
    Binding(
        "citation reasons",
        (EntryKind.APPEAL_DECIDED, EntryKind.APPEAL_CORRECTED),
        "cited_decisions",
        _citation_reasons,
        key_field="decision",
        recorded=_citation_hash,
    ),
    Binding("responses", (EntryKind.APPEAL_RESPONDED,), "text_sha256", _responses, key_field="response"),
    Binding("case comments", (EntryKind.CASE_COMMENT_POSTED,), "body_sha256", _case_comments),
    Binding(
        "comments considered",
        (EntryKind.APPEAL_DECIDED, EntryKind.APPEAL_CORRECTED),
        "comments_considered_sha256",
        _comments_considered,
        key_field="decision",
    ),
)


def provide() -> None:
    for binding in BINDINGS:
        provide_bound_texts(binding)
