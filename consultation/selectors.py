"""Reads that are more than a filter: what the public pages show, in a constant number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

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
        .select_related("author", "clause")
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
