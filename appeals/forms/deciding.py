"""What reviewers and organizations enter: declining, deciding, correcting, responding, answering recommendations."""

from typing import cast

from django import forms
from django.conf import settings

from appeals import selectors
from appeals.forms.citing import CITATION_ROWS, CitationRows, citations_of
from appeals.models import (
    DECLINE_REASON_MAX,
    NOTE_MAX,
    RATIONALE_MAX,
    RECOMMENDATION_MAX,
    RECOMMENDATIONS_MAX,
    RESPONSE_MAX,
    URL_MAX,
    Appeal,
    Citation,
    CommentCall,
    Decision,
    OrganizationResponse,
    Recommendation,
)
from appeals.services import recommending
from core.forms import CheckAnswersForm, ServiceForm


class DeclineForm(ServiceForm):
    reason = forms.CharField(
        label="Why you decline",
        max_length=DECLINE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you decline, so moderators can route better."},
    )


class DecisionForm(CitationRows, CheckAnswersForm, ServiceForm):
    outcome = forms.ChoiceField(label="Outcome", choices=Decision.OUTCOME_CHOICES, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale (Markdown)", max_length=RATIONALE_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    cited_clause_keys = forms.MultipleChoiceField(
        label="Clauses the decision cites", widget=forms.CheckboxSelectMultiple, choices=()
    )
    recommendations = forms.CharField(
        label="Recommendations to the organization (optional)",
        required=False,
        # Room for every recommendation, so that too many or too long is said as such, not as a length in total.
        max_length=(RECOMMENDATION_MAX + 2) * (RECOMMENDATIONS_MAX + 5),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    comments_considered = forms.CharField(
        label="How the public comments were considered (Markdown)",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Published with the decision. Say which arguments from the comments weighed and why.",
        error_messages={"required": "Say how the public comments were considered: this appeal had public comments."},
    )

    def __init__(self, *args, appeal: Appeal, citations: list[Citation] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if (
            "comments_considered" in self.fields
            and not CommentCall.objects.filter(appeal=appeal, comment_count__gt=0).exists()
        ):
            del self.fields["comments_considered"]  # asked only of an appeal that had public comments
        days = settings.RECOMMENDATION_RESPONSE_DAYS
        if recommendations := self.fields.get("recommendations"):  # a correction has none
            recommendations.help_text = (
                f"Changes to the rules or their use that {appeal.guideline.organization.name} should make. One "
                f"recommendation per paragraph, with a blank line between them: at most {RECOMMENDATIONS_MAX}, each "
                f"up to {RECOMMENDATION_MAX:,} characters. The organization must answer each in public within {days} "
                "days."
            )
        clauses = selectors.clauses_in_force(appeal)
        cast(forms.ChoiceField, self.fields["cited_clause_keys"]).choices = [
            (c.key, f"{c.key} {c.heading}") for c in clauses
        ]
        self.earlier = selectors.earlier_decisions(appeal)
        given = citations or []
        self.add_citation_rows(max(CITATION_ROWS, len(given) + 1), given)
        self.order_fields([name for name in self.fields if name != "recommendations"] + ["recommendations"])

    def clean(self) -> dict:
        super().clean()
        self.clean_citation_rows()
        return self.cleaned_data

    def answers(self) -> list[tuple[str, str, str]]:
        return self.citation_answers(super().answers())

    def clean_recommendations(self) -> str:
        text = self.cleaned_data["recommendations"]
        recommending.check_recommendations(recommending.split_recommendations(text))
        return text

    def arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["recommendations"] = recommending.split_recommendations(values["recommendations"])
        return values


class CorrectionForm(DecisionForm):
    # Recommendations stay with the decision they were made with; a correction does not repeat them. None removes
    # the inherited field, Django's way, which the stubs do not know.
    recommendations = None  # type: ignore[assignment]
    comments_considered = None  # type: ignore[assignment]  # it goes with the decision it corrects
    note = forms.CharField(
        label="What the correction fixes", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        initial = {
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            "cited_clause_keys": decision.cited_clause_keys,
        }
        super().__init__(*args, appeal=decision.appeal, initial=initial, citations=citations_of(decision), **kwargs)

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class ResponseForm(ServiceForm):
    kind = forms.ChoiceField(label="Response", choices=OrganizationResponse.KIND_CHOICES, widget=forms.RadioSelect)
    text = forms.CharField(label="Text", max_length=RESPONSE_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class RecommendationStepField(forms.ChoiceField):
    """Offers the steps a recommendation may take now, and lets any step through to the service, whose rule
    it is, so that a step out of turn is refused with the reason."""

    def valid_value(self, value) -> bool:
        return value in dict(Recommendation.STATE_CHOICES)


class AnswerRecommendationForm(ServiceForm):
    """The organization's next step on a recommendation."""

    kind = RecommendationStepField(
        label="Your answer",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer.", "invalid_choice": "Choose one of the answers offered."},
    )
    note = forms.CharField(
        label="Explanation",
        required=False,
        max_length=RESPONSE_MAX,
        help_text="Required when you decline (your reasons), accept in part (which part) or say it is already done.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    implemented_on = forms.DateField(
        label="Date it was implemented",
        required=False,
        help_text="Only when it is implemented.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give the date as a day, month and year, such as 2026-03-31."},
    )
    evidence_url = forms.CharField(
        label="Link to the evidence",
        required=False,
        max_length=URL_MAX,
        help_text="The guideline version of yours that implements it (its address on this site), or a public web "
        "page. Required when it is implemented.",
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Recommendation.STATE_CHOICES)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (state, labels[state]) for state in recommendation.next_states()
        ]
