"""Showing where a decision matched a search: PostgreSQL's headline marks the words, SQLite's fallback the phrase."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Control characters never survive the input cleaning, so they cannot come from a document itself.
MARK_START, MARK_STOP = "\x02", "\x03"
CONTEXT = 80


def marked(text: str, phrase: str = "") -> SafeString:
    """`text` escaped, with <mark> around the matches: PostgreSQL's markers, or else each occurrence of `phrase`
    within a window around the first one."""
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
