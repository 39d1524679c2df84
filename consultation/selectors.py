"""Reads that are more than a filter: what the public pages show, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMinute
from django.http import Http404
from django.utils import timezone

from accounts.permissions import can_publish_for, is_citizen
from consultation.models import (
    Clause,
    ClauseChange,
    Comment,
    CommentCluster,
    CommentPeriod,
    Endorsement,
    Follow,
    Guideline,
    GuidelineVersion,
)

REPLIES_SHOWN = 20


def public_guidelines(*, organization: str = "", status: str = "") -> QuerySet[Guideline]:
    """Guidelines with a public version, each with its `current_status`; an empty filter filters nothing."""
    guidelines = Guideline.objects.public().with_current_status().select_related("organization")
    if organization:
        guidelines = guidelines.filter(organization__slug=organization)
    if status in dict(GuidelineVersion.PUBLIC_STATUS_CHOICES):
        guidelines = guidelines.filter(current_status=status)
    return guidelines


def visible_guideline(user, *, org: str, slug: str) -> Guideline:
    """A guideline the person may see: one with a public version, or any of their own organization's.

    Anything else is answered exactly like a guideline that does not exist, so unpublished work never shows.
    """
    guideline = Guideline.objects.select_related("organization").filter(organization__slug=org, slug=slug).first()
    if guideline is None or not (guideline.versions.public().exists() or can_publish_for(user, guideline.organization)):
        raise Http404("No such guideline.")
    return guideline


def visible_version(user, *, org: str, slug: str, number: int) -> GuidelineVersion:
    """A version the person may see: public ones for everyone, drafts for their organization's publishers."""
    version = (
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on")
        .filter(guideline__organization__slug=org, guideline__slug=slug, number=number)
        .first()
    )
    if version is None or not (version.is_public or can_publish_for(user, version.guideline.organization)):
        raise Http404("No such version.")
    return version


def versions_shown_to(user, guideline: Guideline) -> list[GuidelineVersion]:
    """Newest first: every version for the guideline's publishers, the public ones for everyone else."""
    versions = guideline.versions.select_related("comment_period", "based_on").prefetch_related(
        "comment_period__extensions"
    )
    if not can_publish_for(user, guideline.organization):
        versions = versions.public()
    return list(versions.order_by("-number"))


def newest_public_version(versions: list[GuidelineVersion]) -> GuidelineVersion | None:
    """The newest public version of a list ordered newest first: the text the public reads as current."""
    return next((v for v in versions if v.is_public), None)


def clauses_with_pressure(version: GuidelineVersion | None, pressure: dict) -> list[Clause]:
    """The version's clauses, each with `.pressure`: how its refusals fared on appeal."""
    clauses = list(version.clauses.all()) if version else []
    for clause in clauses:
        clause.pressure = pressure.get(clause.key)
    return clauses


def is_taking_comments(version: GuidelineVersion) -> bool:
    """Asked of the database, not of a possibly stale object: the period may have just closed or been extended."""
    return (
        CommentPeriod.objects.open()
        .filter(version_id=version.pk, version__status=GuidelineVersion.CONSULTATION)
        .exists()
    )


def clause_kinds(previous: GuidelineVersion, version: GuidelineVersion) -> dict[str, str]:
    """Each clause key of either version: added, removed, changed or unchanged."""
    before = {c.key: (c.heading, c.text) for c in previous.clauses.all()}
    after = {c.key: (c.heading, c.text) for c in version.clauses.all()}
    kinds = {}
    for key in list(before) + [k for k in after if k not in before]:
        if key not in after:
            kinds[key] = ClauseChange.REMOVED
        elif key not in before:
            kinds[key] = ClauseChange.ADDED
        else:
            kinds[key] = ClauseChange.UNCHANGED if before[key] == after[key] else ClauseChange.CHANGED
    return kinds


def unanswered_by_clause(version: GuidelineVersion, limit: int) -> tuple[list[tuple[Clause | None, list]], bool]:
    """The first `limit` unanswered comments grouped by clause in clause order, and whether there are more."""
    comments = list(
        version.comments.published()
        .top_level()
        .unanswered()
        .first_unanswered_of_cluster()
        .select_related("author", "clause", "cluster")
        .order_by("clause__position", "clause_id", "created_at")[: limit + 1]
    )
    groups: dict = {}
    for comment in comments[:limit]:
        groups.setdefault(comment.clause, []).append(comment)
    return list(groups.items()), len(comments) > limit


def open_consultations() -> QuerySet[CommentPeriod]:
    """Comment periods open right now, closing soonest first, with their version, guideline and organization."""
    return (
        CommentPeriod.objects.open()
        .filter(version__status=GuidelineVersion.CONSULTATION)
        .select_related("version__guideline__organization")
        .order_by("closes_at")
    )


def upcoming_consultations() -> QuerySet[CommentPeriod]:
    return CommentPeriod.objects.scheduled().select_related("version__guideline__organization").order_by("opens_at")


@dataclass
class Thread:
    """One clause's (or the general) comments as a page shows them."""

    clause: Clause | None
    comments: list[Comment] = field(default_factory=list)
    total: int = 0

    @property
    def key(self) -> str:
        return self.clause.key if self.clause else "general"

    @property
    def more(self) -> int:
        return self.total - len(self.comments)


