"""Reads that are more than a filter: what the public pages show, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber, TruncMinute
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
from core.periods import within_months
from core.search import headlines, marked, ranked

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
    if version is None:
        raise Http404("No such version.")
    return _seen(user, version)


def comment_target(
    user, *, org: str, slug: str, number: int, clause_key: str | None, parent_id: int | None
) -> tuple[GuidelineVersion, Clause | None, Comment | None]:
    """The version a new comment goes to, with its clause or the comment it replies to: one query when they exist.

    Raises Http404 for a version the person may not see, and ValidationError naming the field for a clause or
    parent that is not on it.
    """
    # Only what a comment reads of its version (its subject, who may see it): each relation more costs the join and
    # the compiling of its columns on every post, about 0.15 ms.
    related = ["version__guideline__organization"]
    on_version = {"version__guideline__organization__slug": org, "version__guideline__slug": slug,
                  "version__number": number}  # fmt: skip
    if parent_id:
        parent = Comment.objects.select_related("clause", *related).filter(pk=parent_id, **on_version).first()
        if parent is None:
            visible_version(user, org=org, slug=slug, number=number)  # a 404 first, when the version is not seen
            raise ValidationError({"parent": "No comment with this id on this version."})
        return _seen(user, parent.version), parent.clause, parent
    if clause_key and clause_key != "general":
        clause = Clause.objects.select_related(*related).filter(key=clause_key, **on_version).first()
        if clause is None:
            version = visible_version(user, org=org, slug=slug, number=number)
            raise ValidationError({"clause": f"There is no clause {clause_key} in version {version.number}."})
        return _seen(user, clause.version), clause, None
    return visible_version(user, org=org, slug=slug, number=number), None, None


def _seen(user, version: GuidelineVersion) -> GuidelineVersion:
    if not (version.is_public or can_publish_for(user, version.guideline.organization)):
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


def is_taking_comments(version: GuidelineVersion) -> bool:
    """Asked of the database, not of a possibly stale object: the period may have just closed or been extended."""
    return CommentPeriod.objects.taking_comments(version.pk).exists()


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


MOST_ENDORSED, ANSWERED = 2, 1  # of the comments a clause shows on the version page; the rest are the newest
COMMENTS_PER_VERSION_PAGE = 200  # at most, across its clauses (at least one a clause)
REPLIES_ON_VERSION_PAGE = 2  # the newest replies under each comment shown there; all of them are one click away
COMMENTS_PER_PAGE = 50


@dataclass
class Thread:
    """One clause's (or the general) comments as a page shows them, with the counts kept on its row."""

    clause: Clause | None
    comments: list[Comment] = field(default_factory=list)
    total: int = 0
    endorsements: int = 0

    @property
    def key(self) -> str:
        return self.clause.key if self.clause else "general"

    @property
    def more(self) -> int:
        return self.total - len(self.comments)


def thread_of(version: GuidelineVersion, clause: Clause | None) -> Thread:
    """A thread with no comments yet, its counts read from the clause's row (or the version's, for general ones)."""
    if clause is None:
        return Thread(clause=None, total=version.general_comment_count, endorsements=version.general_endorsement_count)
    return Thread(clause=clause, total=clause.comment_count, endorsements=clause.endorsement_count)


def _attach_replies(comments: list[Comment], user, *, newest: int = 0) -> None:
    """Give each comment `.shown_replies` (its first REPLIES_SHOWN, or its `newest` few) and `.endorsed_by_me`, in
    two queries; its `reply_count` is on its row."""
    ids = [c.pk for c in comments]
    replies = Comment.objects.filter(pk__in=_first_replies(ids, newest)).for_display().order_by("created_at", "pk")
    by_parent: dict[int, list[Comment]] = {}
    for reply in replies if ids else []:
        by_parent.setdefault(reply.parent_id, []).append(reply)
    for comment in comments:
        comment.shown_replies = by_parent.get(comment.pk, [])
    _mark_endorsed(comments + [r for rs in by_parent.values() for r in rs], user)


def _first_replies(parent_ids: list[int], newest: int):
    """The ids of each comment's first REPLIES_SHOWN replies, or of its `newest` few: an index scan per comment that
    stops at its LIMIT, so a comment with 5,000 replies costs what one with 5 does."""
    order = "r.created_at DESC, r.id DESC" if newest else "r.created_at, r.id"
    return RawSQL(_FIRST_REPLIES.format(order=order), [parent_ids, newest or REPLIES_SHOWN])


_FIRST_REPLIES = """SELECT reply.id FROM unnest(%s::bigint[]) AS parent(id) CROSS JOIN LATERAL (
    SELECT r.id FROM consultation_comment r WHERE r.parent_id = parent.id ORDER BY {order} LIMIT %s) AS reply"""


def _mark_endorsed(comments: list[Comment], user) -> None:
    endorsed = set()
    if user.is_authenticated and comments:
        ids = [c.pk for c in comments]
        endorsed = set(Endorsement.objects.filter(user=user, comment_id__in=ids).values_list("comment_id", flat=True))
    for comment in comments:
        comment.endorsed_by_me = comment.pk in endorsed


