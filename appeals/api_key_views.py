"""Publishers' pages for their organization's API keys: the list, making one (its value shown once), revoking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import key_services, permissions
from accounts.forms import ApiKeyForm
from accounts.models import ApiKey, Organization
from core.forms import run_service

# The session key holding a new key's value until the page showing it is rendered once.
JUST_MADE = "api_key_just_made"


def _organization(request, org: str) -> Organization:
    organization = get_object_or_404(Organization, slug=org)
    if not permissions.can_manage_api_keys(request.user, organization):
        raise PermissionDenied(f"Only {organization.name}'s publishers see and make its API keys.")
    return organization


@login_required
def api_keys(request, org: str):
    organization = _organization(request, org)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = {"organization": organization, "by": request.user, **form.arguments()}
        if made := run_service(form, key_services.create_api_key, **arguments):
            key, whole = made
            # Shown on the page this redirects to, then forgotten: a reload or a second submit never shows it again.
            request.session[JUST_MADE] = {"pk": key.pk, "value": whole}
            return redirect("organization-api-keys", org=organization.slug)
    just_made = request.session.pop(JUST_MADE, None)
    context = {
        "organization": organization,
        "form": form,
        "keys": list(organization.api_keys.select_related("created_by", "revoked_by")),
        "just_made": just_made,
    }
    response = render(request, "appeals/api_keys.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def revoke_api_key(request, org: str, pk: int):
    organization = _organization(request, org)
    key = get_object_or_404(ApiKey, organization=organization, pk=pk)
    key_services.revoke_api_key(key=key, by=request.user)
    messages.success(request, f"The key wd_{key.prefix}_… is revoked: requests with it are refused from now on.")
    return redirect("organization-api-keys", org=organization.slug)
