"""Campaigns: clusters of near-identical comments and bursts of comments from new accounts."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMinute
from django.utils import timezone

from consultation.models import (
    Comment,
    CommentCluster,
    GuidelineVersion,
)

# Mass campaigns ------------------------------------------------------------------------------------------------------


def cluster_members(cluster: CommentCluster, *, after: int = 0, limit: int) -> tuple[list[Comment], int | None]:
    """A page of a cluster's members in the order they were posted, after comment id `after` (a cursor, so the
    hundredth page costs what the first does: the index on (cluster, id)), and the cursor of the next page."""
    members = list(cluster.members.filter(pk__gt=after).for_display().order_by("pk")[: limit + 1])
    return members[:limit], members[limit - 1].pk if len(members) > limit else None


def distinct_arguments(version: GuidelineVersion) -> int:
    """How many different things were said: one per cluster of near-identical comments, plus each comment the
    clustering task has not reached yet (counted as distinct until it has)."""
    return version.clusters.count() + version.comments.filter(cluster__isnull=True).count()


@dataclass
class Burst:
    """Many new accounts posting the same or nearly the same text within minutes: one cluster's span of it."""

    cluster: CommentCluster
    starts_at: datetime
    ends_at: datetime
    new_accounts: int
    comments: list[Comment] = field(default_factory=list)


def bursts(*, cluster: CommentCluster | None = None, now: datetime | None = None) -> list[Burst]:
    """Clusters with at least BURST_MIN_ACCOUNTS comments from new accounts (joined less than
    BURST_NEW_ACCOUNT_HOURS before posting) within some BURST_WINDOW_MINUTES, where new accounts wrote at least
    BURST_NEW_SHARE of that window's comments; over the last BURST_LOOKBACK_DAYS, largest first.

    Counted per minute in SQL (an index on created_at), so the page reads at most one row per cluster and minute,
    then slides the window in Python; the accounts shown are read in one more query. With `cluster`, only its
    burst (if it is one)."""
    now = now or timezone.now()
    new_account = Q(author__date_joined__gte=F("created_at") - timedelta(hours=settings.BURST_NEW_ACCOUNT_HOURS))
    comments = cluster.members.all() if cluster else Comment.objects.all()
    minutes = (
        comments.published()
        .filter(created_at__gte=now - timedelta(days=settings.BURST_LOOKBACK_DAYS))
        .filter(cluster__size__gte=settings.BURST_MIN_ACCOUNTS)
        .annotate(minute=TruncMinute("created_at"))
        .order_by()
        .values("cluster_id", "minute")
        .annotate(total=Count("pk"), new=Count("pk", filter=new_account))
    )
    per_cluster: dict[int, list[tuple[datetime, int, int]]] = {}
    for row in minutes:
        per_cluster.setdefault(row["cluster_id"], []).append((row["minute"], row["total"], row["new"]))
    spans = {pk: span for pk, rows in per_cluster.items() if (span := _burst_span(sorted(rows)))}
    clusters = CommentCluster.objects.select_related("representative__author", "version__guideline__organization")
    found = [Burst(cluster, *spans[cluster.pk]) for cluster in clusters.filter(pk__in=spans)]
    found.sort(key=lambda burst: (-burst.new_accounts, burst.cluster.pk))
    found = found[: settings.BURSTS_SHOWN]
    _attach_burst_comments(found, new_account)
    return found


def _burst_span(rows: list[tuple[datetime, int, int]]) -> tuple[datetime, datetime, int] | None:
    """From the first to the last minute of every qualifying window, and the new accounts' comments in it."""
    window, minute_later = timedelta(minutes=settings.BURST_WINDOW_MINUTES), timedelta(minutes=1)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    total = new = end = 0
    for minute, minute_total, minute_new in rows:  # a window sliding one minute at a time
        while end < len(rows) and rows[end][0] < minute + window:
            total, new, end = total + rows[end][1], new + rows[end][2], end + 1
        if new >= settings.BURST_MIN_ACCOUNTS and new >= settings.BURST_NEW_SHARE * total:
            starts_at = starts_at or minute
            ends_at = max(ends_at or minute, rows[end - 1][0] + minute_later)
        total, new = total - minute_total, new - minute_new
    if starts_at is None or ends_at is None:  # both are set together
        return None
    new = sum(row[2] for row in rows if starts_at <= row[0] < ends_at)
    return starts_at, ends_at, new


def burst_comments(cluster: CommentCluster, starts_at: datetime, ends_at: datetime) -> QuerySet[Comment]:
    """The published comments of a burst: its cluster's, by new accounts, in its span."""
    new_account = Q(author__date_joined__gte=F("created_at") - timedelta(hours=settings.BURST_NEW_ACCOUNT_HOURS))
    return (
        cluster.members.published()
        .filter(new_account, created_at__gte=starts_at, created_at__lt=ends_at)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def _attach_burst_comments(found: list[Burst], new_account: Q) -> None:
    if not found:
        return
    spans = Q()
    for burst in found:
        spans |= Q(cluster_id=burst.cluster.pk, created_at__gte=burst.starts_at, created_at__lt=burst.ends_at)
    shown = (
        Comment.objects.published()
        .filter(spans, new_account)
        .select_related("author")
        .annotate(rank=Window(RowNumber(), partition_by=[F("cluster_id")], order_by=[F("created_at"), F("pk")]))
        .filter(rank__lte=settings.BURST_ACCOUNTS_SHOWN)
        .order_by("created_at", "pk")
    )
    by_cluster = {burst.cluster.pk: burst for burst in found}
    for comment in shown:
        by_cluster[comment.cluster_id].comments.append(comment)
