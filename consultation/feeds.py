"""Atom feeds: consultations opening and closing, a guideline's versions, a version's suggested wording, and the
close-outs published with final versions."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from consultation import selectors
from consultation.models import CloseOut, CommentPeriod, Guideline, GuidelineVersion, Suggestion

ITEMS = 50


@dataclass
class Event:
    period: CommentPeriod
    kind: str  # "opened" or "closed"
    at: datetime


class ConsultationsFeed(Feed):
    feed_type = Atom1Feed
    title = "Who Decides: consultations opening and closing"
    link = "/guidelines/"
    subtitle = "Comment periods on AI refusal guidelines, as they open and close."

    def items(self):
        now = timezone.now()
        periods = (
            CommentPeriod.objects.filter(opens_at__lte=now, version__status__in=[GuidelineVersion.CONSULTATION])
            .select_related("version__guideline__organization")
            .order_by("-opens_at")[:ITEMS]
        )
        closed = (
            CommentPeriod.objects.closed(now)
            .select_related("version__guideline__organization")
            .order_by("-closes_at")[:ITEMS]
        )
        events = [Event(p, "opened", p.opens_at) for p in periods] + [Event(p, "closed", p.closes_at) for p in closed]
        return sorted(events, key=lambda e: e.at, reverse=True)[:ITEMS]

    def item_title(self, item: Event) -> str:
        version = item.period.version
        verb = "Open for comment" if item.kind == "opened" else "Comment period closed"
        return f"{verb}: {version.guideline.title} v{version.number} ({version.guideline.organization.name})"

    def item_description(self, item: Event) -> str:
        period = item.period
        if item.kind == "opened":
            return f"Comments are taken until {period.closes_at:%d %B %Y, %H:%M} UTC."
        return "The comment period has closed; the organization now answers the comments."

    def item_link(self, item: Event) -> str:
        return item.period.version.get_absolute_url()

    def item_guid(self, item: Event) -> str:
        return f"{item.period.version.get_absolute_url()}#{item.kind}"

    def item_pubdate(self, item: Event) -> datetime:
        return item.at

    def item_updateddate(self, item: Event) -> datetime:
        return item.at


class GuidelineFeed(Feed):
    """A guideline's public versions, newest first: each draft put out for comment, and each final version."""

    feed_type = Atom1Feed

    def get_object(self, request, org: str, slug: str) -> Guideline:
        return selectors.visible_guideline(request.user, org=org, slug=slug)

    def title(self, guideline: Guideline) -> str:
        return f"{guideline.title} ({guideline.organization.name}): versions and consultations"

    def link(self, guideline: Guideline) -> str:
        return guideline.get_absolute_url()

    def subtitle(self, guideline: Guideline) -> str:
        return "Each version of this refusal guideline as it is put out for comment or published as final."

    def items(self, guideline: Guideline):
        versions = guideline.versions.public().select_related("guideline__organization", "comment_period")
        return versions.order_by("-number")[:ITEMS]

    def item_title(self, item: GuidelineVersion) -> str:
        period = item.period
        if item.status == GuidelineVersion.CONSULTATION and period:
            state = "open for comment" if period.is_open else period.state
            return f"Version {item.number}: draft under consultation ({state})"
        return f"Version {item.number}: {item.get_status_display().lower()} version"

    def item_description(self, item: GuidelineVersion) -> str:
        period = item.period
        when = ""
        if item.status == GuidelineVersion.CONSULTATION and period:
            opens, closes = f"{period.opens_at:%d %B %Y}", f"{period.closes_at:%d %B %Y, %H:%M}"
            when = f"<p>Comments are taken from {opens} until {closes} UTC.</p>"
        return f"{when}{item.summary_html}"

    def item_link(self, item: GuidelineVersion) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: GuidelineVersion) -> datetime:
        return item.published_at or item.created_at

    def item_updateddate(self, item: GuidelineVersion) -> datetime:
        return item.published_at or item.created_at


class SuggestionsFeed(Feed):
    """A version's suggested wording, newest first, each updated when the publisher decides it."""

    feed_type = Atom1Feed

    def get_object(self, request, org: str, slug: str, number: int) -> GuidelineVersion:
        return selectors.visible_version(request.user, org=org, slug=slug, number=number)

    def title(self, version: GuidelineVersion) -> str:
        return f"Suggested wording: {version.guideline.title} v{version.number} ({version.guideline.organization.name})"

    def link(self, version: GuidelineVersion) -> str:
        return version.get_absolute_url()

    def subtitle(self, version: GuidelineVersion) -> str:
        return "Citizens' suggested wording for the clauses of this version, and the organization's decisions."

    def items(self, version: GuidelineVersion):
        found = selectors.suggestions_for_display(version).select_related("version__guideline__organization")
        return found.order_by("-created_at", "-pk")[:ITEMS]

    def item_title(self, item: Suggestion) -> str:
        decision = selectors.decision_of(item)
        decided = f" — {decision.get_outcome_display().lower()}" if decision else ""
        return f"{item.get_kind_display()} ({item.clause.key}), by {item.author.public_name}{decided}"

    def item_description(self, item: Suggestion) -> str:
        decision = selectors.decision_of(item)
        answer = f"<p><strong>{decision.get_outcome_display()}</strong></p>{decision.reason_html}" if decision else ""
        return f"<p>{item.redline_html}</p>{item.reason_html}{answer}"

    def item_link(self, item: Suggestion) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Suggestion) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Suggestion) -> datetime:
        decision = selectors.decision_of(item)
        return decision.created_at if decision else item.created_at


class CloseOutsFeed(Feed):
    feed_type = Atom1Feed
    title = "Who Decides: close-outs (you said, we did)"
    link = "/guidelines/"
    subtitle = "What each consultation heard and what the organization did with it, as each final version is published."

    def items(self):
        return CloseOut.objects.select_related("version__guideline__organization").order_by("-created_at", "-pk")[
            :ITEMS
        ]

    def item_title(self, item: CloseOut) -> str:
        guideline = item.version.guideline
        return f"You said, we did: {guideline.title} v{item.version.number} ({guideline.organization.name})"

    def item_description(self, item: CloseOut) -> str:
        totals = item.document.get("totals", {})
        suggestions = totals.get("suggestions", {})
        decided = sum(suggestions.values())
        return (
            f"{totals.get('comments', 0)} comments ({totals.get('arguments', 0)} distinct arguments), "
            f"{totals.get('answered', 0)} answered; {decided} suggestions decided. SHA-256 {item.document_sha256}."
        )

    def item_link(self, item: CloseOut) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: CloseOut) -> datetime:
        return item.created_at

    def item_updateddate(self, item: CloseOut) -> datetime:
        return item.created_at
