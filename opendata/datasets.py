"""What the open data files hold: each dataset's rows, and a description of every field for /data/.

Only what the public pages show goes in: an appeal's redacted excerpts and grounds once screened (never the
originals), the appellant's name only when they chose to show it, and hidden comments as tombstones.
"""

import json
from collections.abc import Iterator

from django.db.models import Prefetch

from appeals.models import Appeal, CitedClause, ContestedClause, Decision, DecisionCitation
from appeals.selectors import with_citation_counts
from consultation.exports import comment_row
from consultation.models import Clause, CloseOut, Comment, GuidelineVersion
from ledger.kinds import EntryKind
from ledger.models import Entry
from opendata import case_comments, dsa, opinions, precedent
from opendata.shape import (
    BOOLEAN,
    DATETIME,
    GUIDELINE,
    INTEGER,
    OBJECT,
    OF_A_PUBLIC_VERSION,
    ORG,
    VERSION,
    VERSION_KEY,
    Dataset,
    Field,
    ForeignKey,
)
from opendata.suggestions import SUGGESTION_FIELDS, suggestion_rows

# Rows read per database round trip: large enough to be quick, small enough that memory stays flat.
CHUNK = 2000


def _decision_rows(tree_size: int) -> Iterator[dict]:
    stored = (
        Decision.objects.select_related("appeal__guideline__organization", "appeal__version", "system", "superseded_by")
        .prefetch_related(
            Prefetch("cited_clauses", queryset=CitedClause.objects.order_by("key")),
            Prefetch("cites", queryset=DecisionCitation.objects.order_by("cited_id")),
        )
        .order_by("pk")
    )
    decisions = with_citation_counts(stored)
    for decision in decisions.iterator(chunk_size=CHUNK):
        appeal = decision.appeal
        superseded_by = getattr(decision, "superseded_by", None)
        yield {
            "id": decision.pk,
            "appeal": appeal.public_id,
            "organization": appeal.guideline.organization.slug,
            "guideline": appeal.guideline.slug,
            "version": appeal.version.number,
            "system": decision.system.slug,
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            "comments_considered": decision.comments_considered or None,
            "cited_clauses": [clause.key for clause in decision.cited_clauses.all()],
            "cited_decisions": [citation.cited_id for citation in decision.cites.all()],
            "cites": [
                {"decision": c.cited_id, "relation": c.relation, "reason": c.reason} for c in decision.cites.all()
            ],
            "followed_by": decision.precedent_counts()["follows"],
            "distinguished_by": decision.precedent_counts()["distinguishes"],
            "supersedes": decision.supersedes_id,
            "superseded_by": superseded_by.pk if superseded_by else None,
            "correction_note": decision.correction_note,
            "decided_at": decision.decided_at.isoformat(),
        }


def _appeal_rows(tree_size: int) -> Iterator[dict]:
    appeals = (
        Appeal.objects.select_related("appellant", "refusal__system", "guideline__organization", "version")
        .prefetch_related(Prefetch("contested_clauses", queryset=ContestedClause.objects.order_by("pk")))
        .order_by("pk")
    )
    for appeal in appeals.iterator(chunk_size=CHUNK):
        refusal, screened = appeal.refusal, appeal.is_screened
        yield {
            "id": appeal.public_id,
            "status": appeal.status,
            "filed_at": appeal.filed_at.isoformat(),
            "deadline": appeal.deadline.isoformat(),
            "closed_at": appeal.closed_at.isoformat() if appeal.closed_at else None,
            "appellant": appeal.appellant.public_name if appeal.show_name else None,
            "organization": appeal.guideline.organization.slug,
            "guideline": appeal.guideline.slug,
            "version": appeal.version.number,
            "system": refusal.system.slug,
            "contested_clauses": [clause.key for clause in appeal.contested_clauses.all()],
            "requested_outcome": appeal.requested_outcome,
            "significant": appeal.significant,
            "refused_at": refusal.happened_at.isoformat(),
            "verified_refusal": refusal.is_verified,
            "language": refusal.language,
            "prompt_excerpt": refusal.public_prompt_excerpt if screened else None,
            "refusal_excerpt": refusal.public_refusal_excerpt if screened else None,
            "grounds": appeal.public_grounds if screened else None,
            "inadmissible_reason": appeal.inadmissible_reason or None,
            "public_note": appeal.public_note if appeal.status == Appeal.INADMISSIBLE else None,
        }


