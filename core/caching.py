"""Public pages served to anonymous readers from the cache, and read from a replica when they are rendered.

A cached page is stored under a key made of its address and the current *generation* of each tag it shows
(`guideline:acme/refusals`, `appeal:A-2026-000001`, `decisions`...). Every public change appends to the ledger, and
`ledger.services.append` calls `invalidate_after_commit`, which gives each tag the entry touches a new generation once
the transaction commits: the pages that showed the old state are never found again. Apps say which tags a ledger
subject touches with `@tags_for_subject("comment")` in their `caching.py`; a subject nobody claimed renews `site`,
which every page carries, so a new kind of public change can be slow but never stale.

What time alone changes (a period opening) and what changes outside the ledger without `renew_after_commit` (an
admin's edit) lasts a page's lifetime: PAGE_CACHE_SECONDS, or PAGE_CACHE_SHORT_SECONDS for the home page and the
record, which every comment would renew (a checkpoint, a cosignature or a verification run renews the record).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.connection import ConnectionProxy
from django.utils.http import http_date, parse_http_date, quote_etag, urlencode
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# Its own alias of the same Redis: while Redis is away it misses, where the default counts in memory (redis_caches).
cache = ConnectionProxy(caches, "pages")


@dataclass(frozen=True)
class Page:
    """How one named URL is cached: the tags it shows (filled from the URL's arguments) and the query it reads."""

    tags: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    short: bool = False


# The one place a page opts in: its URL name, the tags it shows, the query parameters that select what it shows.
# Any other query parameter (utm_source, a cache-buster) makes the request uncached rather than a new cache entry.
GUIDELINE = "guideline:{org}/{slug}"
PERIOD = ("from", "to")
DECISION_FILTERS = (
    "q",
    "organization",
    "guideline",
    "system",
    "clause",
    "outcome",
    "topic",
    "in_force",
    *PERIOD,
    "before",
)
APPEAL_FILTERS = ("organization", "system", "guideline", "clause", "topic", "status", "reason", "admitted", *PERIOD)
COMMENT_FILTERS = ("organization", "guideline", "version", "clause", "disposition", "answered", *PERIOD)
PAGES: dict[str, Page] = {
    "home": Page(tags=("consultations", "decisions"), short=True),
    "guideline-list": Page(tags=("consultations",), params=("organization", "status", "page")),
    "guideline": Page(tags=(GUIDELINE,)),
    "guideline-version": Page(tags=(GUIDELINE,)),
    "guideline-version-diff": Page(tags=(GUIDELINE,)),
    "version-outcome": Page(tags=(GUIDELINE,)),
    # Renewed by a statement's record entry and when a computation of the opinion groups is stored; the vote counts
    # it shows may lag a vote by up to OPINION_GROUPS_DEBOUNCE_SECONDS (the computation that follows renews it).
    "version-opinions": Page(tags=(GUIDELINE,)),
    "clause-comments": Page(tags=(GUIDELINE,), params=("after",)),
    "comment": Page(tags=(GUIDELINE,)),
    "decisions": Page(tags=("decisions",), params=DECISION_FILTERS),
    "appeal": Page(tags=("appeal:{public_id}",), params=("comments_after",)),
    "record": Page(tags=("record",), params=("before",), short=True),
    "appeal-list": Page(tags=("appeals",), params=(*APPEAL_FILTERS, "before")),
    "comment-list": Page(tags=("comments",), params=(*COMMENT_FILTERS, "before")),
    "comment-search": Page(tags=(GUIDELINE,), params=("q", "clause", "before")),
    "organization": Page(tags=("organization:{org}", "consultations"), params=("state", "before"), short=True),
    "audits": Page(tags=("audits",), params=("organization", "before")),
    "audit": Page(tags=("audit:{pk}",), params=("before",)),
    # The figures change when the fold task catches up with the record, not when an entry is appended.
    "statistics": Page(params=PERIOD, short=True),
    "statistics-topic": Page(params=PERIOD, short=True),
    "statistics-organization": Page(params=PERIOD, short=True),
    "statistics-system": Page(params=PERIOD, short=True),
    "statistics-guideline": Page(params=PERIOD, short=True),
    "statistics-clause": Page(params=PERIOD, short=True),
}

# Longer than any render; a process that died rendering holds the page's lock no longer than this.
RENDER_LOCK_SECONDS = 30
RENDER_POLL_SECONDS = 0.05
# Every page carries it; renewed by a ledger subject no app claimed.
SITE = "site"
TagsOf = Callable[[str, dict[str, Any]], Iterable[str]]
_SUBJECT_TAGS: dict[str, TagsOf] = {}

# Set for the length of a request whose reads may come from a replica (see ReplicaRouter).
reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def tags_for_subject(prefix: str) -> Callable[[TagsOf], TagsOf]:
    """Register the function that names the tags a ledger subject `<prefix>:<name>` touches (name, payload → tags)."""

    def register(function: TagsOf) -> TagsOf:
        _SUBJECT_TAGS[prefix] = function
        return function

    return register


def tags_for_entry(*, subject: str, payload: dict[str, Any]) -> set[str]:
    prefix, _, name = subject.partition(":")
    resolver = _SUBJECT_TAGS.get(prefix)
    try:
        return set(resolver(name, payload)) if resolver else {SITE}
    except ObjectDoesNotExist:  # a subject its app cannot place: renewing everything is slow but never stale
        return {SITE}


def invalidate_after_commit(*, subject: str, payload: dict[str, Any]) -> None:
    """After the change is committed (never before: a reader in between would cache the old state as new)."""
    transaction.on_commit(lambda: renew(*tags_for_entry(subject=subject, payload=payload)), robust=True)


def renew_after_commit(*tags: str) -> None:
    """For a public change that is not a ledger entry (a checkpoint, a cosignature, a verification run)."""
    transaction.on_commit(lambda: renew(*tags), robust=True)


def renew(*tags: str) -> None:
    """Give each tag a new generation. The time makes it one no earlier page was stored under, even after eviction.
    Taking text off the pages (a hidden comment) is a purge: core/purging.py."""
    now = time.time_ns()
    cache.set_many({_generation_key(tag): now for tag in tags}, timeout=None)


def removal_tag(tag: str) -> str:
    return f"removed:{tag}"


def recent_removal_key(tag: str) -> str:
    return f"pageremovedrecently:{tag}"


def _removed_recently(tags: Iterable[str]) -> bool:
    return bool(settings.PAGE_READS_FROM_REPLICA and cache.get_many([recent_removal_key(tag) for tag in tags]))


def _generation_key(tag: str) -> str:
    return f"pagegen:{tag}"


def _generations(tags: list[str]) -> list[int]:
    keys = [_generation_key(tag) for tag in tags]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # Evicted or never renewed: start one now, and read back whichever start won a race with another process.
        now = time.time_ns()
        for key in missing:
            cache.add(key, now, timeout=None)
        found.update(cache.get_many(missing))
    return [found.get(key, 0) for key in keys]


def is_anonymous(request: HttpRequest) -> bool:
    """Decided from the request alone, so a cached page costs no query: no session, no API credentials."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META


def _cached_page(request: HttpRequest) -> tuple[Page, dict[str, Any]] | None:
    if request.method != "GET" or "HTTP_HX_REQUEST" in request.META:
        return None
    # A pending message is shown once, to this reader, and deleted with a cookie.
    if CookieStorage.cookie_name in request.COOKIES:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    page = PAGES.get(match.url_name or "")
    if page is None:
        return None
    if any(name not in page.params or len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    return page, match.kwargs


def page_address(request: HttpRequest) -> str:
    query = urlencode(sorted((name, request.GET[name]) for name in request.GET))
    return hashlib.sha256(
        "\n".join([request.scheme or "", request.get_host(), request.path, query]).encode()
    ).hexdigest()


@dataclass(frozen=True)
class Keys:
    """Where one address's page is stored, read once before it is rendered, so a render that began before a change
    stores its page and its latest copy where no reader after the change looks."""

    page: str
    latest: str
    newest_generation: int
    tags: tuple[str, ...]


def _keys(address: str, page: Page, kwargs: dict[str, Any]) -> Keys:
    tags = (SITE, *(tag.format(**kwargs) for tag in page.tags))
    generations = _generations([*tags, *(removal_tag(tag) for tag in tags)])
    shown, removals = generations[: len(tags)], generations[len(tags) :]
    return Keys(
        page=f"page:{address}:" + ".".join(map(str, shown)),
        latest=latest_copy_key(address, removals),
        newest_generation=max(shown),
        tags=tags,
    )


def latest_copy_key(address: str, removals: Iterable[int]) -> str:
    """The latest copy of a page outlives renewals (a new comment), never a purge (a hidden one)."""
    return f"pagelatest:{address}:" + ".".join(map(str, removals))


def keys_for(request: HttpRequest) -> Keys | None:
    """Where the page this request asks for is stored now, if it is a cached page."""
    found = _cached_page(request)
    return _keys(page_address(request), *found) if found else None


def _can_store(response: HttpResponse) -> bool:
    """Nothing that belongs to one reader: no cookie (a CSRF token, a session, a message), no view's own policy."""
    if response.status_code != 200 or response.streaming or response.cookies or response.has_header("Cache-Control"):
        return False
    varies = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    return varies <= {"cookie", "accept-encoding"}


def _lifetime(page: Page, newest_generation: int) -> int:
    seconds = settings.PAGE_CACHE_SHORT_SECONDS if page.short else settings.PAGE_CACHE_SECONDS
    # A page rendered from a replica just after a change may not show it yet: keep such a copy only briefly.
    lag = settings.DATABASE_REPLICA_LAG_SECONDS
    if settings.PAGE_READS_FROM_REPLICA and time.time_ns() - newest_generation < lag * 1_000_000_000:
        return min(seconds, lag)
    return seconds


def _store(keys: Keys, response: HttpResponse, seconds: int) -> None:
    """Under its key, and as the address's latest copy, which readers get while the next one is being rendered."""
    response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["Last-Modified"] = http_date()
    patch_cache_control(
        response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE, s_maxage=settings.PAGE_CACHE_S_MAXAGE
    )
    stored = (response.content, list(response.items()))
    cache.set(keys.page, stored, timeout=seconds)
    # Outlives the page, so a page that expired (not only one renewed) is re-rendered by one reader, not by all.
    cache.set(keys.latest, stored, timeout=seconds + settings.PAGE_CACHE_STALE_SECONDS)


def rendering_lock_key(address: str) -> str:
    return f"pagelock:{address}"


def _from_cache(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=dict(headers))


def _latest_copy(key: str) -> HttpResponse | None:
    """The copy of the page another request is replacing; on an empty cache (a first visit, a restarted cache), the
    one it is rendering, once stored, so a crowd arriving at once costs one render. After PAGE_RENDER_WAIT_SECONDS
    (a render that failed, or a page that is not stored) the reader's own request renders it."""
    deadline = time.monotonic() + settings.PAGE_RENDER_WAIT_SECONDS
    while (latest := _from_cache(key)) is None and time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
    return latest


class PageCacheMiddleware:
    """Before sessions and authentication, so a page found in the cache is served without touching the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = is_anonymous(request)
        reads = anonymous and request.method in ("GET", "HEAD") and settings.PAGE_READS_FROM_REPLICA
        replica = reading_replica.set(reads)
        try:
            if not anonymous:
                return _private(self.get_response(request))
            return self._anonymous(request)
        finally:
            reading_replica.reset(replica)

    def _anonymous(self, request: HttpRequest) -> HttpResponse:
        found = _cached_page(request)
        if found is None:
            return self.get_response(request)
        try:
            return self._cached(request, *found)
        except RedisError:
            # The site keeps answering without its cache, every page rendered (once more, if Redis failed mid-way).
            logger.exception("The page cache is unreachable; serving %s uncached", request.path)
            return self.get_response(request)

    def _cached(self, request: HttpRequest, page: Page, kwargs: dict[str, Any]) -> HttpResponse:
        address = page_address(request)
        keys = _keys(address, page, kwargs)
        response = _from_cache(keys.page)
        if response is None:
            if _removed_recently(keys.tags):
                reading_replica.set(False)  # see core.purging.purge_now()
            rendered, cached = self._render(request, address, keys, _lifetime(page, keys.newest_generation))
            if not cached:
                return rendered
            response = rendered
        stored_at = parse_http_date(response["Last-Modified"])
        # Given a response, it returns that response or a 304/412, never None (the stubs allow None).
        return get_conditional_response(  # type: ignore[return-value]
            request, etag=response["ETag"], last_modified=stored_at, response=response
        )

    def _render(self, request: HttpRequest, address: str, keys: Keys, seconds: int) -> tuple[HttpResponse, bool]:
        """The page rendered (and stored if it may be), or the copy it replaces while another request renders it.

        Without that copy, a page renewed more often than it takes to render (a flood of comments on one guideline)
        would be rendered by every reader at once and hardly ever served from the cache.
        """
        lock = rendering_lock_key(address)
        if not cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS):
            latest = _latest_copy(keys.latest)
            if latest is not None:
                return latest, True
            return self.get_response(request), False
        try:
            response = self.get_response(request)
            if not _can_store(response):
                return response, False
            _store(keys, response, seconds)
            return response, True
        finally:
            cache.delete(lock)


def _private(response: HttpResponse) -> HttpResponse:
    """A signed-in reader's pages are theirs alone and always fresh."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response


class ReplicaRouter:
    """Reads of anonymous GET requests go to the replica; every write, and every read of anyone else, to the primary.

    Signed-in people read their own writes at once; an anonymous reader sees a change as soon as it has replicated.
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return "replica" if reading_replica.get() else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == "default"
