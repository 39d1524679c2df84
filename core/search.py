"""Full-text search shared by the decision database and the comments of a consultation.

On PostgreSQL the text is indexed in a stored `tsvector` column with a GIN index and searched with
`websearch_to_tsquery`; headlines mark the matched words. The embedded SQLite default has no full-text search:
its fallback matches the phrase with `icontains`, and the stored vector is NULL there.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Index
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
# Longer than any sensible search, short enough that the parsed query stays cheap; the forms name the limit.
QUERY_MAX = 200
# Control characters never survive the input cleaning, so they cannot come from a document itself.
MARK_START, MARK_STOP = "\x02", "\x03"
CONTEXT = 80
HEADLINE_OPTIONS = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "max_fragments": 2, "max_words": 20, "min_words": 8}


class StoredSearchVector(SearchVector):
    """`to_tsvector` for a generated column; NULL on SQLite, which has no tsvector and searches the text instead."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, where `USING gin` is not SQL."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def search_query(q: str) -> SearchQuery:
    """What people type into a search box (quoted phrases, `or`, `-word`), never a syntax error."""
    return SearchQuery(q, config=CONFIG, search_type="websearch")


def marked(text: str, phrase: str = "") -> SafeString:
    """`text` escaped, with <mark> around the matches: PostgreSQL's markers, or else each occurrence of `phrase`
    within a window around the first one. Everything else PostgreSQL's headline returns is escaped, so only our
    own <mark> tags are ever HTML."""
    if MARK_START not in text and phrase:
        first = text.casefold().find(phrase.casefold())
        if first < 0:
            return mark_safe("")
        start = max(0, first - CONTEXT)
        window = text[start : first + len(phrase) + CONTEXT]
        text = re.sub(re.escape(phrase), lambda m: MARK_START + m.group(0) + MARK_STOP, window, flags=re.IGNORECASE)
        text = ("…" if start else "") + text + ("…" if first + len(phrase) + CONTEXT < len(text) else "")
    html = escape(" ".join(text.split())).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own markers become tags)
