"""Filing an appeal: the steps of the filing pages and the appeal itself."""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.formats import date_format

from appeals import selectors
from appeals.models import (
    CLAUSES_MAX,
    CLOCK_SKEW,
    EXCERPT_MAX,
    GROUNDS_MAX,
    LANGUAGE_MAX,
    URL_MAX,
    Appeal,
)
from consultation.models import Guideline, GuidelineVersion
from core.forms import ServiceForm, SiteForm

WEB_ADDRESS = URLValidator(
    schemes=["http", "https"], message="Give a full web address starting with https://, or leave it empty."
)


class WebAddressField(forms.URLField):
    default_validators = [WEB_ADDRESS]
    default_error_messages = {"invalid": WEB_ADDRESS.message}


def not_in_the_future(value):
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationError("The refusal cannot have happened in the future.")


def at_most_clauses(keys):
    if len(keys) > CLAUSES_MAX:
        raise ValidationError(f"Choose at most {CLAUSES_MAX} clauses.")


def at_most_attachments(files):
    if len(files) > settings.APPEAL_ATTACHMENTS_MAX:
        raise ValidationError(f"Attach at most {settings.APPEAL_ATTACHMENTS_MAX} files.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the filing service, by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FilingStepsForm(SiteForm):
    """The questions before the appeal, carried in the query string, each answer deciding the next question:
    organization, then system and guideline, then the date of the refusal (`RefusalDateForm`), which decides the
    version whose clauses the appeal may cite."""

    organization = forms.ChoiceField(required=False)
    system = forms.ChoiceField(required=False)
    guideline = forms.ChoiceField(required=False)
    # The check page's Change links: ask this question again with its answer chosen, even though it was answered.
    change = forms.ChoiceField(required=False, choices=[("organization", ""), ("system", ""), ("date", "")])

    def __init__(self, data):
        super().__init__(data)
        self.organizations = list(selectors.appealable_organizations())
        cast(forms.ChoiceField, self.fields["organization"]).choices = [(o.slug, o.name) for o in self.organizations]
        organization = next((o for o in self.organizations if o.slug == data.get("organization")), None)
        self.systems, self.guidelines = selectors.appealable_under(organization) if organization else ([], [])
        cast(forms.ChoiceField, self.fields["system"]).choices = [(s.slug, s.name) for s in self.systems]
        cast(forms.ChoiceField, self.fields["guideline"]).choices = [(g.slug, g.title) for g in self.guidelines]

    def chosen(self) -> dict:
        """The step reached and what was chosen so far; a choice that is not on offer is simply not made, and a date
        is only judged once it has been given (then its errors belong to the date step)."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name, "") for name in self.fields}
        organization = next((o for o in self.organizations if o.slug == data["organization"]), None)
        chosen: dict[str, Any] = {"organizations": self.organizations, "organization": organization, "step": 1}
        if organization is None or data["change"] == "organization":
            return chosen
        system = next((s for s in self.systems if s.slug == data["system"]), None)
        guideline = next((g for g in self.guidelines if g.slug == data["guideline"]), None)
        if guideline is None and len(self.guidelines) == 1:
            guideline = self.guidelines[0]
        chosen.update(systems=self.systems, guidelines=self.guidelines, system=system, guideline=guideline, step=2)
        if system is None or guideline is None or data["change"] == "system":
            return chosen
        date_form = RefusalDateForm(self.data if "happened_at" in self.data else None, guideline=guideline)
        chosen.update(date_form=date_form, step=3)
        if not date_form.is_valid() or data["change"] == "date":
            return chosen
        happened_at, version = date_form.cleaned_data["happened_at"], date_form.version
        clauses = list(version.clauses.order_by("position", "pk")) if version else []
        return {**chosen, "step": 4, "happened_at": happened_at, "version": version, "clauses": clauses}


class RefusalDateForm(SiteForm):
    """When the refusal happened: it decides which version of the guideline applied, so the appeal can only cite
    the clauses of that version, never those of a later one."""

    happened_at = forms.DateTimeField(
        label="When did the refusal happen?",
        help_text="Pick the day and the time in your browser's date picker, with the time in UTC. The clauses you "
        "can cite are those of the version in force then.",
        # The format a datetime-local input reads back, so a value survives a form shown again with errors.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[not_in_the_future],
        error_messages={
            "required": "Enter the day and time of the refusal.",
            "invalid": "Enter the day and time of the refusal as a real date and time.",
        },
    )

    def __init__(self, *args, guideline: Guideline, **kwargs):
        super().__init__(*args, **kwargs)
        self.guideline = guideline
        self.version: GuidelineVersion | None = None

    def clean_happened_at(self) -> datetime:
        happened_at = self.cleaned_data["happened_at"]
        self.version = selectors.version_in_force(guideline=self.guideline, at=happened_at)
        if self.version is None:
            day = date_format(happened_at, "j F Y")
            raise ValidationError(
                f"No version of {self.guideline.title} was in force on {day}: a refusal from before its first "
                "version was published cannot be appealed under it."
            )
        return happened_at


class AppealForm(ServiceForm):
    """The appeal itself, once the date has decided the version: `clauses` are that version's."""

    prompt_excerpt = forms.CharField(
        label="What you asked", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    refusal_excerpt = forms.CharField(
        label="What the system answered", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    conversation_url = WebAddressField(
        label="Link to the conversation (optional)", required=False, max_length=URL_MAX, assume_scheme="https"
    )
    language = forms.CharField(label="Language of the conversation", max_length=LANGUAGE_MAX, initial="en")
    clause_keys = forms.MultipleChoiceField(
        label="Clauses the refusal was made under",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        validators=[at_most_clauses],
    )
    grounds = forms.CharField(
        label="Why the refusal was wrong",
        max_length=GROUNDS_MAX,
        help_text=f"Up to {GROUNDS_MAX:,} characters.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    requested_outcome = forms.ChoiceField(
        label="What you ask for", choices=Appeal.REQUESTED_CHOICES, widget=forms.RadioSelect, initial=Appeal.OVERTURN
    )
    show_name = forms.BooleanField(
        label="Show my display name on the public appeal (otherwise it shows a pseudonym)", required=False
    )
    attachments = MultipleFileField(
        label="Screenshots or PDF (optional)",
        required=False,
        help_text=f"PNG, JPEG or PDF, up to {settings.APPEAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB each, "
        f"at most {settings.APPEAL_ATTACHMENTS_MAX}. They stay private until a moderator has screened them.",
    )
    confirm_duplicate = forms.BooleanField(label="File it anyway", required=False)

    def __init__(self, *args, clauses=(), pending: list | tuple = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = pending  # attachments already checked and kept, carried from the check page
        cast(forms.ChoiceField, self.fields["clause_keys"]).choices = [
            (clause.key, f"{clause.key} {clause.heading}") for clause in clauses
        ]

    def clean_attachments(self) -> list:
        at_most_attachments([*self.pending, *self.cleaned_data["attachments"]])
        return self.cleaned_data["attachments"]

    @property
    def is_a_duplicate(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "duplicate")

    def arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["allow_duplicate"] = values.pop("confirm_duplicate")
        return values
