from allauth.core import context
from django import forms
from django.conf import settings

from accounts.models import DISPLAY_NAME_LENGTH, DOMAIN_LENGTH, ORGANIZATION_SLUG_LENGTH, ApiKey, Organization
from core.proxies import client_address
from core.ratelimit import RateLimited, counts_per_domain, email_domain, refuse_when_over


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form, and the sign-up rate limits."""

    display_name = forms.CharField(
        max_length=DISPLAY_NAME_LENGTH,
        help_text="Shown next to your comments. It does not need to be your legal name.",
    )

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and context.request is not None:
            try:
                refuse_too_many_signups(email=(cleaned_data or {}).get("email", ""), ip=client_address(context.request))
            except RateLimited as refusal:
                self.add_error(None, refusal)
        return cleaned_data

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


def refuse_too_many_signups(*, email: str, ip: str) -> None:
    """Many accounts from one network address or one email domain in a short time is how campaigns of fake
    commenters start; only a valid sign-up is counted."""
    domain = email_domain(email)
    limits = [("ip", ip, settings.SIGNUP_IP_LIMIT)]
    if counts_per_domain(domain):
        limits.append(("domain", domain, settings.SIGNUP_DOMAIN_LIMIT))
    refuse_when_over(
        action="signup",
        limits=limits,
        per_seconds=settings.SIGNUP_WINDOW_SECONDS,
        message="Many accounts have been created {by} in a short time. Please try again later.",
    )


class EmailDomainForm(forms.Form):
    """An email domain of the organization, and the address at it that the verification link goes to."""

    domain = forms.CharField(
        label="Email domain", max_length=DOMAIN_LENGTH, error_messages={"required": "Enter a domain."}
    )
    address = forms.EmailField(
        label="Address at that domain to mail the link to",
        max_length=254,
        error_messages={"required": "Enter an address.", "invalid": "Enter an address like postmaster@example.org."},
    )


class ApiKeyForm(forms.Form):
    """A new API key: what it is for and what it may do."""

    name = forms.CharField(
        max_length=ApiKey.NAME_MAX,
        label="What is the key for?",
        help_text="For your own lists, such as 'moderation pipeline'. Only your organization's publishers see it.",
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="What may it do?",
        help_text="Give a key only what its program needs.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class SpeaksAsForm(forms.Form):
    """`as_organization`: a publisher posts as the organization itself (accounts.assurance)."""

    as_organization = forms.SlugField(label="Post as", max_length=ORGANIZATION_SLUG_LENGTH, required=False)

    def clean_as_organization(self) -> Organization | None:
        """Yourself when empty; whether you may speak as the organization is the service's question."""
        slug = self.cleaned_data["as_organization"]
        if not slug:
            return None
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise forms.ValidationError("There is no such organization.")
        return organization
