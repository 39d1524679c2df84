from django import forms

from core.forms import SiteForm
from digests.models import Follow

FREQUENCY_CHOICES = [*Follow.FREQUENCY_CHOICES, ("stop", "Never: stop following")]
FREQUENCY_ERRORS = {"required": "Choose how often to hear.", "invalid_choice": "Choose at once, daily or weekly."}


class FollowForm(SiteForm):
    """The follow button and its frequency; "unfollow" needs no frequency."""

    action = forms.ChoiceField(
        choices=[("follow", "Follow"), ("unfollow", "Unfollow")],
        error_messages={"required": "Follow or unfollow?", "invalid_choice": "Follow or unfollow?"},
    )
    frequency = forms.ChoiceField(
        label="Email me",
        choices=Follow.FREQUENCY_CHOICES,
        required=False,
        error_messages=FREQUENCY_ERRORS,
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "follow" and not cleaned.get("frequency"):
            cleaned["frequency"] = Follow.IMMEDIATE  # the plain button, as before there was a choice
        return cleaned


class FrequencyForm(SiteForm):
    """A change on the follows page: a new frequency, or stop following."""

    frequency = forms.ChoiceField(label="Email me", choices=FREQUENCY_CHOICES, error_messages=FREQUENCY_ERRORS)
