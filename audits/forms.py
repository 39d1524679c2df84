from django import forms
from django.http import Http404

from accounts.models import Organization
from audits.models import NOTE_MAX, ORGANIZATIONS_MAX, PURPOSE_MAX, REPORT_MAX, RESPONSE_MAX, TITLE_MAX
from core.forms import CheckAnswersForm, ServiceForm


class DeclareAuditForm(CheckAnswersForm, ServiceForm):
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    purpose = forms.CharField(
        label="Purpose (Markdown)",
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the audit examines and why; public from the moment you declare it.",
    )
    organizations = forms.ModelMultipleChoiceField(
        label="Organizations it covers",
        queryset=Organization.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one organization."},
    )
    period_from = forms.DateField(
        label="Appeals filed from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label="Appeals filed until (inclusive)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_organizations(self):
        chosen = self.cleaned_data["organizations"]
        if len(chosen) > ORGANIZATIONS_MAX:
            raise forms.ValidationError(f"Choose at most {ORGANIZATIONS_MAX} organizations.")
        return list(chosen)


class CloseAuditForm(CheckAnswersForm, ServiceForm):
    note = forms.CharField(
        label="Public note (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(ServiceForm):
    body = forms.CharField(
        label="Report (Markdown)",
        max_length=REPORT_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Headings start at ### (the page has its own). Quote nothing that identifies an appellant.",
    )
    pdf = forms.FileField(
        label="The report as a PDF (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text="Checked like appeal attachments: no scripts, no password.",
    )
    confirm = forms.BooleanField(
        label="I understand the report is published for good: it can be followed by a new report, never changed",
        error_messages={"required": "Confirm that the report is published for good."},
    )

    def arguments(self) -> dict:
        return {"body": self.cleaned_data["body"], "pdf": self.cleaned_data["pdf"] or None}


class AuditResponseForm(CheckAnswersForm, ServiceForm):
    organization = forms.ModelChoiceField(label="On behalf of", queryset=Organization.objects.none(), empty_label=None)
    body = forms.CharField(
        label="Response (Markdown)", max_length=RESPONSE_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )

    def __init__(self, *args, organizations: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  declared below; narrows the type for mypy
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])


class PageForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), to_field_name="slug", required=False)
    before = forms.IntegerField(min_value=1, required=False)


def page_query(request) -> dict:
    """The filter and cursor of a list page; a link that was altered by hand finds no such page."""
    form = PageForm(request.GET)
    if not form.is_valid():
        raise Http404("No such page.")
    return form.cleaned_data
