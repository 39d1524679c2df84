"""Atom feeds of consultations opening and closing, and of the close-outs published with final versions."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from consultation.models import CloseOut, CommentPeriod, GuidelineVersion

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
