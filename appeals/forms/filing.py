"""Every input of the appeals pages. The limits come from appeals.models, so the forms, the API serializers and
the model fields share one definition of each."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from appeals import selectors
from appeals.models import (
    CLAUSE_KEY_MAX,
    CLAUSES_MAX,
    DECLINE_REASON_MAX,
    EXCERPT_MAX,
    GROUNDS_MAX,
    LANGUAGE_MAX,
    NOTE_MAX,
    RATIONALE_MAX,
    RECOMMENDATION_MAX,
    RECOMMENDATIONS_MAX,
    RESPONSE_MAX,
    URL_MAX,
    AISystem,
    Appeal,
    Decision,
    OrganizationResponse,
    Recommendation,
)
from appeals.selectors import OVERTURNED_ANY
from appeals.services import recommending
from consultation.models import TAG_LENGTH, Guideline
from core.forms import CheckAnswersForm, ListFilterForm, ServiceForm, SiteForm
from core.search import QUERY_MAX

CLOCK_SKEW = timedelta(minutes=5)  # a device clock a little ahead is not "the future"
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
    """The steps of the filing page, carried in the query string: organization, then system and guideline."""

    organization = forms.ChoiceField(required=False)
    system = forms.ChoiceField(required=False)
    guideline = forms.ChoiceField(required=False)

    def __init__(self, data):
        super().__init__(data)
        self.organizations = list(selectors.appealable_organizations())
        self.fields["organization"].choices = [(o.slug, o.name) for o in self.organizations]
        organization = next((o for o in self.organizations if o.slug == data.get("organization")), None)
        self.systems, self.guidelines = selectors.appealable_under(organization) if organization else ([], [])
        self.fields["system"].choices = [(s.slug, s.name) for s in self.systems]
        self.fields["guideline"].choices = [(g.slug, g.title) for g in self.guidelines]

    def chosen(self) -> dict:
        """The step reached and what was chosen so far; a choice that is not on offer is simply not made."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name, "") for name in self.fields}
        organization = next((o for o in self.organizations if o.slug == data["organization"]), None)
        chosen = {"organizations": self.organizations, "organization": organization, "step": 1}
        if organization is None:
            return chosen
        system = next((s for s in self.systems if s.slug == data["system"]), None)
        guideline = next((g for g in self.guidelines if g.slug == data["guideline"]), None)
        if guideline is None and len(self.guidelines) == 1:
            guideline = self.guidelines[0]
        chosen.update(systems=self.systems, guidelines=self.guidelines, system=system, guideline=guideline, step=2)
        if system is None or guideline is None:
            return chosen
        # The rules the AI applies now: a draft in consultation is not yet in force.
        version = selectors.version_in_force(guideline=guideline, at=timezone.now())
        clauses = list(version.clauses.order_by("position", "pk")) if version else []
        return {**chosen, "step": 3, "version": version, "clauses": clauses}


