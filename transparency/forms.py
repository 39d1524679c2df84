from datetime import date

from core.forms import MonthsForm


class PeriodForm(MonthsForm):
    """`?from=2026-01&to=2026-03` or `?from=2026-Q1`: months or quarters, both ends included."""

    def months(self) -> tuple[date | None, date | None]:
        """The period asked for, or all time when the form was not valid (the page shows why)."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data["first"], self.cleaned_data["last"]
