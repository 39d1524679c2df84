"""The decisions as DSA statements of reasons (appeals.dsa): the same rows as GET /api/v1/decisions/dsa-sor/, in
the nightly files beside the decisions file."""

from collections.abc import Iterator

from django.conf import settings

from appeals import dsa, selectors
from opendata.shape import BOOLEAN, Dataset, Field, ForeignKey

CHUNK = 2000
_LIST = " (a list; space-separated in CSV)"


def statement_rows(tree_size: int) -> Iterator[dict]:
    decisions = selectors.public_decisions().select_related("appeal__refusal").order_by("pk")
    for decision in decisions.iterator(chunk_size=CHUNK):
        yield dsa.statement_of_decision(decision, url=f"{settings.SITE_URL}{decision.get_absolute_url()}")


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="dsa-statements-of-reasons",
        title="Decisions as DSA statements of reasons",
        description=(
            "Every decision on an appeal in the DSA Transparency Database's statement-of-reasons schema, with our "
            "fields after its own; docs/reference/dsa-statements-of-reasons.md maps each field and its constants."
        ),
        fields=(
            Field("puid", "decision-<id>: the decision's number in the decisions file."),
            Field("decision_visibility", "Always DECISION_VISIBILITY_OTHER (a refused answer)" + _LIST),
            Field("decision_ground", f"Always {dsa.INCOMPATIBLE}: a refusal applies the organization's guideline."),
            Field("content_type", "Always CONTENT_TYPE_TEXT" + _LIST),
            Field("category", "Always STATEMENT_CATEGORY_OTHER_VIOLATION_TC."),
            Field("source_type", "Always SOURCE_VOLUNTARY: the system refused on its own initiative."),
            Field("automated_detection", "Always Yes: an AI system refused."),
            Field("automated_decision", "Always AUTOMATED_DECISION_NOT_AUTOMATED: people decided the appeal."),
            Field("territorial_scope", "Always empty: appeals here are not tied to a territory" + _LIST),
            Field("decision_visibility_other", "What was refused and what the appeal decided."),
            Field("incompatible_content_ground", "The keys of the clauses the decision cites, comma-separated."),
            Field("incompatible_content_explanation", "The clauses cited, in a sentence."),
            Field("incompatible_content_illegal", "Always No."),
            Field("decision_facts", "The reviewers' rationale, in Markdown (at most 5,000 characters)."),
            Field("content_date", "The day the AI system refused (YYYY-MM-DD)."),
            Field("application_date", "The day of the decision (YYYY-MM-DD)."),
            Field("platform_name", "The organization's name."),
            Field("decision_ground_reference_url", "The decision on this site."),
            Field(dsa.AI_SYSTEM, "Ours: the AI system's short name (slug) within its organization."),
            Field("organization", "Ours: the organization's short name (slug)."),
            Field("appeal", "Ours: the public id of the appeal decided."),
            Field("outcome", "Ours: upheld, overturned or partially_overturned."),
            Field("superseded", "Ours: true when a correction replaced this decision.", BOOLEAN),
            Field("supersedes", "Ours: the puid of the decision this one corrects, or empty."),
        ),
        rows=statement_rows,
        primary_key=("puid",),
        foreign_keys=(ForeignKey(("appeal",), "appeals", ("id",)),),
    ),
)
