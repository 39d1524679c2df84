from django import forms

from accounts.models import DISPLAY_NAME_LENGTH


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form."""

    display_name = forms.CharField(
        max_length=DISPLAY_NAME_LENGTH,
        help_text="Shown next to your comments. It does not need to be your legal name.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
