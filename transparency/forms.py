from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from core.forms import SiteForm
from core.periods import PERIOD_HELP, period_fields_clean


class PeriodForm(SiteForm):
    """`?from=2026-01&to=2026-03` or `?from=2026-Q1`: months or quarters, both ends included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.CharField(label="From", required=False, max_length=10, help_text=PERIOD_HELP)
        self.fields["to"] = forms.CharField(label="To", required=False, max_length=10, help_text=PERIOD_HELP)

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["first"], cleaned["last"] = period_fields_clean(cleaned)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
        return cleaned

    def months(self) -> tuple[date | None, date | None]:
        """The period asked for, or all time when the form was not valid (the page shows why)."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data["first"], self.cleaned_data["last"]
