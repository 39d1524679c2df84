"""Showing a service's refusal on the form that asked for it."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

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


def run_service(form: forms.Form, action: Callable[[], T]) -> T | None:
    """`action()`'s result, or None with its refusal added to `form` (then `form.errors` says why)."""
    try:
        return action()
    except (ValidationError, PermissionDenied) as error:
        add_service_errors(form, error)
        return None


def first_error(form: forms.Form) -> str:
    """The first reason a form was refused, for a one-line message after a redirect."""
    return next(iter(form.errors.values()))[0]
