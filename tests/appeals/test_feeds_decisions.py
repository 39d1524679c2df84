"""The decisions' Atom feed: the newest decisions, filtered as /decisions/ is, through the same form."""

import feedparser
import pytest

from appeals.models import Decision
from tests.appeals.factories import AISystemFactory, decided

FEED = "/feeds/decisions/"


@pytest.fixture
def two_decisions(citizen, system, guideline, moderator):
    upheld = decided(citizen, system, guideline, moderator, handle="una", outcome=Decision.UPHELD, rationale="Stands.")
    other = AISystemFactory(organization=system.organization, slug="other", name="Acme Other")
    overturned = decided(citizen, other, guideline, moderator, handle="ove", rationale="Vaccine schedules are public.")
    return upheld, overturned


def entries(client, **filters):
    response = client.get(FEED, filters)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content).entries


def test_the_feed_lists_the_newest_decisions_first(client, two_decisions):
    upheld, overturned = two_decisions
    titles = [entry.title for entry in entries(client)]
    assert titles == [
        f"Overturned: {overturned.public_id} (Acme Other of Acme AI)",
        f"Upheld: {upheld.public_id} (Acme Helper of Acme AI)",
    ]
    assert "Cites R-1.1." in entries(client)[0].summary


def test_the_feed_takes_the_filters_of_the_decision_list(client, two_decisions):
    upheld, overturned = two_decisions
    assert [e.title for e in entries(client, outcome="upheld")] == [
        f"Upheld: {upheld.public_id} (Acme Helper of Acme AI)"
    ]
    assert [e.title.split(": ")[1].split(" ")[0] for e in entries(client, q="vaccine")] == [overturned.public_id]
    assert len(entries(client, system="helper")) == 1


def test_a_bad_filter_is_refused_with_the_lists_message(client, db):
    response = client.get(FEED, {"outcome": "maybe", "topik": "x"})
    assert response.status_code == 400 and "Unknown parameter: topik" in response.text


def test_the_decision_list_advertises_the_feed_with_its_filters(client, two_decisions):
    page = client.get("/decisions/", {"outcome": "upheld"}).text
    assert (
        'type="application/atom+xml" title="Decisions matching these filters" href="/feeds/decisions/?outcome=upheld"'
        in page
    )


def test_the_feed_takes_the_same_queries_for_one_decision_or_many(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    decided(citizen, system, guideline, moderator, handle="one")
    with django_assert_max_num_queries(5):
        client.get(FEED)
    decided(citizen, system, guideline, moderator, handle="two")
    with django_assert_max_num_queries(5):
        assert len(entries(client)) == 2
