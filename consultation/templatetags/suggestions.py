from django import template

register = template.Library()


@register.filter
def suggestions_on(counts: dict, clause) -> int:
    """How many suggestions a clause has, from a `selectors.suggestion_counts` result."""
    return counts.get(clause.pk, 0) if counts and clause else 0


@register.filter
def stance_on(stances: dict, suggestion) -> str:
    """The reader's stance on a suggestion, from a `selectors.stances_of` result: support, oppose or ""."""
    return stances.get(suggestion.pk, "") if stances else ""
