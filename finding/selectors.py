"""One search over everything public: consultations (guidelines), clauses, comments and decisions.

Each kind is searched through its own stored `tsvector` and GIN index (core.search.ranked), best match first, so
the cost is that of the four searches each list already does; nothing is copied into a shared index that could
fall behind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from appeals.selectors import search_decisions, with_headlines
from consultation.models import Clause, Comment, GuidelineVersion
from consultation.selectors import public_guidelines, with_snippets
from core.search import headlines, marked, ranked

SHOWN_PER_KIND = 5  # on the page of every kind; a kind's own page shows PAGE_SIZE at a time
PAGE_SIZE = 20


def _consultations(q: str, before: int | None) -> QuerySet[Any]:
    return ranked(public_guidelines(), vector="search_vector", q=q, before=before)


def _clauses(q: str, before: int | None) -> QuerySet[Any]:
    """Clauses of the versions under consultation or in force; a superseded version's identical clauses would only
    repeat them (its page still shows them)."""
    current = Clause.objects.filter(version__status__in=[GuidelineVersion.CONSULTATION, GuidelineVersion.FINAL])
    clauses = current.select_related("version__guideline__organization", "version__comment_period")
    return ranked(clauses, vector="search_vector", q=q, before=before)


def _comments(q: str, before: int | None) -> QuerySet[Any]:
    """Published comments and replies. A hidden comment's vector is NULL, so no search matches it: that is the whole
    filter, and it leaves the planner the GIN index alone rather than the status index of every comment."""
    comments = Comment.objects.select_related("author", "clause", "version__guideline__organization")
    return ranked(comments, vector="search_vector", q=q, before=before)


def _decisions(q: str, before: int | None) -> QuerySet[Any]:
    return search_decisions(q=q, before=before)


def _passages(text: str) -> Callable[[list[Any], str], list[Any]]:
    """Give each row of one page its `snippet`, where `text` matched (one query for the page)."""

    def attach(rows: list[Any], q: str) -> list[Any]:
        if rows:
            found = headlines(type(rows[0]).objects.filter(pk__in=[row.pk for row in rows]), text=text, q=q)
            for row in rows:
                row.snippet = marked(found.get(row.pk, ""))
        return rows

    return attach


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    search: Callable[[str, int | None], QuerySet[Any]]
    passages: Callable[[list[Any], str], list[Any]]
    own_list: str = ""  # the URL name of the kind's own list, when it takes `q`


KINDS = [
    Kind("consultations", "Consultations", _consultations, _passages("description")),
    # The stored HTML rather than the Markdown, so no asterisks show: the headline drops the tags.
    Kind("clauses", "Clauses", _clauses, _passages("text_html")),
    Kind("comments", "Comments", _comments, with_snippets),
    Kind("decisions", "Decisions", _decisions, with_headlines, own_list="decisions"),
]
KIND_CHOICES = [(kind.name, kind.label) for kind in KINDS]


@dataclass
class Found:
    kind: Kind
    count: int
    rows: list[Any]
    next_before: int | None  # the cursor of the next page, on a kind's own page
    more: str  # the kind's own list searched for the same words, or this kind's page of results


def more_url(kind: Kind, q: str) -> str:
    if kind.own_list:
        return f"{reverse(kind.own_list)}?{urlencode({'q': q})}"
    return f"{reverse('search')}?{urlencode({'q': q, 'kind': kind.name})}"


def search_everything(q: str, *, kind: str = "", before: int | None = None) -> list[Found]:
    """Every kind's matches for `q`, ranked: the first SHOWN_PER_KIND of each with its count, or, with `kind`, a
    page of PAGE_SIZE of that kind from the cursor `before`. Three queries a kind (count, rows, snippets)."""
    size = PAGE_SIZE if kind else SHOWN_PER_KIND
    found = []
    for each in (each for each in KINDS if not kind or each.name == kind):
        page = list(each.search(q, before if kind else None)[: size + 1])
        next_before = page[size - 1].search_key if len(page) > size else None
        rows = each.passages(page[:size], q)
        found.append(Found(each, each.search(q, None).count(), rows, next_before, more_url(each, q)))
    return found
