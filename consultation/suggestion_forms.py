"""The forms of suggested wording (kept apart from consultation.forms, which is near its size limit). Limits come
from consultation.models; the rules stay in consultation.services.suggestions."""

from django import forms

from consultation.models import CLAUSE_TEXT_LENGTH, LONG_TEXT_LENGTH, Suggestion, SuggestionDecision
from consultation.services.suggestions import KIND_REFUSAL, OUTCOME_REFUSAL, STANCE_REFUSAL, STANCES
from core.forms import CheckAnswersForm, ServiceForm


class SuggestionForm(ServiceForm):
    kind = forms.ChoiceField(
        label="What do you suggest?",
        choices=Suggestion.KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": KIND_REFUSAL, "invalid_choice": KIND_REFUSAL},
    )
    text = forms.CharField(
        label="Your wording",
        required=False,
        strip=False,
        max_length=CLAUSE_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The whole new text of the clause, or of the new clause. Leave it empty to delete the clause.",
    )
    reason = forms.CharField(
        label="Why",
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Your reason cannot be empty."},
    )


class StanceForm(ServiceForm):
    stance = forms.ChoiceField(choices=[(s, s) for s in STANCES], error_messages={"invalid_choice": STANCE_REFUSAL})


class DecisionForm(ServiceForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=SuggestionDecision.OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_REFUSAL, "invalid_choice": OUTCOME_REFUSAL},
    )
    reason = forms.CharField(
        label="Public reason",
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required unless you accept the suggestion as it is.",
    )


class SuggestedDraftForm(CheckAnswersForm):
    summary_of_changes = forms.CharField(
        label="Summary of changes",
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. You can edit the draft, and this summary, before publishing it.",
    )
