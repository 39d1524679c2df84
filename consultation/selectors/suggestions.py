"""Suggested wording as the pages, the API and the close-out read it, each in a constant number of queries."""

from collections import defaultdict

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, QuerySet

from consultation.models import Clause, GuidelineVersion, Suggestion, SuggestionDecision, SuggestionStance


def suggestions_for_display(version: GuidelineVersion) -> QuerySet[Suggestion]:
    """A version's suggestions with what a list shows of each (clause, author, decision), in one query."""
    return version.suggestions.select_related("clause", "author", "decision")


def decision_of(suggestion: Suggestion) -> SuggestionDecision | None:
    """Its decision, or None while undecided (select_related("decision") makes this free)."""
    try:
        return suggestion.decision
    except ObjectDoesNotExist:
        return None


def suggestion_counts(version: GuidelineVersion) -> dict[int, int]:
    """How many suggestions each clause of the version has, by clause id: one query for the whole page."""
    rows = version.suggestions.order_by().values("clause_id").annotate(n=Count("pk")).values_list("clause_id", "n")
    return dict(rows)


def stances_of(user, suggestions: list[Suggestion]) -> dict[int, str]:
    """The person's stance on each of these suggestions, by suggestion id (none: absent)."""
    if not user.is_authenticated or not suggestions:
        return {}
    rows = SuggestionStance.objects.filter(user=user, suggestion__in=suggestions).values_list("suggestion_id", "stance")
    return dict(rows)


def undecided_suggestions(version: GuidelineVersion) -> QuerySet[Suggestion]:
    """What the publisher still has to decide, clause by clause, the most supported first."""
    return (
        version.suggestions.undecided()
        .select_related("clause", "author")
        .order_by("clause__position", "-supporters", "pk")
    )


def adopted_suggestions(version: GuidelineVersion) -> QuerySet[Suggestion]:
    """Suggestions on the version accepted as they were or with changes: the most supported first on each clause."""
    return (
        version.suggestions.filter(decision__outcome__in=SuggestionDecision.ADOPTING)
        .select_related("clause", "decision")
        .order_by("clause__position", "-supporters", "pk")
    )


def suggestions_behind(older: GuidelineVersion, newer: GuidelineVersion) -> dict[str, list[Suggestion]]:
    """Per clause key, the suggestions a change from `older` to `newer` came from: for a clause of `newer`, the
    suggestions its draft was started from (Clause.from_suggestions); for a clause `newer` no longer has, the
    accepted deletions of it made on `older`. Two queries."""
    behind: dict[str, list[Suggestion]] = defaultdict(list)
    clauses = newer.clauses.prefetch_related(
        Prefetch(
            "from_suggestions",
            queryset=Suggestion.objects.select_related("version__guideline__organization", "author").order_by("pk"),
        )
    )
    kept = set()
    for clause in clauses:
        kept.add(clause.key)
        behind[clause.key].extend(clause.from_suggestions.all())
    removed = set(older.clauses.values_list("key", flat=True)) - kept
    if removed:
        deletions = (
            adopted_suggestions(older)
            .filter(kind=Suggestion.DELETE, clause__key__in=removed)
            .select_related("version__guideline__organization", "author")
            .order_by("pk")
        )
        for suggestion in deletions:
            behind[suggestion.clause.key].append(suggestion)
    return {key: found for key, found in behind.items() if found}


def unapplied_adopted(draft: GuidelineVersion) -> list[Suggestion]:
    """Accepted suggestions on the version a draft follows that the draft's text does not carry: the conflicts the
    publisher still has to settle by hand."""
    consulted = draft.based_on
    if consulted is None:
        return []
    applied = set(
        Clause.from_suggestions.through.objects.filter(clause__version=draft).values_list("suggestion_id", flat=True)
    )
    keys = set(draft.clauses.values_list("key", flat=True))
    return [
        suggestion
        for suggestion in adopted_suggestions(consulted)
        if suggestion.pk not in applied
        and not (suggestion.kind == Suggestion.DELETE and suggestion.clause.key not in keys)
    ]
