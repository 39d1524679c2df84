from django.shortcuts import render
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

from config.api import json_not_found, json_server_error
from ledger.models import Entry


def home(request):
    return render(request, "home.html", {"recent_entries": Entry.objects.order_by("-seq")[:5]})


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return html_server_error(request)
