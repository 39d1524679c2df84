"""Every form of the consultation pages. Limits come from consultation.models; the rules stay in the services."""

from django import forms
from django.db.models import QuerySet

from accounts.forms import SpeaksAsForm
from accounts.models import Organization
from consultation import selectors
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    HEADING_LENGTH,
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    MAX_IMPORT_CHARS,
    NOTE_LENGTH,
    ON_BEHALF_OF_LENGTH,
    REPORT_REASON_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    Clause,
    Comment,
    CommentCluster,
    GuidelineVersion,
    Response,
    Vote,
    validate_clause_key,
)
from core.forms import CheckAnswersForm, ListFilterForm, ServiceForm
from core.ids import parse_id
from core.search import QUERY_ERRORS, QUERY_MAX

DISPOSITION_ERRORS = dict.fromkeys(["required", "invalid_choice"], Response.DISPOSITION_REFUSAL)
DATE_TIME_ERRORS = {"invalid": "Give a date and time such as 2026-12-01 09:00."}


def with_id(widget: type[forms.Widget], html_id: str) -> forms.Widget:
    """The id the page's hand-written input has, so the error summary and "Change" links point at it."""
    return widget(attrs={"id": html_id})


class VersionForm(forms.Form):
    """A form about one version, whose clause keys and comment numbers must name rows of that version."""

    def __init__(self, *args, version: GuidelineVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    def clause_named(self, key: str) -> Clause | None:
        """The clause with this key; None for "general" (the whole version) or no key at all."""
        if (key or "general") == "general":
            return None
        clause = self.version.clauses.filter(key=key).first()
        if clause is None:
            raise forms.ValidationError(f"There is no clause {key} in this version.")
        return clause

    def comment_numbered(self, value: str, refusal: str) -> Comment | None:
        if not value:
            return None
        comment = self.version.comments.filter(pk=parse_id(value) or 0).first()
        if comment is None:
            raise forms.ValidationError(refusal)
        return comment


class CommentForm(VersionForm, SpeaksAsForm):
    """A comment, or a reply (`parent`), on a clause of the version or ("general") on the whole of it."""

    body = forms.CharField(
        label="Your comment", max_length=LONG_TEXT_LENGTH, error_messages={"required": "Your comment cannot be empty."}
    )
    on_behalf_of = forms.CharField(label="On behalf of an organization", max_length=ON_BEHALF_OF_LENGTH, required=False)
    clause = forms.CharField(label="", max_length=KEY_LENGTH, required=False)
    parent = forms.CharField(label="", max_length=40, required=False)

    def clean_clause(self) -> Clause | None:
        return self.clause_named(self.cleaned_data["clause"])

    def clean_parent(self) -> Comment | None:
        return self.comment_numbered(self.cleaned_data["parent"], "The comment you replied to is not on this version.")

    def clean(self):
        self._use_thread_ids(self.cleaned_data.get("clause"), self.cleaned_data.get("parent"))
        return self.cleaned_data

    def _use_thread_ids(self, clause: Clause | None, parent: Comment | None) -> None:
        """The form is drawn once per thread and per reply, with ids naming them (includes/comment_form.html); the
        error summary links to those. Clause and parent are hidden, and a reply has no organization: their errors
        link to the comment box."""
        suffix = (clause.key if clause else "general") + (f"-r{parent.pk}" if parent else "")
        ids = {"body": f"body-{suffix}", "on_behalf_of": f"behalf-{suffix}" if parent is None else f"body-{suffix}"}
        ids["as_organization"] = f"as-org-{suffix}" if parent is None else f"body-{suffix}"
        for name, field in self.fields.items():
            field.widget.attrs["id"] = ids.get(name, ids["body"])


class ReportForm(forms.Form):
    reason = forms.CharField(
        max_length=REPORT_REASON_LENGTH, required=False, widget=with_id(forms.Textarea, "report-reason")
    )


class HideForm(ServiceForm):
    reason = forms.ChoiceField(
        choices=Comment.HIDDEN_REASONS,
        error_messages={
            "required": "Choose one of the listed reasons.",
            "invalid_choice": "Choose one of the listed reasons.",
        },
    )
    note = forms.CharField(max_length=NOTE_LENGTH, required=False)


class StatementForm(VersionForm):
    """A statement for opinion groups; the service says how long it may be (280 characters, once stripped)."""

    text = forms.CharField(
        label="Your statement", max_length=LONG_TEXT_LENGTH, required=False, strip=False,
        widget=forms.Textarea(attrs={"id": "statement-text", "rows": 3}),
    )  # fmt: skip
    clause = forms.CharField(label="About clause", max_length=KEY_LENGTH, required=False)

    def clean_clause(self) -> Clause | None:
        return self.clause_named(self.cleaned_data["clause"])


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=1, error_messages=dict.fromkeys(["required", "invalid"], "No statement."))
    vote = forms.ChoiceField(
        choices=Vote.VOTE_CHOICES,
        error_messages=dict.fromkeys(["required", "invalid_choice"], "Vote agree, disagree or pass."),
    )