def _comment_rows(tree_size: int) -> Iterator[dict]:
    comments = (
        Comment.objects.filter(version__in=GuidelineVersion.objects.public())
        .for_display()
        .select_related("version__guideline__organization")
        .order_by("pk")
    )
    for comment in comments.iterator(chunk_size=CHUNK):
        guideline = comment.version.guideline
        yield {
            "organization": guideline.organization.slug,
            "guideline": guideline.slug,
            "version": comment.version.number,
            **comment_row(comment),
        }


def _version_rows(tree_size: int) -> Iterator[dict]:
    versions = GuidelineVersion.objects.public().select_related("guideline__organization", "based_on")
    for version in versions.order_by("pk").iterator(chunk_size=CHUNK):
        guideline = version.guideline
        yield {
            "organization": guideline.organization.slug,
            "guideline": guideline.slug,
            "title": guideline.title,
            "version": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "based_on": version.based_on.number if version.based_on else None,
            "summary_of_changes": version.summary_of_changes,
        }


def _clause_rows(tree_size: int) -> Iterator[dict]:
    clauses = (
        Clause.objects.filter(version__in=GuidelineVersion.objects.public())
        .select_related("version__guideline__organization")
        .order_by("version_id", "position", "pk")
    )
    for clause in clauses.iterator(chunk_size=CHUNK):
        guideline = clause.version.guideline
        yield {
            "organization": guideline.organization.slug,
            "guideline": guideline.slug,
            "version": clause.version.number,
            "key": clause.key,
            "heading": clause.heading,
            "text": clause.text,
            "position": clause.position,
            "tags": list(clause.tags),
        }


def _closeout_rows(tree_size: int) -> Iterator[dict]:
    closeouts = CloseOut.objects.select_related("version__guideline__organization", "consulted").order_by("pk")
    for closeout in closeouts.iterator(chunk_size=CHUNK):
        version = closeout.version
        yield {
            "organization": version.guideline.organization.slug,
            "guideline": version.guideline.slug,
            "version": version.number,
            "consulted": closeout.consulted.number,
            "published_at": closeout.created_at.isoformat(),
            "document_sha256": closeout.document_sha256,
            "document": closeout.document,
        }


