"""Public comments on an appeal: opening the call and extending it (moderators), commenting, hiding a comment."""

from datetime import UTC, datetime, time

from django import forms

from accounts.forms import SpeaksAsForm
from appeals.models import CALL_REASON_MAX, CaseComment, CommentCall
from consultation.models import LONG_TEXT_LENGTH, NOTE_LENGTH, ON_BEHALF_OF_LENGTH
from core.forms import ServiceForm

CHOOSE_A_REASON = {
    "required": "Choose one of the listed reasons.",
    "invalid_choice": "Choose one of the listed reasons.",
}


class OpenForCommentForm(ServiceForm):
    criteria = forms.MultipleChoiceField(
        label="Why this case (one or more)",
        choices=CommentCall.CRITERIA,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one of the listed criteria.",
            "invalid_choice": "Choose at least one of the listed criteria.",
        },
    )
    reason = forms.CharField(
        label="In one sentence, why the public should comment on it",
        max_length=CALL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say in a sentence why this appeal is open for comment."},
    )


class ExtendWindowForm(ServiceForm):
    closes_on = forms.DateField(
        label="New last day for comments",
        help_text="Comments close at the end of that day (UTC). A window is extended, never shortened.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the new last day.", "invalid": "Give a date such as 2027-01-31."},
    )
    reason = forms.CharField(
        label="Why the extension",
        max_length=CALL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the window is extended."},
    )

    def arguments(self) -> dict:
        end = datetime.combine(self.cleaned_data["closes_on"], time.max, tzinfo=UTC).replace(microsecond=0)
        return {"closes_at": end, "reason": self.cleaned_data["reason"]}


class CaseCommentForm(ServiceForm, SpeaksAsForm):
    body = forms.CharField(
        label="Your comment",
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Up to {LONG_TEXT_LENGTH:,} characters, Markdown. Comments are public and cannot be edited.",
        error_messages={"required": "Your comment cannot be empty."},
    )
    on_behalf_of = forms.CharField(
        label="On behalf of an organization (optional)", max_length=ON_BEHALF_OF_LENGTH, required=False
    )


class HideCaseCommentForm(ServiceForm):
    reason = forms.ChoiceField(label="Reason", choices=CaseComment.HIDDEN_REASONS, error_messages=CHOOSE_A_REASON)
    note = forms.CharField(label="Note to the other moderators (not public)", max_length=NOTE_LENGTH, required=False)