class StatementModerationForm(ServiceForm):
    action = forms.ChoiceField(choices=[("show", "Show"), ("reject", "Reject")])
    reason = forms.CharField(max_length=LONG_TEXT_LENGTH, required=False)


class GuidelineForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        to_field_name="slug",
        widget=with_id(forms.Select, "g-organization"),
        error_messages={
            "required": "Choose one of your organizations.",
            "invalid_choice": "Choose one of your organizations.",
        },
    )
    title = forms.CharField(max_length=TITLE_LENGTH, required=False, widget=with_id(forms.TextInput, "g-title"))
    slug = forms.CharField(max_length=SLUG_LENGTH, required=False, widget=with_id(forms.TextInput, "g-slug"))
    description = forms.CharField(
        max_length=LONG_TEXT_LENGTH, required=False, widget=with_id(forms.Textarea, "g-description")
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  declared above; narrows the type for mypy
        field.queryset = organizations


class ClauseForm(forms.Form):
    # The ids of clause_fields.html's inputs, so the error summary's links reach them.
    html_ids = "edit-%s"

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(data, files, auto_id=self.html_ids, **kwargs)

    heading = forms.CharField(max_length=HEADING_LENGTH, error_messages={"required": "The heading cannot be empty."})
    text = forms.CharField(max_length=CLAUSE_TEXT_LENGTH, error_messages={"required": "The text cannot be empty."})
    tags = forms.CharField(required=False, help_text="Comma-separated.")


class AddClauseForm(ClauseForm):
    html_ids = "add-%s"
    key = forms.CharField(max_length=KEY_LENGTH, required=False, validators=[validate_clause_key])


class MoveClauseForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down")],
        error_messages={"invalid_choice": "Move a clause up or down.", "required": "Move a clause up or down."},
    )


class ImportForm(forms.Form):
    """A Markdown document, pasted or uploaded; an upload wins."""

    markdown = forms.CharField(
        max_length=MAX_IMPORT_CHARS, required=False, strip=False, widget=with_id(forms.Textarea, "import-markdown")
    )
    file = forms.FileField(required=False, widget=with_id(forms.ClearableFileInput, "import-file"))
    summary_of_changes = forms.CharField(
        max_length=LONG_TEXT_LENGTH, required=False, widget=with_id(forms.Textarea, "import-summary")
    )

    def clean(self):
        upload = self.cleaned_data.get("file")
        if upload:
            if upload.size > MAX_IMPORT_CHARS:
                raise forms.ValidationError({"markdown": "The file is too large."})
            markdown = upload.read().decode("utf-8", errors="replace")
            if "\x00" in markdown:  # a file's content is no form field: core.middleware cannot refuse it
                raise forms.ValidationError({"markdown": "The file is not a plain-text Markdown document."})
            self.cleaned_data["markdown"] = markdown
        return self.cleaned_data


class PeriodForm(CheckAnswersForm):
    opens_at = forms.DateTimeField(
        label="Opens at",
        required=False,
        error_messages=DATE_TIME_ERRORS,
        widget=with_id(forms.DateTimeInput, "opens-at"),
    )
    closes_at = forms.DateTimeField(
        label="Closes at",
        error_messages={**DATE_TIME_ERRORS, "required": "Say when the comment period closes."},
        widget=with_id(forms.DateTimeInput, "closes-at"),
    )

    def answers(self) -> list[tuple[str, str, str]]:
        (opens, when, anchor), closes = super().answers()
        return [(opens, when or "Now, when you confirm", anchor), closes]


class ExtensionForm(forms.Form):
    closes_at = forms.DateTimeField(
        error_messages={**DATE_TIME_ERRORS, "required": "Say when the comment period closes now."},
        widget=with_id(forms.DateTimeInput, "extend-closes"),
    )
    reason = forms.CharField(max_length=NOTE_LENGTH, required=False, widget=with_id(forms.Textarea, "extend-reason"))


