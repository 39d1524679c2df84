"""Comments for publishers, moderators, search, a person's activity and the public comment list."""

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from consultation.models import (
    Clause,
    Comment,
    CommentQuerySet,
    GuidelineVersion,
)
from core.periods import within_months
from core.search import headlines, marked, ranked


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


def answered_counts(version: GuidelineVersion) -> dict[str, int]:
    """ "answered N of M": published original comments, and how many have a response, from the kept counts."""
    sums = version.clauses.aggregate(
        total=Coalesce(Sum(F("comment_count") - F("hidden_count")), 0), answered=Coalesce(Sum("answered_count"), 0)
    )
    return {
        "total": sums["total"] + version.general_comment_count - version.general_hidden_count,
        "answered": sums["answered"] + version.general_answered_count,
    }


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


def search_comments(version: GuidelineVersion, *, q: str, before: int | None = None) -> CommentQuerySet:
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
