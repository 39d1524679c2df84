"""Keeping the decision search index current: written with each decision, rewritten when public text changes."""

from appeals.models import Appeal, Decision, DecisionSearch
from consultation.models import Clause


def index_decisions(*, appeal: Appeal) -> None:
    """(Re)write the search document of every decision on `appeal`, from what the public sees of it."""
    decisions = Decision.objects.filter(appeal=appeal).select_related("organization", "system")
    decisions = decisions.prefetch_related("cited_clauses")
    contested = list(appeal.contested_clauses.values_list("key", flat=True))
    headings = dict(Clause.objects.filter(version=appeal.version_id).values_list("key", "heading"))
    refusal = appeal.refusal
    for decision in decisions:
        keys = list(dict.fromkeys([*contested, *(c.key for c in decision.cited_clauses.all())]))
        clauses = [f"{key} {headings.get(key, '')}" for key in keys]
        document = search_document(
            appeal,
            decision,
            organization=decision.organization,
            system=decision.system,
            refusal=refusal,
            clauses=clauses,
        )
        DecisionSearch.objects.update_or_create(
            decision=decision, defaults={"document": document, "clauses": "\n".join(clauses)}
        )


def search_document(appeal: Appeal, decision: Decision, *, organization, system, refusal, clauses: list[str]) -> str:
    """What a decision is found by: its public text, its organization and system, and its clauses' keys and
    headings (which bulk loaders write the same way, demo.scale_appeals)."""
    return "\n".join(
        [
            appeal.public_id,
            decision.get_outcome_display(),
            decision.rationale,
            organization.name,
            system.name,
            appeal.guideline.title,
            refusal.public_prompt_excerpt,
            refusal.public_refusal_excerpt,
            *clauses,
        ]
    )
