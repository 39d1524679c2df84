"""The pages every public service has: help, contact, accessibility statement and privacy notice."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = {
    "/help/": ["Comment on a draft", "Suggest wording", "Appeal a refusal", "Verify the record", "verify_record.py"],
    "/contact/": ["contact@whodecides.localhost"],
    "/accessibility/": ["WCAG", "2.2", "level AA", "axe-core", "keyboard", "390 pixels", "Known issues"],
    "/privacy/": ["What is public, and kept for good", "What is redacted", "How long non-public data is kept"],
}


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_written_for_this_site_with_one_heading_in_a_main(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("<h1>") == 1 and '<main id="main"' in response.text
    for words in PAGES[url]:
        assert words in response.text
    assert "lorem" not in response.text.lower()


def test_the_footer_links_to_each_of_them(client):
    footer = client.get("/").text.split('<footer class="site-footer">')[1]
    for url in PAGES:
        assert f'href="{url}"' in footer


def test_the_contact_address_comes_from_the_settings(client, settings):
    settings.CONTACT_EMAIL = "help@example.org"
    for url in ("/contact/", "/privacy/", "/accessibility/"):
        assert 'href="mailto:help@example.org"' in client.get(url).text


def test_the_privacy_notice_names_how_to_ask(client):
    page = client.get("/privacy/").text
    assert re.search(r"How to ask</h2>.*mailto:", page, re.S)


@pytest.mark.parametrize("url", ["/accounts/password/reset/", "/accounts/confirm-email/"])
def test_sign_in_help_links_to_the_contact_page_instead_of_saying_contact_us(client, url):
    page = client.get(url).text
    assert '<a href="/contact/">contact us</a>' in page and "Please contact us" not in page


def test_the_password_reset_sent_page_links_to_the_contact_page(client):
    page = client.get("/accounts/password/reset/done/").text
    assert '<a href="/contact/">contact us</a>' in page
