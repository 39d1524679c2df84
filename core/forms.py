"""Showing a service's refusal on the form that asked for it, and checking answers before an irreversible act."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from core.ids import parse_id
from core.periods import PERIOD_HELP, period_fields_clean

T = TypeVar("T")


def add_service_errors(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """Field errors go next to their fields; the rest (and a refusal) above the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "You may not do this.")
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


Refusals = tuple[type[ValidationError | PermissionDenied], ...]
INVALID: Refusals = (ValidationError,)
REFUSED: Refusals = (ValidationError, PermissionDenied)


def run_service(
    form: forms.Form, service: Callable[..., T], /, *, shown: Refusals = INVALID, **arguments: Any
) -> T | None:
    """`service(**arguments)`, or None with its refusal added to `form` (then `form.errors` says why).

    `shown` names the refusals that belong on the form. By default only an invalid request does, and a
    PermissionDenied goes up to be the 403 page, as anywhere in Django; a page that answers a refusal in place
    (a moderator's conflict of interest next to the button) passes `shown=REFUSED`."""
    try:
        return service(**arguments)
    except shown as error:
        add_service_errors(form, error)
        return None


def act_and_tell(
    request: HttpRequest,
    form: "ServiceForm",
    service: Callable[..., object],
    /,
    *,
    shown: Refusals = INVALID,
    **arguments: Any,
) -> bool:
    """For a button that returns to its page: run `service` by the signed-in person with `arguments` and the
    form's values, and say in a message why it was refused, if it was."""
    if form.is_valid():
        run_service(form, service, shown=shown, by=request.user, **arguments, **form.arguments())
    if form.errors:
        messages.error(request, " ".join(str(message) for problems in form.errors.values() for message in problems))
    return not form.errors


def first_error(form: forms.Form) -> str:
    """The first reason a form was refused, for a one-line message after a redirect."""
    return str(next(iter(form.errors.values()))[0])


CONFIRM, CHANGE = "confirm", "change"


class SiteForm(forms.Form):
    """Questions without a trailing colon, as everywhere on the site."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ServiceForm(SiteForm):
    """A form whose cleaned values are the keyword arguments of one service."""

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ConfirmForm(ServiceForm):
    """A button with nothing to fill in."""


class MonthsForm(SiteForm):
    """`from` and `to` as months or quarters (`?from=2026-01&to=2026-03`, `?from=2026-Q1`), both ends included,
    cleaned into `first` and `last`; a subclass may leave them out (`period_labels = None`)."""

    period_labels: tuple[str, str] | None = ("From", "To")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in zip(["from", "to"], self.period_labels or [], strict=False):
            self.fields[name] = forms.CharField(label=label, required=False, max_length=10, help_text=PERIOD_HELP)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.period_labels:
            try:
                cleaned["first"], cleaned["last"] = period_fields_clean(cleaned)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name, messages)
        return cleaned


def unknown_parameters(given: Iterable[str], known: Iterable[str]) -> str:
    """ "Unknown parameter: topik" for the query parameters a list does not read, or "" when it reads them all: a
    misspelt filter is refused rather than silently showing the whole list."""
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return ""
    return f"Unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"


class ListFilterForm(MonthsForm):
    """The filters of a public list paged by id: `before`, the cursor (refused with `no_such_page` when it is not an
    id), and, when `period_label` is set, `from` and `to` as months or quarters, cleaned into `first` and `last`.
    Any other query parameter is refused by name (`unknown_parameters`)."""

    no_such_page = "No such page."
    period_label = ""  # "Filed" gives the fields "Filed from" and "Filed up to"
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if problem := unknown_parameters(self.data, self.fields):
            raise ValidationError(problem, code="unknown_parameter")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as a list selector takes them: `first` and `last` rather than `from` and `to`."""
        cleaned = self.cleaned_data if self.is_bound else {}
        return {key: value for key, value in cleaned.items() if key not in ("from", "to")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.period_labels = (f"{self.period_label} from", f"{self.period_label} up to") if self.period_label else None
        super().__init__(*args, **kwargs)

    def clean_before(self) -> int | None:
        before = self.cleaned_data["before"]
        if before and parse_id(before) is None:
            raise ValidationError(self.no_such_page, code="no_such_page")
        return parse_id(before) if before else None

    def query_without_page(self) -> str:
        """The filters as a query string, for the link to the next page."""
        cleaned = getattr(self, "cleaned_data", {})
        return urlencode({key: value for key, value in cleaned.items() if value and key not in PAGE_KEYS})


PAGE_KEYS = {"before", "first", "last"}  # the cursor, and what `from` and `to` were cleaned into


class CheckAnswersForm(SiteForm):
    """A form for something that cannot be undone: its answers are shown to check before anything happens."""

    def answers(self) -> list[tuple[str, str, str]]:
        """(question, answer, id of its field) for each field the form showed, in order; the answer as the person
        would say it. A choice with nothing to choose from is not shown (the form's templates leave it out), so it is
        not listed as "Not given" either."""
        return [(str(field.label), _answer(field), field_anchor(field)) for field in self if _was_shown(field)]


def field_anchor(field: forms.BoundField) -> str:
    """The id a link to this field should point at: its input, or the first of its radios or checkboxes."""
    return field.id_for_label or f"{field.auto_id}_0"


def _was_shown(field: forms.BoundField) -> bool:
    return not isinstance(field.field, forms.ChoiceField) or bool(field.field.choices)


def _answer(field: forms.BoundField) -> str:
    value = field.form.cleaned_data.get(field.name)
    if isinstance(field.field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field.field, forms.ChoiceField):
        # A ChoiceField keeps its choices as a list of pairs; the stubs type what may be assigned to it.
        labels = dict(field.field.choices)  # type: ignore[arg-type]
        chosen = value if isinstance(value, list | tuple) else [value]
        named = (labels.get(choice, labels.get(str(choice), choice)) for choice in chosen if choice not in (None, ""))
        return ", ".join(str(label) for label in named)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i T")
    return "" if value is None else str(value)


def check_answers(
    request: HttpRequest, form: CheckAnswersForm, *, show_form: Callable[[], HttpResponse], **page: str
) -> HttpResponse | None:
    """The page to show before an action that cannot be undone, or None once the person has confirmed.

    The form posts to its own view. Invalid answers, or a "Change" on the check page, show the form again with its
    values (`show_form()`); valid answers show them with a button that posts the same values with `confirm=1`.
    `page` gives the check page's `title`, `warning` (what cannot be undone) and `button`."""
    if not form.is_valid() or CHANGE in request.POST:
        return show_form()
    if request.POST.get(CONFIRM) == "1":
        return None
    carried = [
        (name, value)
        for name in request.POST
        for value in request.POST.getlist(name)
        if name not in ("csrfmiddlewaretoken", CONFIRM, CHANGE)
    ]
    context = {"answers": form.answers(), "carried": carried, "action": request.path, **page}
    return render(request, "check_answers.html", context)
