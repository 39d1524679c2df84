"""Taking text off the cached pages: a moderator hides a comment, redacts an appeal's excerpts, rejects a statement.

A renewal (core.caching.renew) lets the pages that showed the old state be found no more; a purge also retires the
latest copy kept for readers while a page re-renders, which would still show the text. It runs once the change is
committed and before the request answers, so no copy with the text is served after the moderator's action returns.

If Redis cannot be reached then, the action still succeeds (it is committed) and the purge is queued through the
outbox (core/outbox.py), which keeps it in PostgreSQL and hands it to a worker that retries with backoff until Redis
answers: a hidden text is purged once Redis is back, however long it was away. Meanwhile the copies it retires are
kept in that same Redis, so nobody is served them either; a Redis that comes back with its data is what the retry is
for.
"""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction

from core.cache import reaching_redis
from core.caching import cache, recent_removal_key, removal_tag, renew
from core.queue import enqueue

logger = logging.getLogger(__name__)
PURGE_TASK = "core.tasks.purge_pages"


def purge_after_commit(*tags: str) -> None:
    """Once the caller's transaction commits, purge the pages that show `tags`; never an error for the request."""
    transaction.on_commit(lambda: purge(*tags))


def purge(*tags: str) -> None:
    """Purge now, or, when Redis does not answer, log it and queue a purge that retries until it does."""
    try:
        purge_now(*tags)
    except Exception:
        logger.exception("Could not purge the cached pages of %s", ", ".join(tags))
        _queue_retry(list(tags))


def _queue_retry(tags: list[str]) -> None:
    if current_app.conf.task_always_eager:
        # No broker, so no worker to retry later, and retrying here would hold the request while Redis is away.
        return
    try:
        with transaction.atomic():
            enqueue(PURGE_TASK, tags)
    except Exception:  # the database is gone too: nothing more this request can do, and it must still answer
        logger.exception("Could not queue a retry of the purge of %s", ", ".join(tags))


def purge_now(*tags: str) -> None:
    """Renew the tags and the removal generations naming the latest copies on Redis itself, even while this process
    believes it away (others may serve them), and read the primary a while. Raises when Redis does not answer."""
    with reaching_redis():
        renew(*tags, *(removal_tag(tag) for tag in tags))
        cache.set_many({recent_removal_key(tag): 1 for tag in tags}, timeout=settings.DATABASE_REPLICA_LAG_SECONDS)
