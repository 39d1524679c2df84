import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ledger.models import Entry
from tests.appeals.factories import decided, file
from transparency.fold import fold_record

FIGURE = re.compile(r'data-figure="([^"]+)">(?:<a href="([^"]+)">)?(\d+)')


def figures(page) -> dict[str, tuple[int, str | None]]:
    text = page.content.decode()
    return {name: (int(number), html.unescape(url) if url else None) for name, url, number in FIGURE.findall(text)}


def rows_listed(client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, url
    text = page.content.decode()
    return text.count('class="listed"') + text.count('class="decision-item"')


PAGES = [
    ("statistics", []),
    ("statistics-organization", ["acme"]),
    ("statistics-system", ["acme", "helper"]),
    ("statistics-guideline", ["acme", "assistant-refusals"]),
    ("statistics-clause", ["acme", "assistant-refusals", "R-1.1"]),
    ("statistics-topic", ["medical"]),
]


@pytest.mark.parametrize("name,args", PAGES)
def test_every_figure_counts_the_rows_of_the_list_it_links_to(client, record, name, args):
    shown = figures(client.get(reverse(name, args=args)))
    assert shown["decided"][0] > 0
    for figure, (number, url) in shown.items():
        if url:
            assert rows_listed(client, url) == number, figure


def test_the_overall_page_shows_the_figures(client, record):
    shown = figures(client.get(reverse("statistics")))
    assert shown["filed"][0] == 8 and shown["decided"][0] == 4 and shown["overdue_now"][0] == 1
    assert shown["inadmissible:duplicate"][0] == 1 and shown["outcome:partially_overturned"][0] == 2
    assert shown["comments"][0] == 3 and shown["answered"][0] == 1


def test_the_page_shows_shares_and_reviewer_labels_only(client, record):
    text = client.get(reverse("statistics")).content.decode()
    assert "75%" in text  # three of four decisions overturned fully or partly
    assert '<th scope="row">rae</th>' in text and ">Rae<" not in text  # the handle, never the display name


def test_a_period_narrows_the_figures_and_its_links(client, record):
    long_ago = figures(client.get(reverse("statistics"), {"from": "2001-Q1", "to": "2001-03"}))
    assert long_ago["filed"][0] == 0 and long_ago["decided"][0] == 0
    assert "from=2001-01&to=2001-03" in long_ago["filed"][1]
    assert long_ago["overdue_now"][0] == 1  # overdue is now, whatever the period
    this_month = timezone.localdate().strftime("%Y-%m")
    assert figures(client.get(reverse("statistics"), {"from": this_month}))["decided"][0] == 4


@pytest.mark.parametrize("value", ["2026-13", "last year", "2026-Q5"])
def test_a_bad_period_is_a_form_error(client, record, value):
    page = client.get(reverse("statistics"), {"from": value})
    assert page.status_code == 400
    assert "is not a month or a quarter" in page.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(client, record):
    page = client.get(reverse("statistics"), {"from": "2026-05", "to": "2026-Q1"})
    assert "The end of the period comes before its start." in page.content.decode()


def test_pages_read_a_constant_number_of_queries(
    client, record, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    # 6, and 2 more on the overall and organization pages for what consultations led to (transparency.outcomes).
    for name, args in PAGES:
        with django_assert_max_num_queries(8):
            client.get(reverse(name, args=args))
    for handle in ["x1", "x2", "x3", "x4", "x5"]:
        decided(citizen, system, guideline, moderator, handle=handle)
    fold_record()
    for name, args in PAGES:
        with django_assert_max_num_queries(8):
            client.get(reverse(name, args=args))


def test_unknown_things_have_no_statistics_page(client, record):
    assert client.get(reverse("statistics-organization", args=["nobody"])).status_code == 404
    assert client.get(reverse("statistics-system", args=["acme", "nothing"])).status_code == 404


def test_bars_need_no_inline_style(client, record):
    text = client.get(reverse("statistics-organization", args=["acme"])).content.decode()
    assert '<rect class="bar-value" width="' in text
    assert "style=" not in text


def test_each_month_links_to_the_lists_of_that_month(client, record):
    text = client.get(reverse("statistics")).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f"from={month}&amp;to={month}" in text


def test_the_lists_run_a_constant_number_of_queries(client, record, django_assert_max_num_queries):
    for name in ["appeal-list", "comment-list"]:
        with django_assert_max_num_queries(4):
            client.get(reverse(name))


def test_the_page_says_how_far_into_the_record_it_counted(client, record, citizen, system, guideline):
    last = Entry.objects.order_by("-seq").first().seq
    assert f"Counted up to entry #{last} of" in client.get(reverse("statistics")).content.decode()
    file(citizen, system, guideline)
    cache.clear()  # statistics pages are cached for PAGE_CACHE_SHORT_SECONDS, not renewed by each entry
    assert "1 newer entry will be counted within a minute" in client.get(reverse("statistics")).content.decode()
