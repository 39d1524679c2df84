from django import forms

from core.forms import ListFilterForm
from core.search import QUERY_ERRORS, QUERY_MAX
from finding.selectors import KIND_CHOICES


class SearchForm(ListFilterForm):
    """The search box of every page's header: the words, and on a kind's own page of results the kind and cursor."""

    no_such_page = "No such page of results."

    q = forms.CharField(
        label="Words to search for",
        max_length=QUERY_MAX,
        error_messages=QUERY_ERRORS,
    )
    kind = forms.ChoiceField(
        label="Only",
        required=False,
        choices=[("", "Everything"), *KIND_CHOICES],
        error_messages={"invalid_choice": "Choose what to search: consultations, clauses, comments or decisions."},
    )
