"""An organization's email domains: the publishers' page that asks for a verification link, and the page the link
opens (a button, so a mail scanner following links verifies nothing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.domains import confirm_domain, domain_from_token, request_domain_verification
from accounts.forms import EmailDomainForm
from accounts.models import EmailDomain, Organization
from accounts.permissions import can_publish_for
from core.forms import REFUSED, add_service_errors
from core.ids import parse_id

DOMAINS_PAGE_SIZE = 50


@login_required
def email_domains(request, org: str):
    organization = get_object_or_404(Organization, slug=org)
    if not can_publish_for(request.user, organization):
        raise PermissionDenied(f"Only the publishers of {organization.name} may verify its email domains.")
    form = EmailDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = request_domain_verification(organization=organization, **form.cleaned_data, by=request.user)
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"We mailed a link to {pending.proof_address}. Follow it to verify the domain.")
            return redirect("email-domains", organization.slug)
    before = parse_id(request.GET.get("before", ""))
    rows = EmailDomain.objects.filter(organization=organization).order_by("-pk")
    found = list((rows.filter(pk__lt=before) if before else rows)[: DOMAINS_PAGE_SIZE + 1])
    older = found[DOMAINS_PAGE_SIZE - 1].pk if len(found) > DOMAINS_PAGE_SIZE else None
    context = {"organization": organization, "domains": found[:DOMAINS_PAGE_SIZE], "older": older, "form": form}
    return render(request, "accounts/email_domains.html", context, status=400 if form.errors else 200)


def confirm(request, token: str):
    try:
        email_domain = domain_from_token(token)
        if request.method == "POST":
            email_domain = confirm_domain(token=token)
            messages.success(request, f"{email_domain.domain} is verified for {email_domain.organization.name}.")
            return redirect("organization", email_domain.organization.slug)
    except ValidationError as error:
        return render(request, "accounts/domain_confirm.html", {"refused": error.messages[0]}, status=400)
    return render(request, "accounts/domain_confirm.html", {"email_domain": email_domain})
