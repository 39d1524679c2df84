"""The guideline page shows, for each clause, how often refusals under it were appealed and overturned."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals import services
from appeals.models import Decision
from tests.appeals.factories import decided, file

pytestmark = pytest.mark.django_db


def clause_row(page: str, key: str) -> str:
    start = page.index(f'id="clause-row-{key}"')
    return page[start : page.index("</li>", start)]


def test_each_clause_shows_its_appeals_and_overturns(client, citizen, moderator, system, guideline):
    decided(citizen, system, guideline, moderator, handle="rae", outcome=Decision.OVERTURNED, refusal_excerpt="a")
    decided(citizen, system, guideline, moderator, handle="sam", outcome=Decision.UPHELD, refusal_excerpt="b")
    file(citizen, system, guideline, refusal_excerpt="c")
    page = client.get(guideline.get_absolute_url()).text
    assert "appealed 3 times, overturned 1" in clause_row(page, "R-1.1")
    assert "/decisions/?organization=acme&amp;guideline=assistant-refusals&amp;clause=R-1.1" in clause_row(
        page, "R-1.1"
    )
    assert "appealed" not in clause_row(page, "R-2.1")


def test_a_withdrawn_appeal_does_not_count(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    services.withdraw_appeal(appeal=appeal, by=citizen)
    assert "appealed" not in clause_row(client.get(guideline.get_absolute_url()).text, "R-1.1")


def test_the_guideline_page_takes_a_constant_number_of_queries(
    client, citizen, moderator, system, guideline, django_assert_num_queries
):
    decided(citizen, system, guideline, moderator, handle="rae", refusal_excerpt="first")
    with CaptureQueriesContext(connection) as first:
        client.get(guideline.get_absolute_url())
    for n, handle in enumerate(["sam", "kim", "lou"]):
        decided(citizen, system, guideline, moderator, handle=handle, refusal_excerpt=f"more {n}")
        file(citizen, system, guideline, refusal_excerpt=f"filed {n}", clause_keys=["R-2.1"])
    cache.clear()  # rendered again, not served from the page cache
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(guideline.get_absolute_url()).text
    assert "appealed 4 times, overturned 4" in clause_row(page, "R-1.1")
    assert "appealed 3 times, overturned 0" in clause_row(page, "R-2.1")
