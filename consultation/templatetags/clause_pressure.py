from django import template

register = template.Library()


@register.filter
def pressure_of(pressure: dict, key: str):
    """The ClausePressure of clause `key` in a `clause_pressure` result, or None."""
    return pressure.get(key) if pressure else None


@register.filter
def flagged_only(pressure: dict) -> list:
    """(key, ClausePressure) of the flagged clauses of a `clause_pressure` result, in key order."""
    return sorted((key, p) for key, p in (pressure or {}).items() if p.flagged)


@register.filter
def pressure_answers(changes) -> list:
    """The statement-of-changes rows of a final version that answer a clause appeals had flagged."""
    return [change for change in changes if change.pressure_decided is not None]
