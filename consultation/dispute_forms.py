"""The forms of "I did not write this": asking for the link, disputing one writing, deciding a dispute."""

from django import forms

from consultation.models import NOTE_LENGTH, Dispute
from core.forms import ServiceForm, SiteForm


class OwnershipEmailForm(SiteForm):
    email = forms.EmailField(
        label="The email address the account was created with",
        max_length=254,
        error_messages={
            "required": "Enter an email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )


class DisputeForm(ServiceForm):
    kind = forms.ChoiceField(
        choices=Dispute.KIND_CHOICES,
        error_messages={"invalid_choice": "Choose a comment, a suggestion or a statement."},
    )
    object_id = forms.IntegerField(min_value=1, error_messages={"invalid": "Choose something listed on this page."})


class DisputeDecisionForm(ServiceForm):
    note = forms.CharField(label="Note (on the public record)", max_length=NOTE_LENGTH, required=False)