class AppealForm(ServiceForm):
    happened_at = forms.DateTimeField(
        label="When did the refusal happen?",
        help_text="Pick the day and the time in your browser's date picker, with the time in UTC.",
        # The format a datetime-local input reads back, so a value survives a form shown again with errors.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[not_in_the_future],
    )
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

    def __init__(self, *args, clauses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause_keys"].choices = [(clause.key, f"{clause.key} {clause.heading}") for clause in clauses]

    def clean_attachments(self) -> list:
        at_most_attachments(self.cleaned_data["attachments"])
        return self.cleaned_data["attachments"]

    @property
    def is_a_duplicate(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "duplicate")

    def arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["allow_duplicate"] = values.pop("confirm_duplicate")
        return values


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
        self.fields["public_attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]

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
        self.fields["reviewer"].choices = [(str(r.pk), r.handle) for r in self.reviewers]
        self.fields["reviewer"].error_messages["required"] = "Choose a reviewer from the list."

    def arguments(self) -> dict:
        return {"reviewer": next(r for r in self.reviewers if r.pk == self.cleaned_data["reviewer"])}


class DeclineForm(ServiceForm):
    reason = forms.CharField(
        label="Why you decline",
        max_length=DECLINE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you decline, so moderators can route better."},
    )


class DecisionForm(CheckAnswersForm, ServiceForm):
    outcome = forms.ChoiceField(label="Outcome", choices=Decision.OUTCOME_CHOICES, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale (Markdown)", max_length=RATIONALE_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    cited_clause_keys = forms.MultipleChoiceField(
        label="Clauses the decision cites", widget=forms.CheckboxSelectMultiple, choices=()
    )
    cited_decision_ids = forms.TypedMultipleChoiceField(
        label="Earlier decisions it cites", required=False, widget=forms.CheckboxSelectMultiple, choices=(), coerce=int
    )
    recommendations = forms.CharField(
        label="Recommendations to the organization (optional)",
        required=False,
        # Room for every recommendation, so that too many or too long is said as such, not as a length in total.
        max_length=(RECOMMENDATION_MAX + 2) * (RECOMMENDATIONS_MAX + 5),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.RECOMMENDATION_RESPONSE_DAYS
        if recommendations := self.fields.get("recommendations"):  # a correction has none
            recommendations.help_text = (
                f"Changes to the rules or their use that {appeal.guideline.organization.name} should make. One "
                f"recommendation per paragraph, with a blank line between them: at most {RECOMMENDATIONS_MAX}, each "
                f"up to {RECOMMENDATION_MAX:,} characters. The organization must answer each in public within {days} "
                "days."
            )
        clauses = selectors.clauses_in_force(appeal)
        self.fields["cited_clause_keys"].choices = [(c.key, f"{c.key} {c.heading}") for c in clauses]
        self.earlier = selectors.earlier_decisions(appeal)
        self.fields["cited_decision_ids"].choices = [
            (str(d.pk), f"Decision {d.pk} on {d.appeal.public_id}: {d.get_outcome_display()}") for d in self.earlier
        ]

    def clean_recommendations(self) -> str:
        text = self.cleaned_data["recommendations"]
        recommending.check_recommendations(recommending.split_recommendations(text))
        return text

    def arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["recommendations"] = recommending.split_recommendations(values["recommendations"])
        return values


class CorrectionForm(DecisionForm):
    recommendations = None  # they stay with the decision they were made with; a correction does not repeat them
    note = forms.CharField(
        label="What the correction fixes", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        initial = {
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            "cited_clause_keys": decision.cited_clause_keys,
        }
        super().__init__(*args, appeal=decision.appeal, initial=initial, **kwargs)

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
        self.fields["kind"].choices = [(state, labels[state]) for state in recommendation.next_states()]


class RecommendationFilterForm(ListFilterForm):
    """The organization page's list of recommendations: one view of the tracker, newest first, a page at a time."""

    no_such_page = "No such page of recommendations."

    state = forms.ChoiceField(
        label="Show", required=False, choices=[("", "All recommendations"), *Recommendation.VIEW_CHOICES]
    )

    def filter(self, recommendations, *, now):
        """The rows of the chosen view, older than the page's cursor; none when the choice is not valid."""
        if self.is_bound and not self.is_valid():
            return recommendations.none()
        cleaned = self.cleaned_data if self.is_bound else {}
        if cleaned.get("state"):
            recommendations = recommendations.in_view(cleaned["state"], now)
        return recommendations.filter(pk__lt=cleaned["before"]) if cleaned.get("before") else recommendations


class DecisionSearchForm(ListFilterForm):
    no_such_page = "No such page of decisions."
    period_label = "Decided"

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=QUERY_MAX,
        error_messages={"max_length": f"Search for at most {QUERY_MAX} characters: a few words find more."},
    )
    organization = forms.ChoiceField(label="Organization", required=False)
    guideline = forms.ChoiceField(label="Guideline", required=False)
    system = forms.ChoiceField(label="System", required=False)
    clause = forms.CharField(label="Clause key", required=False, max_length=CLAUSE_KEY_MAX)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any"), *Decision.OUTCOME_CHOICES, (OVERTURNED_ANY, "Overturned fully or partly")],
    )
    topic = forms.CharField(label="Topic of a cited clause", required=False, max_length=TAG_LENGTH)
    in_force = forms.ChoiceField(
        label="Corrected decisions",
        required=False,
        choices=[("", "Show them too"), ("yes", "Only decisions in force")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        systems = list(AISystem.objects.select_related("organization"))  # one query fills both lists
        organizations = {system.organization.slug: system.organization.name for system in systems}
        self.fields["organization"].choices = [("", "Any organization"), *organizations.items()]
        self.fields["system"].choices = [("", "Any system"), *dict.fromkeys((s.slug, str(s)) for s in systems)]
        appealed = Guideline.objects.filter(Exists(Appeal.objects.filter(guideline=OuterRef("pk"))))
        guidelines = appealed.select_related("organization")
        labels = dict.fromkeys((g.slug, f"{g.title} ({g.organization.name})") for g in guidelines)
        self.fields["guideline"].choices = [("", "Any guideline"), *labels]

    def cleaned_query(self) -> str:
        """The words searched for, or "" when there is no valid search."""
        return getattr(self, "cleaned_data", {}).get("q", "")

    def search(self):
        """The matching decisions, or none when a filter is not valid (the form then says why)."""
        if self.is_bound and not self.is_valid():
            return Decision.objects.none()
        return selectors.search_decisions(**{key: value for key, value in self.filters().items() if value})


APPEAL_STATUS_CHOICES = [
    ("", "Any status"),
    *Appeal.STATUS_CHOICES,
    (selectors.OVERDUE, "Overdue now (open, past its deadline)"),
]


class AppealListForm(ListFilterForm):
    no_such_page = "No such page of appeals."
    period_label = "Filed"

    organization = forms.SlugField(label="Organization", required=False)
    system = forms.SlugField(label="AI system", required=False)
    guideline = forms.SlugField(label="Guideline", required=False)
    clause = forms.CharField(label="Clause key", required=False, max_length=CLAUSE_KEY_MAX)
    topic = forms.CharField(label="Topic", required=False, max_length=TAG_LENGTH)
    status = forms.ChoiceField(label="Status", required=False, choices=APPEAL_STATUS_CHOICES)
    reason = forms.ChoiceField(
        label="Inadmissible because", required=False, choices=[("", "Any reason"), *Appeal.INADMISSIBLE_REASONS]
    )
    admitted = forms.ChoiceField(label="Admitted", required=False, choices=[("", "Either"), ("yes", "Admitted")])

    def appeals(self) -> QuerySet[Appeal]:
        """The matching appeals, newest first, or none when a filter is not valid (the form then says why)."""
        if self.is_bound and not self.is_valid():
            return Appeal.objects.none()
        return selectors.public_appeals(**self.filters())
