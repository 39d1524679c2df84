"""Atom feeds: the decision database, filtered as its page is, and one appeal's public timeline."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from appeals import forms, selectors
from appeals.models import Appeal, AppealEvent, Decision

ITEMS = 50


class InvalidFilters(Exception):
    def __init__(self, form: forms.DecisionSearchForm):
        self.form = form


class DecisionsFeed(Feed):
    """The newest decisions that match the same filters as /decisions/, through the same form: a subscription to
    "decisions overturning refusals by Acme under R-1.1" is the page's address with /feeds/ in front."""

    feed_type = Atom1Feed
    subtitle = "Independent reviewers' decisions on appeals against AI refusals, newest first."

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as invalid:
            return HttpResponseBadRequest(invalid.form.errors.as_text(), content_type="text/plain; charset=utf-8")

    def get_object(self, request) -> forms.DecisionSearchForm:
        form = forms.DecisionSearchForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            raise InvalidFilters(form)
        return form

    def title(self, form: forms.DecisionSearchForm) -> str:
        return "Who Decides: decisions" + (" matching your filters" if form.query_without_page() else "")

    def link(self, form: forms.DecisionSearchForm) -> str:
        query = form.query_without_page()
        return reverse("decisions") + (f"?{query}" if query else "")

    def items(self, form: forms.DecisionSearchForm):
        # Newest first even for a search: a feed reader shows what is new, the page shows what matches best.
        return form.search().order_by("-pk")[:ITEMS]

    def item_title(self, item: Decision) -> str:
        return f"{item.get_outcome_display()}: {item.appeal.public_id} ({item.system.name} of {item.organization.name})"

    def item_description(self, item: Decision) -> str:
        cited = ", ".join(item.cited_clause_keys)
        return (f"<p>Cites {cited}.</p>" if cited else "") + item.rationale_html

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Decision) -> datetime:
        return item.decided_at

    def item_updateddate(self, item: Decision) -> datetime:
        return item.decided_at


class AppealFeed(Feed):
    """One appeal's public timeline, newest step first: what its page shows to everyone, never private data."""

    feed_type = Atom1Feed

    def get_object(self, request, public_id: str) -> Appeal:
        return get_object_or_404(selectors.appeals_for_pages(), public_id=public_id)

    def title(self, appeal: Appeal) -> str:
        return f"Appeal {appeal.public_id}: its timeline"

    def link(self, appeal: Appeal) -> str:
        return appeal.get_absolute_url()

    def subtitle(self, appeal: Appeal) -> str:
        system = appeal.refusal.system
        return f"Each public step of the appeal against a refusal by {system.name} of {system.organization.name}."

    def items(self, appeal: Appeal):
        return appeal.events.select_related("appeal").order_by("-at", "-pk")[:ITEMS]

    def item_title(self, item: AppealEvent) -> str:
        return item.label + (f" · {item.actor}" if item.actor else "")

    def item_description(self, item: AppealEvent) -> str:
        return item.note

    def item_link(self, item: AppealEvent) -> str:
        return reverse("appeal", args=[item.appeal.public_id]) + f"#event-{item.pk}"

    def item_pubdate(self, item: AppealEvent) -> datetime:
        return item.at

    def item_updateddate(self, item: AppealEvent) -> datetime:
        return item.at
