"""The record's vocabulary: every kind of entry, declared once with the payload fields it carries.

Services and bulk loaders write members of `EntryKind`, the statistics fold and open data read them, and
`ledger.services.append` refuses a kind or a payload that is not declared here, so a new event that forgot a field
fails in a test instead of counting wrong in the statistics. Pure Python, standard library only, because
tools/verify_record.py imports it outside Django to name an entry of a kind no code writes.

Kinds and fields are only ever added: a kind's string and its payload are hashed into the record, so renaming one
would leave every stored entry under a kind nobody reads. A payload may carry more than its declared fields
(an audit read names the attachment when there is one); the declared ones are always there.
"""

from enum import StrEnum
from typing import Any

_APPEAL = ("public_id", "status")
_REVIEWER = (*_APPEAL, "reviewer")
_RECOMMENDATION = (
    "public_id",
    "decision",
    "organization",
    "state",
    "respond_by",
    "note",
    "implemented_on",
    "evidence_url",
    "step",
)


class UnknownKind(ValueError):
    """A kind the record does not declare."""


class IncompletePayload(ValueError):
    """A payload without every field its kind declares."""


class EntryKind(StrEnum):
    fields: frozenset[str]

    def __new__(cls, value: str, *fields: str) -> "EntryKind":
        member = str.__new__(cls, value)
        member._value_ = value
        member.fields = frozenset(fields)
        return member

    @property
    def topic(self) -> str:
        """What the entry is about: "appeal" for appeal.decided."""
        return self.partition(".")[0]

    @property
    def step(self) -> str:
        """What happened, as the topic's own timeline names it: "decided" for appeal.decided (AppealEvent.kind)."""
        return self.partition(".")[2]

    # A guideline version's consultation and publication.
    CONSULTATION_SCHEDULED = "consultation.scheduled", "guideline", "opens_at", "closes_at", "clauses"
    CONSULTATION_EXTENDED = "consultation.extended", "previous_closes_at", "closes_at", "reason"
    VERSION_FINAL_PUBLISHED = (
        "version.final_published",
        "guideline", "after_consultation_on", "summary_of_changes", "changes", "clause_pressure", "clauses",
    )  # fmt: skip  # the kind, then its payload fields on one line, as every member reads
    VERSION_SUPERSEDED = "version.superseded", "by"

    # Comments.
    COMMENT_POSTED = "comment.posted", "version", "clause", "parent", "author", "on_behalf_of", "body_sha256"
    COMMENT_ENDORSED = "comment.endorsed", "by"
    COMMENT_HIDDEN = "comment.hidden", "reason"
    COMMENT_RESTORED = "comment.restored"
    COMMENT_ANSWERED = "comment.answered", "disposition", "text"

    # The public's wording for a clause, and the publisher's decision on it.
    SUGGESTION_MADE = "suggestion.made", "version", "clause", "kind", "author", "text_sha256", "reason_sha256"
    SUGGESTION_DECIDED = "suggestion.decided", "outcome", "reason", "supporters", "opponents"

    # Statements for opinion groups (Pol.is), and their moderation. A submitted statement's text enters the record
    # only once it is shown (a publisher's at once), so a rejected one stays out of it, bound by its hash.
    STATEMENT_SUBMITTED = "statement.submitted", "version", "clause", "author", "text_sha256", "status"
    STATEMENT_SHOWN = "statement.shown", "by", "text"
    STATEMENT_REJECTED = "statement.rejected", "reason"

    # Who is speaking: an organization's proved email domain, and "I did not write this" on a comment, suggestion
    # or statement (the entry's subject), opened by the account holder and upheld or rejected by a moderator.
    DOMAIN_VERIFIED = "domain.verified", "organization", "domain"
    DISPUTE_OPENED = "dispute.opened", "dispute"
    DISPUTE_UPHELD = "dispute.upheld", "dispute", "account_suspended"
    DISPUTE_REJECTED = "dispute.rejected", "dispute", "note"

    # The "you said, we did" report published with a final version.
    CLOSEOUT_PUBLISHED = "closeout.published", "version", "consulted", "document_sha256"

    # An appeal's steps, the same as its public timeline (AppealEvent.kind is the part after "appeal.").
    APPEAL_FILED = "appeal.filed", *_APPEAL, "organization", "system", "guideline", "version", "clauses", "deadline"
    APPEAL_WITHDRAWN = "appeal.withdrawn", *_APPEAL
    APPEAL_SCREENING = "appeal.screening", *_APPEAL
    APPEAL_REDACTED = "appeal.redacted", *_APPEAL, "prompt_excerpt_sha256", "refusal_excerpt_sha256", "grounds_sha256"
    APPEAL_ADMITTED = "appeal.admitted", *_APPEAL, "significant"
    APPEAL_INADMISSIBLE = "appeal.inadmissible", *_APPEAL, "reason", "public_note_sha256"
    APPEAL_OFFERED = "appeal.offered", *_REVIEWER
    APPEAL_ACCEPTED = "appeal.accepted", *_REVIEWER
    APPEAL_DECLINED = "appeal.declined", *_REVIEWER
    APPEAL_EXPIRED = "appeal.expired", *_REVIEWER
    APPEAL_IN_REVIEW = "appeal.in_review", *_APPEAL
    APPEAL_REASSIGNED = "appeal.reassigned", *_APPEAL
    APPEAL_OVERDUE = "appeal.overdue", *_APPEAL
    APPEAL_VOTED = "appeal.voted", *_REVIEWER
    # A decision's rationale and an organization's response are bound by their hash (docs/reference/record-format.md).
    APPEAL_DECIDED = (
        "appeal.decided",
        *_APPEAL, "decision", "outcome", "cited_clauses", "votes", "recommendations", "rationale_sha256",
        "cited_decisions",
    )  # fmt: skip
    APPEAL_CORRECTED = (
        "appeal.corrected", *_APPEAL, "decision", "supersedes", "outcome", "cited_clauses", "rationale_sha256",
        "cited_decisions",
    )  # fmt: skip
    APPEAL_RESPONDED = "appeal.responded", *_APPEAL, "decision", "kind", "response", "text_sha256"
    # Public comments on a selected appeal: its public summary (the redacted texts, by hash, and the contested
    # clauses) is published with the window; each extension moves the end later, never earlier.
    APPEAL_OPENED_FOR_COMMENT = (
        "appeal.opened_for_comment",
        *_APPEAL, "criteria", "reason", "opens_at", "closes_at", "clauses",
        "prompt_excerpt_sha256", "refusal_excerpt_sha256", "grounds_sha256",
    )  # fmt: skip
    APPEAL_COMMENT_WINDOW_EXTENDED = (
        "appeal.comment_window_extended", *_APPEAL, "previous_closes_at", "closes_at", "reason",
    )  # fmt: skip

    # Comments on an appeal open for comment (subject case-comment:<id>), and their moderation.
    CASE_COMMENT_POSTED = "case_comment.posted", "appeal", "author", "on_behalf_of", "body_sha256"
    CASE_COMMENT_HIDDEN = "case_comment.hidden", "appeal", "reason"
    # A batch of refusal statements an organization reported through its API: how many, the SHA-256 of the batch's
    # canonical JSON, and the counts per system, guideline, clause, topics and month the statistics fold.
    REFUSALS_REPORTED = "refusals.reported", "organization", "count", "batch_sha256", "counts"

    # A panel's recommendations and the organization's answers (RecommendationStep.kind after "recommendation.").
    RECOMMENDATION_MADE = "recommendation.made", *_RECOMMENDATION
    RECOMMENDATION_ACCEPTED = "recommendation.accepted", *_RECOMMENDATION
    RECOMMENDATION_PARTLY_ACCEPTED = "recommendation.partly_accepted", *_RECOMMENDATION
    RECOMMENDATION_DECLINED = "recommendation.declined", *_RECOMMENDATION
    RECOMMENDATION_ALREADY_DONE = "recommendation.already_done", *_RECOMMENDATION
    RECOMMENDATION_IN_PROGRESS = "recommendation.in_progress", *_RECOMMENDATION
    RECOMMENDATION_IMPLEMENTED = "recommendation.implemented", *_RECOMMENDATION
    RECOMMENDATION_OVERDUE = "recommendation.overdue", *_RECOMMENDATION

    # The keys an AI system signs refusal receipts with (appeals.services.system_keys): the public key itself, so
    # a receipt can be checked from the record alone, and its RFC 7638 thumbprint; a retirement gives its end.
    SYSTEM_KEY_ADDED = (
        "system.key_added", "organization", "system", "kid", "public_key", "thumbprint", "valid_from", "valid_until",
    )  # fmt: skip
    SYSTEM_KEY_RETIRED = "system.key_retired", "organization", "system", "kid", "thumbprint", "valid_until", "reason"

    # Audits of non-public appeal data.
    AUDIT_DECLARED = "audit.declared", "audit", "auditor", "title", "organizations", "period_from", "period_to"
    AUDIT_READ = "audit.read", "audit", "auditor", "appeal", "data"
    AUDIT_CLOSED = "audit.closed", "audit", "auditor", "note"
    AUDIT_REPORT_PUBLISHED = "audit.report_published", "audit", "report", "auditor", "text_sha256", "pdf_sha256"
    AUDIT_RESPONDED = "audit.responded", "audit", "response", "organization", "text_sha256"

    # Not an event: manage.py seed_scale (and bench/) grows a record to a size with these, numbered.
    SCALE_FILLER = "scale.filler", "n"

    @classmethod
    def of(cls, topic: str, step: str) -> "EntryKind":
        """The kind recording `step` of a `topic`, where a model's own timeline names its steps (a recommendation's
        answer is one of its states); UnknownKind when the record has no such kind."""
        return checked_kind(f"{topic}.{step}")


# The entries whose receipts pages offer and mail sends (ledger.receipts): what a person submits, and decisions.
SUBMITTED_KINDS = frozenset(
    {EntryKind.COMMENT_POSTED, EntryKind.SUGGESTION_MADE, EntryKind.STATEMENT_SUBMITTED, EntryKind.APPEAL_FILED}
)
DECIDED_KINDS = frozenset({EntryKind.APPEAL_DECIDED, EntryKind.APPEAL_CORRECTED})
RECEIPT_KINDS = SUBMITTED_KINDS | DECIDED_KINDS


def checked_kind(kind: str) -> EntryKind:
    try:
        return EntryKind(kind)
    except ValueError:
        raise UnknownKind(f"{kind!r} is not a kind of entry the record declares (ledger.kinds.EntryKind).") from None


def check_payload(kind: str, payload: dict[str, Any]) -> EntryKind:
    """`kind` as declared, once `payload` has each of its fields: a set difference, cheap enough for every append."""
    kind = checked_kind(kind)
    if missing := kind.fields - payload.keys():
        raise IncompletePayload(f"An entry of kind {kind} needs the payload fields {', '.join(sorted(missing))}.")
    return kind
