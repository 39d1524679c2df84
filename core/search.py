"""Full-text search shared by the decision database and the comments of a consultation.

The text is indexed in a stored `tsvector` column with a GIN index and searched with `websearch_to_tsquery`;
headlines mark the matched words.
"""

from typing import Any, TypeVar

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import BigIntegerField, ExpressionWrapper, F, Model, QuerySet
from django.db.models.functions import Cast, Floor
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
# Longer than any sensible search, short enough that the parsed query stays cheap; the forms name the limit.
QUERY_MAX = 200
QUERY_ERRORS = {
    "required": "Enter the words to search for.",
    "max_length": f"Search for at most {QUERY_MAX} characters: a few words find more.",
}
# Control characters never survive the input cleaning, so they cannot come from a document itself.
MARK_START, MARK_STOP = "\x02", "\x03"
# A search's ordering key is rank * ID_SCALE + id: six digits of rank above eleven of id stay within 18 digits,
# what a cursor (core.ids.parse_id) and a bigint hold.
RANK_SCALE, ID_SCALE = 1_000_000, 10**11

_Rows = TypeVar("_Rows", bound=QuerySet[Any])


def search_query(q: str) -> SearchQuery:
    """What people type into a search box (quoted phrases, `or`, `-word`), never a syntax error."""
    return SearchQuery(q, config=CONFIG, search_type="websearch")


def ranked(rows: _Rows, *, vector: str, q: str, before: int | None = None) -> _Rows:
    """`rows` whose stored `vector` matches `q`, best match first, on PostgreSQL. The filter reads the column the
    GIN index is built on. Each row gets `search_key`: its rank mapped into [0, 1) (normalization 32) and kept to
    six digits, then its id, one unique and exact whole number, so that `before` (the key of the last row of the
    page before) pages through the ranking as a plain keyset."""
    query = search_query(q)
    rank = Floor(SearchRank(F(vector), query, normalization=32) * RANK_SCALE)
    # Stated as a bigint: Django would otherwise take it for the id's type and drop a larger cursor as overflow.
    key = ExpressionWrapper(Cast(rank, BigIntegerField()) * ID_SCALE + F("pk"), output_field=BigIntegerField())
    rows = rows.filter(**{vector: query}).annotate(search_key=key).order_by("-search_key")
    return rows.filter(search_key__lt=before) if before else rows


def page_key(row: Model) -> int:
    """Where the next page starts after `row`: its `search_key` in a ranked search, else its id."""
    key: int = getattr(row, "search_key", row.pk)
    return key


def headlines(rows: QuerySet[Any], *, text: str, q: str) -> dict[int, str]:
    """{pk: the passage of `text` where it matched `q`} for `rows`, which should be one page: PostgreSQL's headline
    is costly, so it is computed for those rows only. Show them through `marked`."""
    rows = rows.annotate(
        passage=SearchHeadline(
            text,
            search_query(q),
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_fragments=2,
            max_words=20,
            min_words=8,
        )
    )
    return dict(rows.order_by().values_list("pk", "passage"))


def marked(text: str) -> SafeString:
    """A headline escaped, with <mark> around the matches. Everything else PostgreSQL's headline returns is escaped,
    so only our own <mark> tags are ever HTML."""
    html = escape(" ".join(text.split())).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own markers become tags)