class ResponseForm(VersionForm):
    """An answer to one comment (`comment`), to every unanswered comment of a cluster of near-identical comments
    (`cluster`), or to every unanswered comment on a clause (`clause`, or general)."""

    comment = forms.CharField(max_length=40, required=False)
    cluster = forms.CharField(max_length=40, required=False)
    clause = forms.CharField(max_length=KEY_LENGTH, required=False)
    disposition = forms.ChoiceField(choices=Response.DISPOSITION_CHOICES, error_messages=DISPOSITION_ERRORS)
    text = forms.CharField(max_length=LONG_TEXT_LENGTH, required=False)

    def clean_comment(self) -> Comment | None:
        return self.comment_numbered(self.cleaned_data["comment"], "There is no such comment on this version.")

    def clean_clause(self) -> Clause | None:
        return self.clause_named(self.cleaned_data["clause"])

    def clean_cluster(self) -> CommentCluster | None:
        value = self.cleaned_data["cluster"]
        if not value:
            return None
        cluster = self.version.clusters.filter(pk=parse_id(value) or 0).first()
        if cluster is None:
            raise forms.ValidationError("There is no such cluster of comments on this version.")
        return cluster


class FinalForm(CheckAnswersForm):
    """The summary, and for each clause key a statement of why it changed and the comments that led to it."""

    summary_of_changes = forms.CharField(
        label="Summary of changes",
        max_length=LONG_TEXT_LENGTH,
        required=False,
        widget=with_id(forms.Textarea, "final-summary"),
    )

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = keys
        for key in keys:
            self.fields[f"statement-{key}"] = forms.CharField(
                label=f"{key}: why",
                max_length=LONG_TEXT_LENGTH,
                required=False,
                widget=with_id(forms.Textarea, f"statement-{key}"),
            )
            self.fields[f"comments-{key}"] = forms.CharField(
                label=f"{key}: the comments that led to it",
                max_length=2000,
                required=False,
                widget=with_id(forms.TextInput, f"comments-{key}"),
            )

    def clause_fields(self, kinds: dict[str, str]) -> list[tuple]:
        """(key, kind, statement field, comments field) for each clause, so a changed answer is shown again."""
        return [(key, kind, self[f"statement-{key}"], self[f"comments-{key}"]) for key, kind in kinds.items()]

    def clean(self):
        statements = {}
        for key in self.keys:
            ids = [parse_id(i) for i in self.cleaned_data.get(f"comments-{key}", "").replace(",", " ").split()]
            if None in ids:
                raise forms.ValidationError(f"Comments for {key}: give comment numbers, like 12 15.")
            statements[key] = {"text": self.cleaned_data.get(f"statement-{key}", ""), "comments": ids}
        self.cleaned_data["statements"] = statements
        return self.cleaned_data

    def check_page(self, version) -> dict[str, str]:
        """The check page's words before `version` is published as final."""
        return {
            "title": f"Check the final version {version.number}",
            "button": "Publish the final version",
            "warning": "Once published, this version is final and the previous final version is superseded.",
        }

    def arguments(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("summary_of_changes", "statements")}


class CommentSearchForm(ListFilterForm):
    no_such_page = "No such page of comments."

    q = forms.CharField(
        label="Search the comments",
        max_length=QUERY_MAX,
        error_messages=QUERY_ERRORS,
    )


class ClusterPageForm(forms.Form):
    """The cursor of a cluster's page of members: the id of the last comment already seen."""

    after = forms.IntegerField(min_value=0, max_value=2**63 - 1, required=False)

    def after_id(self) -> int:
        return (self.cleaned_data.get("after") or 0) if self.is_valid() else 0


class CommentListForm(ListFilterForm):
    no_such_page = "No such page of comments."
    period_label = "Posted"

    organization = forms.SlugField(label="Organization", required=False)
    guideline = forms.SlugField(label="Guideline", required=False)
    version = forms.IntegerField(label="Version number", required=False, min_value=1, max_value=100_000)
    clause = forms.CharField(label="Clause key", required=False, max_length=KEY_LENGTH)
    disposition = forms.ChoiceField(
        label="Answer", required=False, choices=[("", "Any answer"), *Response.DISPOSITION_CHOICES]
    )
    answered = forms.ChoiceField(label="Answered", required=False, choices=[("", "Either"), ("yes", "Answered")])

    def comments(self) -> QuerySet[Comment]:
        if self.is_bound and not self.is_valid():
            return Comment.objects.none()
        return selectors.public_comments(**self.filters())
