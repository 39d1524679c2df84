"""Months and quarters as people write them in a URL (`2026-03`, `2026-Q1`), for the time filters of statistics and
the lists their figures link to. One parser, so a figure and the list it links to always cover the same days."""

import re
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

PERIOD_HELP = "Use a month such as 2026-03 or a quarter such as 2026-Q1."
# Years 1000 to 2999 in ASCII digits: a year 0 or a month after 9999-12 has no first day (Python's dates end there).
_YEAR = "([12][0-9]{3})"
_MONTH = re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(rf"^{_YEAR}-Q([1-4])$")
# What a `from` or `to` of the API may be, for its schema: empty (no bound), a month or a quarter.
PERIOD_SCHEMA = {"type": "string", "maxLength": 10, "pattern": rf"^({_YEAR}-(0[1-9]|1[0-2]|[Qq][1-4]))?$"}


def parse_period(value: str, *, end: bool = False) -> date:
    """The first month of the period (or its last month with `end`), as the first day of that month."""
    value = value.strip()
    if match := _MONTH.match(value):
        return date(int(match[1]), int(match[2]), 1)
    if match := _QUARTER.match(value.upper()):
        first = (int(match[2]) - 1) * 3 + 1
        return date(int(match[1]), first + 2 if end else first, 1)
    raise ValidationError(f"'{value[:20]}' is not a month or a quarter. {PERIOD_HELP}", code="period")


def month_of(moment: datetime) -> date:
    """The month a moment falls in, in the site's time zone (as the lists filter)."""
    return timezone.localtime(moment).date().replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())


def quarter_months(year: int, quarter: int) -> tuple[date, date]:
    first = (quarter - 1) * 3 + 1
    return date(year, first, 1), date(year, first + 2, 1)


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def quarter_label(month: date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def period_fields_clean(
    cleaned: dict[str, Any], *, from_field: str = "from", to_field: str = "to"
) -> tuple[date | None, date | None]:
    """Check a form's `from` and `to` (raw strings) and return the first and last months; raises with field errors."""
    errors, first, last = {}, None, None
    if raw := cleaned.get(from_field):
        try:
            first = parse_period(raw)
        except ValidationError as error:
            errors[from_field] = error.messages
    if raw := cleaned.get(to_field):
        try:
            last = parse_period(raw, end=True)
        except ValidationError as error:
            errors[to_field] = error.messages
    if first and last and first > last:
        errors[to_field] = ["The end of the period comes before its start."]
    if errors:
        raise ValidationError(errors)
    return first, last


def within_months(field: str, first: date | None, last: date | None) -> Q:
    """The rows whose DateTimeField `field` falls in the months first..last (both included; either may be open)."""
    bounds = Q()
    if first:
        bounds &= Q(**{f"{field}__gte": month_start(first)})
    if last:
        bounds &= Q(**{f"{field}__lt": month_start(next_month(last))})
    return bounds
