"""A guideline's Atom feed: its public versions as they go out for comment and become final; drafts never."""

import feedparser
import pytest

from consultation.models import GuidelineVersion
from tests.consultation.factories import consultation
from tests.factories import GuidelineVersionFactory

pytestmark = pytest.mark.django_db
FEED = "/feeds/guidelines/acme/medical/"


def test_the_feed_lists_each_public_version_newest_first(client, organization):
    consulted = consultation(organization)
    consulted.summary_html = "<p>The first draft.</p>"
    consulted.save()
    GuidelineVersionFactory(guideline=consulted.guideline, number=2, status=GuidelineVersion.DRAFT)
    response = client.get(FEED)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "Medical advice (Acme AI): versions and consultations"
    assert [entry.title for entry in feed.entries] == ["Version 1: draft under consultation (open for comment)"]
    assert feed.entries[0].link.endswith("/guidelines/acme/medical/v1/")
    assert "Comments are taken from" in feed.entries[0].summary


def test_a_final_version_is_an_entry_of_its_own(client, organization):
    consulted = consultation(organization, closed=True)
    GuidelineVersionFactory(guideline=consulted.guideline, number=2, status=GuidelineVersion.FINAL)
    titles = [entry.title for entry in feedparser.parse(client.get(FEED).content).entries]
    assert titles == ["Version 2: final version", "Version 1: draft under consultation (closed)"]


def test_a_guideline_with_only_drafts_has_no_feed(client, organization):
    version = consultation(organization)
    GuidelineVersion.objects.filter(pk=version.pk).update(status=GuidelineVersion.DRAFT)
    assert client.get(FEED).status_code == 404


def test_the_guideline_page_advertises_its_feed(client, organization):
    page = client.get(consultation(organization).guideline.get_absolute_url()).text
    assert f'type="application/atom+xml" title="Medical advice: versions and consultations" href="{FEED}">' in page
