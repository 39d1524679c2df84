"""The pages every public service has, written for this site: help, contact, accessibility and privacy."""

from django.conf import settings
from django.shortcuts import render


def _page(request, name: str, **context):
    return render(request, f"pages/{name}.html", {"contact_email": settings.CONTACT_EMAIL, **context})


def help_page(request):
    return _page(request, "help", appeal_days=settings.APPEAL_DAYS, appeals_per_day=settings.APPEALS_PER_DAY)


def contact(request):
    return _page(request, "contact")


def accessibility(request):
    return _page(request, "accessibility")


def privacy(request):
    return _page(request, "privacy", appeal_days=settings.APPEAL_DAYS)
