import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_home_page_has_an_accessible_shell(client):
    page = client.get("/").content.decode()
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert '<nav aria-label="Main">' in page
    assert 'name="viewport"' in page


def test_a_signed_in_person_sees_their_name(client, citizen):
    client.force_login(citizen)
    assert "Ada Citizen" in client.get("/").content.decode()


def test_a_visitor_is_offered_sign_in(client):
    page = client.get("/").content.decode()
    assert "/accounts/login/" in page and "/accounts/signup/" in page


def test_sign_up_asks_for_a_display_name_and_verification(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "display_name": "New Person",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "confirm" in mailoutbox[0].body.lower()
    from accounts.models import User
    from accounts.permissions import is_citizen

    assert not is_citizen(User.objects.get(email="new@example.org"))


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_the_api_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_the_old_redoc_address_leads_to_the_api_docs(client):
    response = client.get("/api/redoc/")
    assert (response.status_code, response["Location"]) == (301, "/api/docs/")


@pytest.mark.parametrize("url", ["/no/such/page/", "/guidelines/acme/nope/"])
def test_with_debug_on_a_404_is_still_the_sites_own_page(client, settings, url):
    settings.DEBUG = True
    response = client.get(url)
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text


def test_every_page_names_a_favicon_and_favicon_ico_leads_to_it(client):
    assert 'rel="icon"' in client.get("/").text
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
