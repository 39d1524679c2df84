"""An appeal's Atom feed: its public timeline, newest step first, never anything private."""

import feedparser

from tests.appeals.factories import admitted, file


def test_the_feed_lists_the_public_timeline_newest_first(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    response = client.get(f"/feeds/appeals/{appeal.public_id}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.feed.title == f"Appeal {appeal.public_id}: its timeline"
    events = list(appeal.events.order_by("-at", "-pk"))
    assert [entry.title.split(" · ")[0] for entry in feed.entries] == [event.label for event in events]
    assert feed.entries[0].link.endswith(f"/appeals/{appeal.public_id}/#event-{events[0].pk}")


def test_the_feed_says_nothing_the_public_page_hides(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline, prompt_excerpt="Call me on +44 20 7946 0958 about doses.")
    assert "7946" not in client.get(f"/feeds/appeals/{appeal.public_id}/").text


def test_the_appeal_page_advertises_its_feed_and_anchors_each_step(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    page = client.get(appeal.get_absolute_url()).text
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert f'title="Appeal {appeal.public_id}: its timeline" href="/feeds/appeals/{appeal.public_id}/"' in page
    assert f'id="event-{appeal.events.first().pk}"' in page


def test_an_unknown_appeal_has_no_feed(client, db):
    assert client.get("/feeds/appeals/A-2026-999999/").status_code == 404
