"""Every organization, and an organization's public page: its guidelines and how it answers the recommendations
made to it."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts import permissions
from accounts.models import Organization
from appeals import forms, selectors
from consultation.selectors import public_guidelines

RECOMMENDATIONS_PER_PAGE = 20
OVERDUE_SHOWN = 50  # listed at the top; the overdue view lists them all


def organization_list(request):
    listings = selectors.organization_directory(timezone.now())
    return render(request, "appeals/organization_list.html", {"listings": listings})


def organization(request, org: str):
    organization = get_object_or_404(Organization, slug=org)
    form = forms.RecommendationFilterForm(request.GET or None)
    if form.has_error("before"):
        raise Http404("No such page of recommendations.")
    now = timezone.now()
    listed = selectors.listed_recommendations().filter(organization=organization)
    page = list(form.filter(listed, now=now)[: RECOMMENDATIONS_PER_PAGE + 1])
    context = {
        "organization": organization,
        "guidelines": list(public_guidelines(organization=organization.slug).order_by("title")),
        "systems": list(organization.ai_systems.order_by("name")),
        "tracker": selectors.recommendation_tracker(organization, now),
        "overdue": list(listed.overdue(now).order_by("respond_by", "pk")[:OVERDUE_SHOWN]),
        "form": form,
        "recommendations": page[:RECOMMENDATIONS_PER_PAGE],
        "older": page[RECOMMENDATIONS_PER_PAGE - 1].pk if len(page) > RECOMMENDATIONS_PER_PAGE else None,
        "query": form.query_without_page(),
        "is_publisher": permissions.can_publish_for(request.user, organization),
        "response_days": settings.RECOMMENDATION_RESPONSE_DAYS,
    }
    return render(request, "appeals/organization.html", context, status=400 if form.errors else 200)
