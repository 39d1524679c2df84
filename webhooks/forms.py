"""The inputs of the webhook pages; the field limits are the models'."""

from django import forms

from core.forms import ListFilterForm, ServiceForm
from webhooks.models import DESCRIPTION_MAX, URL_MAX, EventType


class EndpointForm(ServiceForm):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=URL_MAX,
        assume_scheme="https",
        help_text="An https:// address on the public internet that answers a POST with a 2xx status.",
        error_messages={
            "required": "Enter the endpoint's URL.",
            "invalid": "Enter a full URL, like https://example.com/hooks.",
        },
    )
    description = forms.CharField(
        label="Description (optional)", max_length=DESCRIPTION_MAX, required=False, help_text="For your own team."
    )
    event_types = forms.MultipleChoiceField(
        label="Events to send",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one event to send to this endpoint.",
            "invalid_choice": "Unknown event type: %(value)s.",
        },
    )


class DeliveriesPageForm(ListFilterForm):
    """The cursor of an endpoint's deliveries (`before`, a delivery's id)."""
