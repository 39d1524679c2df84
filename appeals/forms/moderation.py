"""What moderators enter: redactions, admission or refusal, routing by hand."""

from typing import cast

from django import forms

from appeals import selectors
from appeals.models import (
    EXCERPT_MAX,
    GROUNDS_MAX,
    NOTE_MAX,
    Appeal,
)
from core.forms import CheckAnswersForm, ServiceForm


class RedactForm(ServiceForm):
    REDACTED = {"required": "This cannot be empty; write [redacted] for a part you remove."}

    public_prompt_excerpt = forms.CharField(
        label="Public prompt excerpt",
        max_length=EXCERPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REDACTED,
    )
    public_refusal_excerpt = forms.CharField(
        label="Public refusal excerpt",
        max_length=EXCERPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REDACTED,
    )
    public_grounds = forms.CharField(
        label="Public grounds",
        max_length=GROUNDS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=REDACTED,
    )
    public_attachments = forms.TypedMultipleChoiceField(
        label="Attachments to show publicly",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        coerce=int,
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["public_attachments"]).choices = [
            (str(a.pk), a.original_name) for a in attachments
        ]

    @classmethod
    def for_appeal(cls, appeal: Appeal, data=None) -> "RedactForm":
        attachments = list(appeal.attachments.all())
        initial = {
            "public_prompt_excerpt": appeal.refusal.public_prompt_excerpt,
            "public_refusal_excerpt": appeal.refusal.public_refusal_excerpt,
            "public_grounds": appeal.public_grounds,
            "public_attachments": [str(a.pk) for a in attachments if a.public],
        }
        return cls(data, initial=initial, attachments=attachments)

    def arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["public_attachment_ids"] = values.pop("public_attachments")
        return values


class AdmitForm(ServiceForm):
    significant = forms.BooleanField(label="Significant: decide by a panel of three", required=False)


class InadmissibleForm(CheckAnswersForm, ServiceForm):
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason")] + Appeal.INADMISSIBLE_REASONS,
        error_messages={"required": "Choose a reason.", "invalid_choice": "Choose a reason from the list."},
    )
    public_note = forms.CharField(
        label="Public note",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain the decision to the appellant and the public."},
    )


class RouteForm(ServiceForm):
    reviewer = forms.TypedChoiceField(
        label="Reviewer", coerce=int, error_messages={"invalid_choice": "Choose a reviewer from the list."}
    )

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewers = (
            sorted(selectors.eligible_reviewers(appeal), key=lambda r: r.handle) if appeal.in_routing else []
        )
        cast(forms.ChoiceField, self.fields["reviewer"]).choices = [(str(r.pk), r.handle) for r in self.reviewers]
        self.fields["reviewer"].error_messages["required"] = "Choose a reviewer from the list."

    def arguments(self) -> dict:
        return {"reviewer": next(r for r in self.reviewers if r.pk == self.cleaned_data["reviewer"])}