def _attach_replies(comments: list[Comment], user) -> None:
    """Give each comment `.shown_replies`, `.reply_count` and `.endorsed_by_me` in three queries."""
    ids = [c.pk for c in comments]
    replies = (
        Comment.objects.filter(parent_id__in=ids)
        .for_display()
        .annotate(rank=Window(RowNumber(), partition_by=[F("parent_id")], order_by=[F("created_at"), F("pk")]))
        .filter(rank__lte=REPLIES_SHOWN)
        .order_by("created_at", "pk")
    )
    by_parent: dict[int, list[Comment]] = {}
    for reply in replies if ids else []:
        by_parent.setdefault(reply.parent_id, []).append(reply)
    counts = dict(
        Comment.objects.filter(parent_id__in=ids).order_by().values_list("parent_id").annotate(n=Count("pk"))
        if ids
        else []
    )
    everything = ids + [r.pk for rs in by_parent.values() for r in rs]
    endorsed = set()
    if user.is_authenticated and everything:
        endorsed = set(
            Endorsement.objects.filter(user=user, comment_id__in=everything).values_list("comment_id", flat=True)
        )
    for comment in comments:
        comment.shown_replies = by_parent.get(comment.pk, [])
        comment.reply_count = counts.get(comment.pk, 0)
        for item in [comment, *comment.shown_replies]:
            item.endorsed_by_me = item.pk in endorsed


def version_threads(version: GuidelineVersion, user, per_clause: int | None = None) -> list[Thread]:
    """Every clause with its newest comments (a few each), plus the general comments first.

    Window functions pick the first `per_clause` comments of every clause in one query, so
    the page costs the same number of queries for 2 clauses or 200 and for 10 or 10,000 comments.
    """
    per_clause = per_clause or settings.CONSULTATION_COMMENTS_PER_CLAUSE
    clauses = list(version.clauses.all())
    top = (
        version.comments.top_level()
        .one_per_cluster()
        .for_display()
        .annotate(rank=Window(RowNumber(), partition_by=[F("clause_id")], order_by=[F("created_at").desc(), F("pk")]))
        .filter(rank__lte=per_clause)
        .order_by("-created_at", "pk")
    )
    comments = list(top)
    _attach_replies(comments, user)
    totals = dict(version.comments.top_level().order_by().values_list("clause_id").annotate(n=Count("pk")))
    threads = {None: Thread(clause=None, total=totals.get(None, 0))}
    for clause in clauses:
        threads[clause.pk] = Thread(clause=clause, total=totals.get(clause.pk, 0))
    for comment in comments:
        if comment.clause_id in threads:
            threads[comment.clause_id].comments.append(comment)
    return list(threads.values())


def newest_comments(version: GuidelineVersion, clause: Clause | None) -> QuerySet[Comment]:
    """The original comments on one clause (or the general ones), newest first, ready to show."""
    return version.comments.top_level().on_clause(clause).one_per_cluster().for_display().order_by("-created_at", "pk")


def clause_thread(version: GuidelineVersion, clause: Clause | None, user, comments: list[Comment]) -> Thread:
    _attach_replies(comments, user)
    total = version.comments.top_level().on_clause(clause).count()
    return Thread(clause=clause, comments=comments, total=total)


def answered_counts(version: GuidelineVersion) -> dict[str, int]:
    """ "answered N of M": published original comments, and how many have a response."""
    return (
        version.comments.published()
        .top_level()
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(response__isnull=False)))
    )


def is_following(user, guideline) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, guideline=guideline).exists()


def can_take_part(user) -> bool:
    return is_citizen(user)


def moderation_queue(*, hidden: bool) -> QuerySet[Comment]:
    """Reported comments still public, oldest first; or (`hidden`) the hidden ones, most recently hidden first."""
    if hidden:
        comments = Comment.objects.filter(status=Comment.HIDDEN).order_by("-hidden_at", "-pk")
    else:
        comments = Comment.objects.reported().published().order_by("pk")
    related = ("author", "clause", "version__guideline__organization")
    return comments.select_related(*related).prefetch_related("reports")


def with_moderation_conflicts(comments: list[Comment], user) -> list[Comment]:
    """Give each comment `.conflict` (why `user` may not moderate it, or ""), so pages hide what they may not do.

    The rule (`Comment.moderation_conflict`) depends only on the organization and on whether the comment is the
    moderator's own, so it is asked once per such pair: a queue page costs the same however many comments it shows.
    """
    answers: dict[tuple[int, bool], str] = {}
    for comment in comments:
        pair = (comment.version.guideline.organization_id, comment.author_id == user.pk)
        if pair not in answers:
            answers[pair] = comment.moderation_conflict(user)
        comment.conflict = answers[pair]
    return comments


def activity_for(user) -> QuerySet[Comment]:
    """A person's own comments, newest first, with the version, clause and response."""
    return (
        Comment.objects.filter(author=user)
        .select_related("version__guideline__organization", "clause", "response", "parent")
        .order_by("-created_at", "-pk")
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
    starts_at = ends_at = None
    total = new = end = 0
    for minute, minute_total, minute_new in rows:  # a window sliding one minute at a time
        while end < len(rows) and rows[end][0] < minute + window:
            total, new, end = total + rows[end][1], new + rows[end][2], end + 1
        if new >= settings.BURST_MIN_ACCOUNTS and new >= settings.BURST_NEW_SHARE * total:
            starts_at = starts_at or minute
            ends_at = max(ends_at or minute, rows[end - 1][0] + minute_later)
        total, new = total - minute_total, new - minute_new
    if starts_at is None:
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