def _entry_rows(tree_size: int) -> Iterator[dict]:
    columns = ("seq", "at", "kind", "subject", "payload", "prev_hash", "hash")
    entries = Entry.objects.filter(seq__lte=tree_size).order_by("seq").values_list(*columns)
    for seq, at, kind, subject, payload, prev_hash, hash_ in entries.iterator(chunk_size=CHUNK):
        yield {
            "seq": seq,
            "at": at.isoformat(),
            "kind": kind,
            "subject": subject,
            "payload": json.loads(payload),
            "prev_hash": prev_hash,
            "hash": hash_,
        }


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="decisions",
        title="Decisions",
        description="Every decision on an appeal, including corrected ones (a correction is a new decision).",
        fields=(
            Field("id", "The decision's number; its page is the appeal's page, at #decision-<id>.", INTEGER),
            Field("appeal", "The public id of the appeal decided (see the appeals file)."),
            ORG,
            GUIDELINE,
            Field("version", "The number of the guideline version in force when the refusal happened.", INTEGER),
            Field("system", "The AI system's short name (slug) within its organization."),
            Field("outcome", "upheld, overturned or partially_overturned."),
            Field("rationale", "The reviewers' reasons, in Markdown."),
            Field("comments_considered", "How the public comments were considered, if the appeal had any."),
            Field("cited_clauses", "Keys of the clauses the decision relies on (a list; space-separated in CSV)."),
            Field("cited_decisions", "Numbers of earlier decisions it cites (a list; space-separated in CSV)."),
            Field(
                "cites",
                "The earlier decisions it cites, each {decision, relation (follows or distinguishes), reason}: a list "
                "(in CSV, as canonical JSON text). The decision_citations file has the same edges, one a row.",
                OBJECT,
            ),
            Field("followed_by", "How many later decisions in force follow it.", INTEGER),
            Field("distinguished_by", "How many later decisions in force distinguish it.", INTEGER),
            Field("supersedes", "The number of the decision this one corrects, or empty.", INTEGER),
            Field(
                "superseded_by", "The number of the decision that corrected this one, or empty if it stands.", INTEGER
            ),
            Field("correction_note", "Why the decision was corrected, for a correction; otherwise empty."),
            Field("decided_at", "When it was decided (ISO 8601, UTC).", DATETIME),
        ),
        rows=_decision_rows,
        primary_key=("id",),
        foreign_keys=(
            ForeignKey(("appeal",), "appeals", ("id",)),
            OF_A_PUBLIC_VERSION,
            ForeignKey(("supersedes",), "", ("id",)),
            ForeignKey(("superseded_by",), "", ("id",)),
        ),
    ),
    Dataset(
        name="appeals",
        title="Appeals",
        description=(
            "Every appeal against a refusal, with only what its public page shows: the excerpts and grounds "
            "after a moderator redacted personal data from them, never the originals."
        ),
        fields=(
            Field("id", "The appeal's public id; its page is /appeals/<id>/."),
            Field("status", "submitted, screening, inadmissible, awaiting_review, in_review, decided or withdrawn."),
            Field("filed_at", "When it was filed (ISO 8601, UTC).", DATETIME),
            Field("deadline", "When it should be decided by.", DATETIME),
            Field("closed_at", "When it was decided, declared inadmissible or withdrawn; empty while open.", DATETIME),
            Field("appellant", "The appellant's display name if they chose to show it; otherwise empty."),
            ORG,
            GUIDELINE,
            Field("version", "The number of the guideline version in force when the refusal happened.", INTEGER),
            Field("system", "The AI system's short name (slug) within its organization."),
            Field("contested_clauses", "Keys of the clauses the appeal contests (a list; space-separated in CSV)."),
            Field("requested_outcome", "overturned or partially_overturned: what the appellant asked for."),
            Field("significant", "true when a panel of three reviewers decides it.", BOOLEAN),
            Field("refused_at", "When the AI system refused (ISO 8601, UTC).", DATETIME),
            Field(
                "verified_refusal",
                "true when filed with a refusal receipt the system signed (a verified refusal); false when unverified.",
                BOOLEAN,
            ),
            Field("language", "The language of the conversation."),
            Field("prompt_excerpt", "What was asked, as redacted by a moderator; empty until screened."),
            Field("refusal_excerpt", "What the system answered, as redacted; empty until screened."),
            Field("grounds", "Why the appellant thinks the refusal was wrong, as redacted; empty until screened."),
            Field("inadmissible_reason", "Why it was declared inadmissible, if it was."),
            Field("public_note", "The moderators' public note on an inadmissible appeal."),
        ),
        rows=_appeal_rows,
        primary_key=("id",),
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="comments",
        title="Comments",
        description=(
            "Every comment on a public guideline version. A comment hidden by moderators is a tombstone: "
            "its status and public reason stay, its text and author never appear."
        ),
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field("id", "The comment's number.", INTEGER),
            Field("created_at", "When it was posted (ISO 8601, UTC).", DATETIME),
            Field("clause", "The key of the clause it is about; empty for a comment on the whole version."),
            Field("parent", "The number of the comment it replies to, or empty.", INTEGER),
            Field("status", "published or hidden."),
            Field("author", "The author's display name; empty for a hidden comment."),
            Field("on_behalf_of", "The organization the author speaks for, if any; empty for a hidden comment."),
            Field(
                "assurance",
                "Who was speaking, as checked when it was posted: verified_email, verified_member (of an organization "
                "that verified the domain of the author's address) or organization (its own voice); empty if hidden.",
            ),
            Field("assurance_organization", "The organization of a verified_member or organization comment, then."),
            Field(
                "disputed",
                "true while the account holder says they did not write it and a moderator has not decided.",
                BOOLEAN,
            ),
            Field("body", "The comment's text; for a hidden comment, only the tombstone saying why it was hidden."),
            Field("hidden_reason", "spam, abuse, personal_data, illegal or off_topic, for a hidden comment."),
            Field("endorsements", "How many people endorsed it.", INTEGER),
            Field("disposition", "The organization's answer: adopted, partially_adopted, not_adopted or noted."),
            Field("response", "The text of the organization's answer."),
            Field(
                "cluster",
                "Its cluster of near-identical comments: the number of the cluster's first comment (itself when it "
                "is distinct); empty until clustered, moments after posting.",
                INTEGER,
            ),
            Field("cluster_size", "How many comments its cluster held when this file was written.", INTEGER),
        ),
        rows=_comment_rows,
        primary_key=("id",),
        foreign_keys=(OF_A_PUBLIC_VERSION, ForeignKey(("parent",), "", ("id",))),
    ),
    Dataset(
        name="suggestions",
        title="Suggested wording",
        description=(
            "Every suggestion citizens made for a clause of a public guideline version (new wording, a new clause "
            "after it, or its deletion), with the stances on it and the organization's decision."
        ),
        fields=(ORG, GUIDELINE, VERSION, *SUGGESTION_FIELDS),
        rows=suggestion_rows,
        primary_key=("id",),
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="guideline-versions",
        title="Guideline versions",
        description=(
            "Every public version of every guideline (drafts are not public); their clauses are in the next file."
        ),
        fields=(
            ORG,
            GUIDELINE,
            Field("title", "The guideline's title."),
            VERSION,
            Field("status", "consultation, final or superseded."),
            Field("published_at", "When the version was made public (ISO 8601, UTC).", DATETIME),
            Field("based_on", "The number of the version it was drafted from, or empty.", INTEGER),
            Field("summary_of_changes", "The organization's summary of what changed, for a final version."),
        ),
        rows=_version_rows,
        primary_key=VERSION_KEY,
    ),
    Dataset(
        name="clauses",
        title="Clauses",
        description="Every clause of every public guideline version, in the order of the version.",
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field("key", "The clause's key, such as R-4.2; it keeps its meaning from one version to the next."),
            Field("heading", "The clause's heading."),
            Field("text", "The clause's text, in Markdown."),
            Field("position", "Its place in the version, from 0.", INTEGER),
            Field("tags", "Topics of the clause (a list; space-separated in CSV)."),
        ),
        rows=_clause_rows,
        primary_key=(*VERSION_KEY, "key"),
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="closeouts",
        title="Close-outs",
        description=(
            'The "you said, we did" report published with each final version: per clause, what the public said '
            "and what the organization did with it. Its hash is in the record's closeout.published entry."
        ),
        fields=(
            ORG,
            GUIDELINE,
            Field("version", "The number of the final version the report was published with.", INTEGER),
            Field("consulted", "The number of the version that was consulted.", INTEGER),
            Field("published_at", "When it was published (ISO 8601, UTC).", DATETIME),
            Field("document_sha256", "SHA-256 of the document's canonical JSON (keys sorted, no spaces, UTF-8)."),
            Field("document", "The report, as a JSON object (in CSV, as canonical JSON text); see /api/docs/.", OBJECT),
        ),
        rows=_closeout_rows,
        primary_key=VERSION_KEY,
        foreign_keys=(
            OF_A_PUBLIC_VERSION,
            ForeignKey(("organization", "guideline", "consulted"), "guideline-versions", VERSION_KEY),
        ),
    ),
    *dsa.DATASETS,
    *opinions.DATASETS,
    *case_comments.DATASETS,
    *precedent.DATASETS,
    Dataset(
        name="record",
        title="Public record",
        description=(
            "Every entry of the public record up to the checkpoint, oldest first, with the hashes that chain "
            "them: recompute them to check that nothing was rewritten."
        ),
        fields=(
            Field("seq", "The entry's number, from 1, without gaps.", INTEGER),
            Field("at", "When it was recorded (ISO 8601, UTC).", DATETIME),
            Field("kind", f"What happened: one of {', '.join(EntryKind)}."),
            Field("subject", "What it happened to, such as comment:42."),
            Field("payload", "The details, as a JSON object (in CSV, as canonical JSON text).", OBJECT),
            Field("prev_hash", "The hash of the entry before (64 zeros for the first)."),
            Field("hash", "SHA-256 of prev_hash followed by the canonical JSON of seq, at, kind, subject, payload."),
        ),
        rows=_entry_rows,
        primary_key=("seq",),
    ),
)
