"""The public list of comments across versions, which the statistics link to: published top-level comments (the
ones a publisher answers), filtered by organization, guideline, version, clause, disposition, answered, month."""

from django import forms
from django.db.models import QuerySet

from consultation.models import KEY_LENGTH, Comment, Response
from core.forms import ListFilterForm
from core.periods import within_months


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
        return public_comments(**(self.cleaned_data if self.is_bound else {}))


def public_comments(
    *,
    organization: str = "",
    guideline: str = "",
    version: int | None = None,
    clause: str = "",
    disposition: str = "",
    answered: str = "",
    first=None,
    last=None,
    before: int | None = None,
    **ignored,
) -> QuerySet[Comment]:
    comments = (
        Comment.objects.published().top_level().select_related("version__guideline__organization", "clause", "response")
    )
    if organization:
        comments = comments.filter(version__guideline__organization__slug=organization)
    if guideline:
        comments = comments.filter(version__guideline__slug=guideline)
    if version:
        comments = comments.filter(version__number=version)
    if clause:
        comments = comments.filter(clause__key=clause)
    if disposition:
        comments = comments.filter(response__disposition=disposition)
    if answered:
        comments = comments.filter(response__isnull=False)
    comments = comments.filter(within_months("created_at", first, last))
    if before:
        comments = comments.filter(pk__lt=before)
    return comments.order_by("-pk")
