"""Hidden means gone: once a moderator's hide returns, no cached copy with the comment's text is served again."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory

from config.settings import redis_caches
from consultation.services.comments import hide_comment, post_comment
from core.caching import keys_for, page_address, rendering_lock_key
from core.purging import purge
from tests.consultation.factories import consultation

SPAM = "Buy cheap watches at spam.example"
READERS = 8


def read_at_once(urls: list[str]) -> list[str]:
    """Each URL fetched by its own anonymous reader in its own thread, all released together."""
    start = threading.Barrier(len(urls))
    pages: list[str] = [""] * len(urls)

    def read(n: int) -> None:
        start.wait()
        try:
            pages[n] = Client().get(urls[n]).text
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return pages


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("render_in_progress", [False, True], ids=["idle", "while-another-request-renders"])
def test_no_reader_gets_a_hidden_comment_once_the_hide_returns(
    organization, citizen, moderator, settings, render_in_progress
):
    settings.PAGE_RENDER_WAIT_SECONDS = 0.2
    version = consultation(organization)
    posted = post_comment(version=version, clause=version.clauses.first(), body=SPAM, by=citizen)
    urls = [version.get_absolute_url(), f"{version.get_absolute_url()}clauses/{posted.clause.key}/"]
    assert all(SPAM in page for page in read_at_once(urls))  # cached, with its latest copy
    if render_in_progress:
        # A render that began before the hide holds the lock: readers used to get the copy it replaces.
        for url in urls:
            cache.add(rendering_lock_key(page_address(RequestFactory().get(url))), 1)

    hide_comment(comment=posted, reason="spam", by=moderator)

    pages = read_at_once(urls * (READERS // 2))
    assert all(pages), "every reader got a page"
    assert not [page for page in pages if SPAM in page]


def test_a_purge_retires_the_copy_kept_for_readers_during_a_re_render(client, organization):
    version = consultation(organization)
    request = RequestFactory().get(version.get_absolute_url())
    client.get(version.get_absolute_url())
    before = keys_for(request)
    assert cache.get(before.latest) is not None
    purge(f"guideline:{version.guideline.organization.slug}/{version.guideline.slug}")
    after = keys_for(request)
    assert after.page != before.page
    assert after.latest != before.latest
    assert cache.get(after.latest) is None


def test_a_purge_that_cannot_reach_the_cache_is_logged_not_raised(settings, caplog):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout_seconds=1)
    purge("guideline:acme/medical")
    assert "Could not purge the cached pages of guideline:acme/medical" in caplog.text
    assert all(record.levelname == "ERROR" for record in caplog.records if "Could not purge" in record.message)
