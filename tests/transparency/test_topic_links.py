"""Every link of the statistics pages answers: the topic links (/decisions/?topic=…, /appeals/?topic=…) once
answered 500 on SQLite, so the pages are crawled as a visitor would follow them."""

import html
import re
from urllib.parse import urlsplit

from django.urls import reverse

HREF = re.compile(r'href="(/[^"]*)"')
# Files and machine-readable answers are checked elsewhere; a crawl of pages needs only the pages.
NOT_PAGES = ("/static/", "/api/", "/feeds/", "/data/", "/record/")
ORGANIZATION_PAGE = re.compile(r"/statistics/organizations/[\w-]+/")


def links_on(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    found = {html.unescape(href) for href in HREF.findall(page.content.decode())}
    return {link for link in found if not urlsplit(link).path.startswith(NOT_PAGES)}


def statistics_links(client) -> set[str]:
    """The links of /statistics/ and of every organization's statistics page it links to."""
    overall = links_on(client, reverse("statistics"))
    organizations = {link for link in overall if ORGANIZATION_PAGE.fullmatch(link)}
    assert reverse("statistics-organization", args=["acme"]) in organizations
    return overall.union(*(links_on(client, url) for url in organizations))


def test_every_link_of_the_statistics_pages_answers_topic_links_included(client, record):
    links = sorted(statistics_links(client))
    topic_links = [link for link in links if "topic=" in link]
    assert any(link.startswith("/decisions/?") for link in topic_links)
    assert any(link.startswith("/appeals/?") for link in topic_links)
    broken = [link for link in links if client.get(link).status_code != 200]
    assert broken == []
