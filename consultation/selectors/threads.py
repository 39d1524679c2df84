"""The comment threads of the version and clause pages, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from consultation.models import (
    Clause,
    Comment,
    Endorsement,
    GuidelineVersion,
)

REPLIES_SHOWN = 20
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
    # The order is one of two literals above; the values are parameters.
    return RawSQL(_FIRST_REPLIES.format(order=order), [parent_ids, newest or REPLIES_SHOWN])  # noqa: S611


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
    firsts = RawSQL(*first_ids_query(version.pk, clause_ids, per_clause))  # noqa: S611 (literal SQL, values as parameters)
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
