"""The precedent graph as an edge list: one row per citation of an earlier decision by a later one."""

from collections.abc import Iterator

from appeals.models import DecisionCitation
from opendata.shape import BOOLEAN, INTEGER, Dataset, Field, ForeignKey

CHUNK = 2000


def citation_rows(tree_size: int) -> Iterator[dict]:
    citations = DecisionCitation.objects.select_related("citing__superseded_by").order_by("citing_id", "cited_id")
    for citation in citations.iterator(chunk_size=CHUNK):
        yield {
            "citing": citation.citing_id,
            "cited": citation.cited_id,
            "relation": citation.relation,
            "reason": citation.reason,
            "citing_in_force": getattr(citation.citing, "superseded_by", None) is None,
        }


DATASETS = (
    Dataset(
        name="decision_citations",
        title="Decision citations",
        description=(
            "The precedent graph: each time a decision cites an earlier one, whether it follows or distinguishes "
            "it, and why. Citations made before relations were recorded are follows, with the reason "
            '"(cited before relations were recorded)".'
        ),
        fields=(
            Field("citing", "The number of the decision that cites (see the decisions file).", INTEGER),
            Field("cited", "The number of the earlier decision it cites.", INTEGER),
            Field("relation", "follows or distinguishes."),
            Field("reason", "Why, as the reviewers wrote it; its SHA-256 is in the citing decision's entry."),
            Field(
                "citing_in_force",
                "Whether the citing decision stands (false once a correction replaced it, with its own citations).",
                BOOLEAN,
            ),
        ),
        rows=citation_rows,
        primary_key=("citing", "cited"),
        foreign_keys=(
            ForeignKey(("citing",), "decisions", ("id",)),
            ForeignKey(("cited",), "decisions", ("id",)),
        ),
    ),
)
