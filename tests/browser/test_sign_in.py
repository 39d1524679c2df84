import pytest
from playwright.sync_api import expect

from accounts.services import create_account
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_demo_account_signs_in_and_sees_its_name(page, live_server):
    create_account(email="ada@example.org", password="a-long-passphrase", role="citizen", display_name="Ada Lovelace")
    sign_in(page, "ada@example.org", "a-long-passphrase")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".signed-in")).to_contain_text("Ada Lovelace")


def test_a_wrong_password_shows_an_error(page):
    create_account(email="ada@example.org", password="a-long-passphrase", role="citizen", display_name="Ada Lovelace")
    sign_in(page, "ada@example.org", "wrong")
    expect(page.get_by_text("not correct")).to_be_visible()
    expect(page.locator(".signed-in")).to_have_count(0)
