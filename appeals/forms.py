from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef

from appeals import selectors
from appeals.models import EXCERPT_MAX, GROUNDS_MAX, AISystem, Appeal, Decision, OrganizationResponse
from consultation.models import Guideline


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


class AppealForm(forms.Form):
    happened_at = forms.DateTimeField(
        label="When did the refusal happen?",
        help_text="Date and time (UTC), for example 2026-11-20 14:30.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    prompt_excerpt = forms.CharField(
        label="What you asked", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    refusal_excerpt = forms.CharField(
        label="What the system answered", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    conversation_url = forms.URLField(
        label="Link to the conversation (optional)", required=False, max_length=500, assume_scheme="https"
    )
    language = forms.CharField(label="Language of the conversation", max_length=20, initial="en")
    clause_keys = forms.MultipleChoiceField(
        label="Clauses the refusal was made under", widget=forms.CheckboxSelectMultiple, choices=()
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


class RedactForm(forms.Form):
    public_prompt_excerpt = forms.CharField(
        label="Public prompt excerpt", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    public_refusal_excerpt = forms.CharField(
        label="Public refusal excerpt", max_length=EXCERPT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    public_grounds = forms.CharField(
        label="Public grounds", max_length=GROUNDS_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    public_attachments = forms.MultipleChoiceField(
        label="Attachments to show publicly", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]


class AdmitForm(forms.Form):
    significant = forms.BooleanField(label="Significant: decide by a panel of three", required=False)


class InadmissibleForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason")] + Appeal.INADMISSIBLE_REASONS)
    public_note = forms.CharField(label="Public note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RouteForm(forms.Form):
    reviewer = forms.ChoiceField(label="Reviewer")

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [(str(r.pk), r.handle) for r in reviewers]


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why you decline", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Decision.OUTCOME_CHOICES, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale (Markdown)", max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    cited_clause_keys = forms.MultipleChoiceField(
        label="Clauses the decision cites", widget=forms.CheckboxSelectMultiple, choices=()
    )
    cited_decision_ids = forms.MultipleChoiceField(
        label="Earlier decisions it cites", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, clauses=(), decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cited_clause_keys"].choices = [(c.key, f"{c.key} {c.heading}") for c in clauses]
        self.fields["cited_decision_ids"].choices = [
            (str(d.pk), f"Decision {d.pk} on {d.appeal.public_id}: {d.get_outcome_display()}") for d in decisions
        ]


class CorrectionForm(DecisionForm):
    note = forms.CharField(label="What the correction fixes", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label="Response", choices=OrganizationResponse.KIND_CHOICES, widget=forms.RadioSelect)
    text = forms.CharField(label="Text", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    organization = forms.ChoiceField(label="Organization", required=False)
    guideline = forms.ChoiceField(label="Guideline", required=False)
    system = forms.ChoiceField(label="System", required=False)
    clause = forms.CharField(label="Clause key", required=False, max_length=30)
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=[("", "Any")] + Decision.OUTCOME_CHOICES)

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

    def search(self):
        """The matching decisions, or none when a filter is not valid (the form then says why)."""
        if self.is_bound and not self.is_valid():
            return Decision.objects.none()
        filters = self.cleaned_data if self.is_bound else {}
        return selectors.search_decisions(**{key: value for key, value in filters.items() if value})