def _picked(
    version: GuidelineVersion, clause_ids: list[int | None], per_clause: int
) -> dict[int | None, list[Comment]]:
    """Per clause (None: the general comments), the comments worth a reader's time: the publisher's newest answer,
    the most endorsed, then the newest, at most `per_clause` in all.

    One query whatever the number of comments: the first few ids of each ranking, joined to what a page shows.
    """
    firsts = RawSQL(*first_ids_query(version.pk, clause_ids, per_clause))
    candidates: dict[int | None, list[Comment]] = {}
    for comment in Comment.objects.filter(pk__in=firsts).for_display().order_by("-created_at", "-pk"):
        candidates.setdefault(comment.clause_id, []).append(comment)
    picked = {}
    for clause_id, newest in candidates.items():
        # The same three rankings, over the few candidates that are the top of each.
        shown = [c for c in newest if not c.is_hidden]
        answered = sorted((c for c in shown if c.answered_at), key=lambda c: (c.answered_at, c.pk), reverse=True)
        endorsed = sorted((c for c in shown if c.endorsement_count), key=lambda c: -c.endorsement_count)
        answered, endorsed = answered[:ANSWERED], endorsed[:MOST_ENDORSED]
        chosen = list({c.pk: c for c in [*answered, *endorsed, *newest]}.values())[:per_clause]
        for comment in chosen:
            comment.picked_because = _reason(comment, answered, endorsed)
        picked[clause_id] = chosen
    return picked


# Per clause, three index scans that stop after a few rows (comment_shown_once, comment_most_endorsed and
# comment_newest_answered): the cost depends on the number of clauses, not of comments. The orders start with the
# clause, which changes nothing within one clause but lets PostgreSQL read the general comments (clause IS NULL,
# which it does not treat as an equality) in index order too, instead of sorting them all.
_FIRSTS_OF_A_CLAUSE = """
    (SELECT c.id FROM consultation_comment c WHERE {shown}
      ORDER BY c.clause_id, c.created_at DESC, c.id DESC LIMIT %s)
    UNION
    (SELECT c.id FROM consultation_comment c WHERE {shown} AND c.status = 'published' AND c.endorsement_count > 0
      ORDER BY c.clause_id, c.endorsement_count DESC, c.created_at DESC, c.id DESC LIMIT %s)
    UNION
    (SELECT c.id FROM consultation_comment c WHERE {shown} AND c.status = 'published' AND c.answered_at IS NOT NULL
      ORDER BY c.clause_id, c.answered_at DESC, c.id DESC LIMIT %s)
"""
_SHOWN_ON = (
    "c.version_id = %s AND {on_clause} AND c.parent_id IS NULL AND (c.cluster_id IS NULL OR c.cluster_id = c.id)"
)
_FIRSTS_ON_CLAUSES = "SELECT picked.id FROM unnest(%s::bigint[]) AS clause(id) CROSS JOIN LATERAL ({}) AS picked"


def first_ids_query(version_id: int, clause_ids: list[int | None], per_clause: int) -> tuple[str, list]:
    """PostgreSQL's query for the first ids of each ranking, per clause, and its parameters."""
    per_ranking = [value for limit in [per_clause, MOST_ENDORSED, ANSWERED] for value in (version_id, limit)]
    parts, params = [], []
    if clauses := [pk for pk in clause_ids if pk is not None]:
        shown = _SHOWN_ON.format(on_clause="c.clause_id = clause.id")
        parts.append(_FIRSTS_ON_CLAUSES.format(_FIRSTS_OF_A_CLAUSE.format(shown=shown)))
        params += [clauses, *per_ranking]
    if None in clause_ids:
        parts.append(_FIRSTS_OF_A_CLAUSE.format(shown=_SHOWN_ON.format(on_clause="c.clause_id IS NULL")))
        params += per_ranking
    return " UNION ".join(f"({part})" for part in parts), params


def _reason(comment: Comment, answered: list[Comment], endorsed: list[Comment]) -> str:
    if comment in answered:
        return "answered"
    return "most endorsed" if comment in endorsed else "recent"


