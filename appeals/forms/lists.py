"""The filters of the public lists: decisions, appeals and recommendations."""

from typing import cast

from django import forms
from django.db.models import QuerySet

from appeals import selectors
from appeals.models import (
    CLAUSE_KEY_MAX,
    AISystem,
    Appeal,
    Decision,
    Recommendation,
)
from appeals.selectors import OVERTURNED_ANY
from consultation.models import TAG_LENGTH, Guideline
from core.forms import ListFilterForm
from core.search import QUERY_ERRORS, QUERY_MAX


class RecommendationFilterForm(ListFilterForm):
    """The organization page's list of recommendations: one view of the tracker, newest first, a page at a time."""

    no_such_page = "No such page of recommendations."

    state = forms.ChoiceField(
        label="Show", required=False, choices=[("", "All recommendations"), *Recommendation.VIEW_CHOICES]
    )

    def filter(self, recommendations, *, now):
        """The rows of the chosen view, older than the page's cursor; none when the choice is not valid."""
        if self.is_bound and not self.is_valid():
            return recommendations.none()
        cleaned = self.cleaned_data if self.is_bound else {}
        if cleaned.get("state"):
            recommendations = recommendations.in_view(cleaned["state"], now)
        return recommendations.filter(pk__lt=cleaned["before"]) if cleaned.get("before") else recommendations


class DecisionSearchForm(ListFilterForm):
    no_such_page = "No such page of decisions."
    period_label = "Decided"

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=QUERY_MAX,
        error_messages={"max_length": QUERY_ERRORS["max_length"]},
    )
    organization = forms.ChoiceField(label="Organization", required=False)
    guideline = forms.ChoiceField(label="Guideline", required=False)
    system = forms.ChoiceField(label="System", required=False)
    clause = forms.CharField(label="Clause key", required=False, max_length=CLAUSE_KEY_MAX)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any"), *Decision.OUTCOME_CHOICES, (OVERTURNED_ANY, "Overturned fully or partly")],
    )
    topic = forms.CharField(label="Topic of a cited clause", required=False, max_length=TAG_LENGTH)
    in_force = forms.ChoiceField(
        label="Corrected decisions",
        required=False,
        choices=[("", "Show them too"), ("yes", "Only decisions in force")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        systems = list(AISystem.objects.select_related("organization"))  # one query fills both lists
        organizations = {system.organization.slug: system.organization.name for system in systems}
        cast(forms.ChoiceField, self.fields["organization"]).choices = [
            ("", "Any organization"),
            *organizations.items(),
        ]
        cast(forms.ChoiceField, self.fields["system"]).choices = [
            ("", "Any system"),
            *dict.fromkeys((s.slug, str(s)) for s in systems),
        ]
        # Every public guideline, not only the appealed ones: the statistics link to a guideline's decisions even
        # while it has none, and that list is empty, not a wrong choice.
        guidelines = Guideline.objects.public().select_related("organization")
        labels = dict.fromkeys((g.slug, f"{g.title} ({g.organization.name})") for g in guidelines)
        cast(forms.ChoiceField, self.fields["guideline"]).choices = [("", "Any guideline"), *labels]

    def cleaned_query(self) -> str:
        """The words searched for, or "" when there is no valid search."""
        return getattr(self, "cleaned_data", {}).get("q", "")

    def search(self):
        """The matching decisions, or none when a filter is not valid (the form then says why)."""
        if self.is_bound and not self.is_valid():
            return Decision.objects.none()
        return selectors.search_decisions(**{key: value for key, value in self.filters().items() if value})


APPEAL_STATUS_CHOICES = [
    ("", "Any status"),
    *Appeal.STATUS_CHOICES,
    (selectors.OVERDUE, "Overdue now (open, past its deadline)"),
]


class AppealListForm(ListFilterForm):
    no_such_page = "No such page of appeals."
    period_label = "Filed"

    organization = forms.SlugField(label="Organization", required=False)
    system = forms.SlugField(label="AI system", required=False)
    guideline = forms.SlugField(label="Guideline", required=False)
    clause = forms.CharField(label="Clause key", required=False, max_length=CLAUSE_KEY_MAX)
    topic = forms.CharField(label="Topic", required=False, max_length=TAG_LENGTH)
    status = forms.ChoiceField(label="Status", required=False, choices=APPEAL_STATUS_CHOICES)
    reason = forms.ChoiceField(
        label="Inadmissible because", required=False, choices=[("", "Any reason"), *Appeal.INADMISSIBLE_REASONS]
    )
    admitted = forms.ChoiceField(label="Admitted", required=False, choices=[("", "Either"), ("yes", "Admitted")])

    def appeals(self) -> QuerySet[Appeal]:
        """The matching appeals, newest first, or none when a filter is not valid (the form then says why)."""
        if self.is_bound and not self.is_valid():
            return Appeal.objects.none()
        return selectors.public_appeals(**self.filters())
