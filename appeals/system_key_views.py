"""The keys AI systems sign refusal receipts with: a public page per system (and its JWKS in the API), and the
publishers' pages to add a key and to retire one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from appeals import forms
from appeals.models import AISystem, SystemKey
from appeals.services import system_keys
from core.forms import run_service


def _system(org: str, system: str) -> AISystem:
    return get_object_or_404(AISystem.objects.select_related("organization"), organization__slug=org, slug=system)


def _publisher_only(request, system: AISystem) -> None:
    if not permissions.can_publish_for(request.user, system.organization):
        raise PermissionDenied(system_keys.NOT_A_PUBLISHER)


def system_key_list(request, org: str, system: str):
    ai_system = _system(org, system)
    context = {
        "system": ai_system,
        "keys": list(ai_system.keys.order_by("valid_from", "pk")),
        "is_publisher": permissions.can_publish_for(request.user, ai_system.organization),
    }
    return render(request, "appeals/system_keys.html", context)


@login_required
def add_system_key(request, org: str, system: str):
    ai_system = _system(org, system)
    _publisher_only(request, ai_system)
    form = forms.SystemKeyForm(request.POST or None)
    arguments = {"by": request.user, "system": ai_system}
    if (
        request.method == "POST"
        and form.is_valid()
        and (key := run_service(form, system_keys.add_system_key, **arguments, **form.arguments()))
    ):
        messages.success(request, f"Key {key.kid} is registered and on the record.")
        return redirect("system-keys", org, system)
    context = {"system": ai_system, "form": form}
    return render(request, "appeals/add_system_key.html", context, status=400 if form.errors else 200)


@login_required
def retire_system_key(request, org: str, system: str, kid: str):
    ai_system = _system(org, system)
    _publisher_only(request, ai_system)
    key = get_object_or_404(SystemKey, system=ai_system, kid=kid)
    form = forms.RetireKeyForm(request.POST or None)
    retired = request.method == "POST" and form.is_valid()
    if retired and run_service(form, system_keys.retire_system_key, by=request.user, key=key, **form.arguments()):
        messages.success(request, f"Key {key.kid} is retired; the change is on the record.")
        return redirect("system-keys", org, system)
    context = {"system": ai_system, "key": key, "form": form}
    return render(request, "appeals/retire_system_key.html", context, status=400 if form.errors else 200)