def version_threads(version: GuidelineVersion, user) -> list[Thread]:
    """Every clause with its counts and a few comments chosen to be useful, the general comments first.

    Four queries (clauses, comments, their newest replies, the reader's endorsements) for 2 clauses or 500 and for
    10 comments or a million: the counts are kept on the rows, and comments and replies come from LATERAL queries.
    """
    threads = [thread_of(version, None)]
    threads += [thread_of(version, clause) for clause in version.clauses.all()]
    # A long guideline shows fewer comments per clause, so the page stays readable and its size bounded.
    per_clause = max(1, min(settings.CONSULTATION_COMMENTS_PER_CLAUSE, COMMENTS_PER_VERSION_PAGE // len(threads)))
    picked = _picked(version, [thread.clause.pk if thread.clause else None for thread in threads], per_clause)
    for thread in threads:
        thread.comments = picked.get(thread.clause.pk if thread.clause else None, [])
    _attach_replies([c for thread in threads for c in thread.comments], user, newest=REPLIES_ON_VERSION_PAGE)
    return threads


def clause_window(version: GuidelineVersion, clause: Clause | None, user) -> Thread:
    """One clause's section of the version page, as it looks after a comment was posted on it."""
    # Counts as they are now, not as they were when the page's objects were loaded before the comment.
    if clause is None:
        version = GuidelineVersion.objects.get(pk=version.pk)
    else:
        clause = Clause.objects.get(pk=clause.pk)
    thread = thread_of(version, clause)
    picked = _picked(version, [clause.pk if clause else None], settings.CONSULTATION_COMMENTS_PER_CLAUSE)
    thread.comments = picked.get(clause.pk if clause else None, [])
    _attach_replies(thread.comments, user, newest=REPLIES_ON_VERSION_PAGE)
    return thread


def newest_comments(version: GuidelineVersion, clause: Clause | None) -> QuerySet[Comment]:
    """The original comments on one clause (or the general ones), newest first, ready to show."""
    return version.comments.shown_once().on_clause(clause).for_display().order_by("-created_at", "-pk")


CURSOR_FORMAT = "%Y%m%dT%H%M%S.%f"


def clause_page(
    version: GuidelineVersion, clause: Clause | None, user, *, after: str = "", size: int = COMMENTS_PER_PAGE
) -> tuple[Thread, str]:
    """A page of the full thread, newest first, from the cursor `after` (the last comment of the page before), and
    the cursor of the next page ("" when this is the last). Keyset pagination over the `comment_shown_once`
    index: page 1,000 costs what page 1 does, and no count of the rows is needed."""
    comments = newest_comments(version, clause)
    cursor = _parse_cursor(after)
    if cursor:
        at, pk = cursor
        comments = comments.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    page = list(comments[: size + 1])
    thread = thread_of(version, clause)
    thread.comments = page[:size]
    _attach_replies(thread.comments, user)
    last = page[size - 1] if len(page) > size else None
    return thread, (f"{last.created_at.astimezone(UTC):{CURSOR_FORMAT}}~{last.pk}" if last else "")


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    """A cursor this site made, or None for anything else (which shows the first page)."""
    at, _, pk = (value or "").partition("~")
    try:
        return datetime.strptime(at, CURSOR_FORMAT).replace(tzinfo=UTC), int(pk)
    except ValueError:
        return None


def clause_thread(version: GuidelineVersion, clause: Clause | None, user, comments: list[Comment]) -> Thread:
    _attach_replies(comments, user)
    thread = thread_of(version, clause)
    thread.comments = comments
    return thread


def answered_counts(version: GuidelineVersion) -> dict[str, int]:
    """ "answered N of M": published original comments, and how many have a response, from the kept counts."""
    sums = version.clauses.aggregate(
        total=Coalesce(Sum(F("comment_count") - F("hidden_count")), 0), answered=Coalesce(Sum("answered_count"), 0)
    )
    return {
        "total": sums["total"] + version.general_comment_count - version.general_hidden_count,
        "answered": sums["answered"] + version.general_answered_count,
    }


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


def search_comments(version: GuidelineVersion, *, q: str, before: int | None = None) -> QuerySet[Comment]:
    """The version's published comments and replies that match `q`, through the GIN index of their stored vector,
    best match first (`search_key` orders and pages them). A hidden comment is never found: its vector is NULL, and
    only published comments are searched at all."""
    comments = version.comments.published().select_related("author", "clause")
    return ranked(comments, vector="search_vector", q=q, before=before)


def with_snippets(comments: list[Comment], q: str) -> list[Comment]:
    """Give each comment of one page of a search its `snippet`: where it matched, marked and escaped (one query)."""
    passages = headlines(Comment.objects.filter(pk__in=[c.pk for c in comments]), text="body", q=q)
    for comment in comments:
        comment.snippet = marked(passages.get(comment.pk, ""))
    return comments


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


def public_comments(
    *,
    organization: str = "",
    guideline: str = "",
    version: int | None = None,
    clause: str = "",
    disposition: str = "",
    answered: str = "",
    first=None,
    last=None,
    before: int | None = None,
) -> QuerySet[Comment]:
    comments = (
        Comment.objects.published().top_level().select_related("version__guideline__organization", "clause", "response")
    )
    if organization:
        comments = comments.filter(version__guideline__organization__slug=organization)
    if guideline:
        comments = comments.filter(version__guideline__slug=guideline)
    if version:
        comments = comments.filter(version__number=version)
    if clause:
        comments = comments.filter(clause__key=clause)
    if disposition:
        comments = comments.filter(response__disposition=disposition)
    if answered:
        comments = comments.filter(response__isnull=False)
    comments = comments.filter(within_months("created_at", first, last))
    if before:
        comments = comments.filter(pk__lt=before)
    return comments.order_by("-pk")
