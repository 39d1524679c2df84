import feedparser
import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command

from core.sites import site_matches_site_url
from tests.consultation.factories import consultation

pytestmark = pytest.mark.django_db


def test_feed_links_point_at_the_site_url_not_example_com(client, organization):
    consultation(organization)
    feed = feedparser.parse(client.get("/feeds/consultations/").content)
    assert feed.entries and not feed.bozo
    assert all(entry.link.startswith(settings.SITE_URL + "/guidelines/") for entry in feed.entries)


def test_the_sign_up_email_names_the_site_not_example_com(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "display_name": "New Person",
        },
    )
    assert "example.com" not in mailoutbox[0].body
    assert "Hello from Who Decides!" in mailoutbox[0].body


def test_migrate_follows_a_changed_site_url_and_the_check_reports_a_mismatch(settings):
    settings.SITE_URL = "https://whodecides.example.org"
    assert [m.id for m in site_matches_site_url(databases=["default"])] == ["core.W001"]
    call_command("migrate", verbosity=0)
    assert Site.objects.get_current().domain == "whodecides.example.org"
    assert site_matches_site_url(databases=["default"]) == []
