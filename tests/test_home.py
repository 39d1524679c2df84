"""The home page: what is open for comment, the latest decisions, a way to appeal, the latest record entries."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from appeals.models import Decision
from ledger.kinds import EntryKind
from ledger.services import append
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import consultation

pytestmark = pytest.mark.django_db


def test_the_home_page_is_honest_when_empty(client):
    page = client.get("/").text
    assert "No guideline is open for comment right now" in page
    assert "No appeal has been decided yet" in page
    assert "Nothing has been recorded yet" in page
    assert "/appeals/new/" in page


def test_the_home_page_shows_the_latest_entries(client):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    page = client.get("/").text
    assert "thing:1" in page
    assert "Nothing has been recorded yet" not in page


def test_an_open_consultation_is_listed_with_its_closing_date(client, organization):
    version = consultation(organization)
    page = client.get("/").text
    assert version.get_absolute_url() in page
    assert "Medical advice, version 1" in page
    assert version.comment_period.closes_at.strftime("%-d %B %Y") in page
    assert "No guideline is open for comment right now" not in page


def test_a_scheduled_consultation_is_listed_as_opening_soon(client, organization):
    version = consultation(organization, opens_in=timedelta(days=3))
    page = client.get("/").text
    assert "Opening soon" in page
    assert version.get_absolute_url() in page
    assert "No guideline is open for comment right now" in page


def test_recent_decisions_are_listed(client, organization, citizen, moderator):
    system = AISystemFactory(organization=organization, name="Acme Helper")
    appeal = decided(citizen, system, published_guideline(organization), moderator, outcome=Decision.OVERTURNED)
    page = client.get("/").text
    assert appeal.public_id in page
    assert "Overturned" in page
    assert "Acme Helper" in page
    assert "No appeal has been decided yet" not in page


def test_the_home_page_takes_a_constant_number_of_queries(
    client, organization, citizen, moderator, django_assert_num_queries
):
    system = AISystemFactory(organization=organization)
    guideline = published_guideline(organization)
    consultation(organization)
    decided(citizen, system, guideline, moderator, handle="rae")
    with django_assert_num_queries(6) as few:  # the decisions, the clauses they cite and those clauses' headings
        client.get("/")
    for n, handle in enumerate(["sam", "kim", "lou"]):
        decided(citizen, system, guideline, moderator, handle=handle, refusal_excerpt=f"refusal {n}")
    cache.clear()  # rendered again, not served from the page cache
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
