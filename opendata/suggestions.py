"""The open data of suggested wording: every suggestion on a public version, with its decision. Its Dataset is
declared in opendata.datasets, which adds the organization, guideline and version fields before these."""

from collections.abc import Iterator

from consultation.models import GuidelineVersion, Suggestion
from consultation.selectors import decision_of
from opendata.shape import DATETIME, INTEGER, Field

CHUNK = 2000


def suggestion_rows(tree_size: int) -> Iterator[dict]:
    suggestions = (
        Suggestion.objects.filter(version__in=GuidelineVersion.objects.public())
        .select_related("version__guideline__organization", "clause", "author", "decision")
        .order_by("pk")
    )
    for suggestion in suggestions.iterator(chunk_size=CHUNK):
        guideline = suggestion.version.guideline
        decision = decision_of(suggestion)
        yield {
            "organization": guideline.organization.slug,
            "guideline": guideline.slug,
            "version": suggestion.version.number,
            "id": suggestion.pk,
            "created_at": suggestion.created_at.isoformat(),
            "clause": suggestion.clause.key,
            "kind": suggestion.kind,
            "text": suggestion.text,
            "reason": suggestion.reason,
            "author": suggestion.author.public_name,
            "supporters": suggestion.supporters,
            "opponents": suggestion.opponents,
            "cluster": suggestion.cluster_id,
            "outcome": decision.outcome if decision else None,
            "decision_reason": decision.reason if decision else None,
            "supporters_at_close": decision.supporters_at_close if decision else None,
            "opponents_at_close": decision.opponents_at_close if decision else None,
            "decided_at": decision.created_at.isoformat() if decision else None,
        }


SUGGESTION_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "The suggestion's number; its page is /guidelines/<organization>/<guideline>/v<version>/suggestions/<id>/.",
        INTEGER,
    ),
    Field("created_at", "When it was made (ISO 8601, UTC).", DATETIME),
    Field("clause", "The key of the clause it is about."),
    Field("kind", "replace (new wording for the clause), insert_after (a new clause after it) or delete."),
    Field("text", "The suggested wording, in Markdown; empty for a deletion."),
    Field("reason", "Why the citizen suggests it, in Markdown."),
    Field("author", "The author's display name."),
    Field("supporters", "How many people support it now.", INTEGER),
    Field("opponents", "How many people oppose it now.", INTEGER),
    Field(
        "cluster", "The first suggestion with the same or nearly the same text on the clause (itself if none).", INTEGER
    ),
    Field("outcome", "accepted, accepted_with_changes or declined; empty while undecided."),
    Field("decision_reason", "The organization's reason (may be empty for accepted)."),
    Field("supporters_at_close", "How many supported it when it was decided.", INTEGER),
    Field("opponents_at_close", "How many opposed it when it was decided.", INTEGER),
    Field("decided_at", "When it was decided (ISO 8601, UTC).", DATETIME),
)
