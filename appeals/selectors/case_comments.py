"""Which appeals are open for public comment, and the comments a case page shows: each near-duplicate cluster once,
oldest first, paged by id (the index `case_comment_shown_once`)."""

from datetime import UTC, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.assurance import Assurance
from appeals.models import Appeal, CaseComment, CommentCall

CALLS_PER_PAGE = 25
COMMENTS_PER_PAGE = 50


def comment_call(appeal: Appeal) -> CommentCall | None:
    """Its call for comments, if any: no query when the appeal was read with select_related("comment_call")."""
    try:
        return appeal.comment_call
    except CommentCall.DoesNotExist:
        return None


def case_comments(appeal_id: int, *, after: int | None = None) -> QuerySet[CaseComment]:
    """The comments as the public sees them (a hidden one as its tombstone), each cluster once, oldest first."""
    comments = CaseComment.objects.filter(appeal_id=appeal_id).shown_once().select_related("author").order_by("pk")
    return comments.filter(pk__gt=after) if after else comments


def who_commented(appeal_id: int) -> tuple[int, list[str]]:
    """How many published comments the case has, and how many at each assurance level, as the page says them
    ("9 with a verified email", "2 verified members of Acme", "1 from Acme as the organization"), in one query."""
    groups = (
        CaseComment.objects.filter(appeal_id=appeal_id)
        .published()
        .values("assurance", "assurance_organization")
        .annotate(count=Count("pk"))
        .order_by()
    )
    levels = list(Assurance.values)  # the page says them in this order: email, members, organizations
    total, parts = 0, []
    for group in sorted(groups, key=lambda g: (levels.index(g["assurance"]), -g["count"], g["assurance_organization"])):
        count, organization = group["count"], group["assurance_organization"]
        total += count
        if group["assurance"] == Assurance.VERIFIED_MEMBER:
            parts.append(f"{count} verified member{'s' if count != 1 else ''} of {organization}")
        elif group["assurance"] == Assurance.ORGANIZATION:
            parts.append(f"{count} from {organization} as the organization")
        else:
            parts.append(f"{count} with a verified email")
    return total, parts


def page_of(rows: QuerySet, size: int) -> tuple[list, bool]:
    """One page of `rows` and whether there is another after it, in one query."""
    found = list(rows[: size + 1])
    return found[:size], len(found) > size


def call_cursor(call: CommentCall) -> str:
    """Where the next page of open calls starts: after this one's (closes_at, id)."""
    return f"{int(call.closes_at.timestamp() * 1_000_000)}.{call.pk}"


def parse_call_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """The (closes_at, id) of a cursor; None for a cursor that is not one (the caller answers 404)."""
    micros, _, pk = (raw or "").partition(".")
    if not (micros.isdigit() and pk.isdigit() and len(micros) <= 20 and len(pk) <= 18):
        return None
    try:
        return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(pk)
    except (OverflowError, OSError, ValueError):
        return None


def open_calls(*, after: tuple[datetime, int] | None = None) -> QuerySet[CommentCall]:
    """The appeals open for comment now, closing soonest first, with what the list shows in two queries."""
    calls = CommentCall.objects.open(timezone.now()).order_by("closes_at", "pk")
    if after is not None:
        closes_at, pk = after
        calls = calls.filter(Q(closes_at__gt=closes_at) | Q(closes_at=closes_at, pk__gt=pk))
    return calls.select_related(
        "appeal__refusal__system__organization", "appeal__guideline", "appeal__version"
    ).prefetch_related("appeal__contested_clauses")
