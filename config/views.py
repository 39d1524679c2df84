from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

from appeals.selectors import recent_decisions
from consultation.selectors import open_consultations, upcoming_consultations
from core.api import json_not_found, json_server_error
from ledger.models import Entry

HOME_LIST_LENGTH = 5


def home(request):
    return render(
        request,
        "home.html",
        {
            "open_periods": open_consultations()[:HOME_LIST_LENGTH],
            "upcoming_periods": upcoming_consultations()[:HOME_LIST_LENGTH],
            "decisions": recent_decisions(limit=HOME_LIST_LENGTH),
            "recent_entries": Entry.objects.order_by("-seq")[:HOME_LIST_LENGTH],
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon itself is a static file."""
    return redirect(static("favicon.ico"), permanent=True)


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return html_server_error(request)
