"""The webhook pages of an organization, for its publishers only: its endpoints and subscribing one, an endpoint's
deliveries (newest first, paged by id), a delivery's attempts, and rotating, disabling and replaying."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Organization
from core.forms import ConfirmForm, act_and_tell, first_error, run_service
from webhooks.forms import DeliveriesPageForm, EndpointForm
from webhooks.models import Delivery, Endpoint
from webhooks.services import delivering
from webhooks.services import endpoints as service

PAGE_SIZE = 50
ATTEMPTS_SHOWN = 100  # at most 8 scheduled, and replays are limited per hour: the newest hundred say enough
SHOWN_ONCE = "webhook-secret-{pk}"  # the session holds a new secret until the page that shows it once


def _organization(request, org: str) -> Organization:
    organization = get_object_or_404(Organization, slug=org)
    if not permissions.can_publish_for(request.user, organization):
        raise PermissionDenied(service.NOT_PUBLISHER)
    return organization


def _endpoint(request, org: str, pk: int) -> Endpoint:
    organization = _organization(request, org)
    return get_object_or_404(Endpoint.objects.select_related("organization"), organization=organization, pk=pk)


@login_required
def endpoints(request, org: str):
    organization = _organization(request, org)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = run_service(
            form, service.subscribe_endpoint, organization=organization, by=request.user, **form.arguments()
        )
        if made:
            endpoint, secret = made
            request.session[SHOWN_ONCE.format(pk=endpoint.pk)] = secret
            return redirect(endpoint)
    context = {"organization": organization, "form": form, "endpoints": list(organization.webhook_endpoints.all())}
    return render(request, "webhooks/endpoints.html", context, status=400 if form.errors else 200)


@login_required
def endpoint(request, org: str, pk: int):
    endpoint = _endpoint(request, org, pk)
    page = DeliveriesPageForm(request.GET)
    if not page.is_valid():
        return render(request, "webhooks/endpoint.html", {"endpoint": endpoint, "page_form": page}, status=400)
    deliveries = endpoint.deliveries.for_page()
    if before := page.cleaned_data["before"]:
        deliveries = deliveries.filter(pk__lt=before)
    shown = list(deliveries[: PAGE_SIZE + 1])
    context = {
        "endpoint": endpoint,
        "organization": endpoint.organization,
        "secret": request.session.pop(SHOWN_ONCE.format(pk=endpoint.pk), None),
        "deliveries": shown[:PAGE_SIZE],
        "older": shown[PAGE_SIZE - 1].pk if len(shown) > PAGE_SIZE else None,
    }
    return render(request, "webhooks/endpoint.html", context)


@require_POST
@login_required
def rotate(request, org: str, pk: int):
    endpoint = _endpoint(request, org, pk)
    form = ConfirmForm(request.POST)
    if secret := run_service(form, service.rotate_secret, endpoint=endpoint, by=request.user):
        request.session[SHOWN_ONCE.format(pk=endpoint.pk)] = secret
        messages.success(request, "A new secret is made. The old one still signs for 24 hours.")
    else:
        messages.error(request, first_error(form))
    return redirect(endpoint)


@require_POST
@login_required
def change_state(request, org: str, pk: int):
    endpoint = _endpoint(request, org, pk)
    enabling = request.POST.get("action") == "enable"
    change = service.enable_endpoint if enabling else service.disable_endpoint
    if act_and_tell(request, ConfirmForm(request.POST), change, endpoint=endpoint):
        messages.success(request, "The endpoint is enabled." if enabling else "The endpoint is disabled.")
    return redirect(endpoint)


@require_POST
@login_required
def remove(request, org: str, pk: int):
    endpoint = _endpoint(request, org, pk)
    if act_and_tell(request, ConfirmForm(request.POST), service.remove_endpoint, endpoint=endpoint):
        messages.success(request, f"The endpoint {endpoint.url} is removed, with its deliveries.")
        return redirect("webhook-endpoints", org)
    return redirect(endpoint)


def _delivery(request, org: str, pk: int, delivery: int) -> Delivery:
    endpoint = _endpoint(request, org, pk)
    found = get_object_or_404(Delivery.objects.select_related("event"), endpoint=endpoint, pk=delivery)
    found.endpoint = endpoint
    return found


@login_required
def delivery(request, org: str, pk: int, delivery: int):
    found = _delivery(request, org, pk, delivery)
    attempts = found.attempt_rows.select_related("requested_by")[:ATTEMPTS_SHOWN]
    context = {"delivery": found, "endpoint": found.endpoint, "attempts": list(attempts)}
    return render(request, "webhooks/delivery.html", context)


@require_POST
@login_required
def replay(request, org: str, pk: int, delivery: int):
    found = _delivery(request, org, pk, delivery)
    if act_and_tell(request, ConfirmForm(request.POST), delivering.replay_delivery, delivery=found):
        messages.success(request, "The message is sent again with the same webhook-id; its attempt is listed below.")
    return redirect(found)
