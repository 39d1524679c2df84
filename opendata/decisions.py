"""The decisions file: every decision on an appeal, with the clauses and earlier decisions it cites."""

from collections.abc import Iterator

from django.db.models import Prefetch

from appeals.models import CitedClause, Decision, DecisionCitation
from appeals.selectors import with_citation_counts
from opendata.shape import (
    DATETIME,
    GUIDELINE,
    INTEGER,
    OBJECT,
    OF_A_PUBLIC_VERSION,
    ORG,
    Dataset,
    Field,
    ForeignKey,
)

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


DATASETS = (
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
)
