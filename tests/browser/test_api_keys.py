import pytest
from playwright.sync_api import expect

from accounts.models import ApiKey
from tests.browser.journey import WIDTHS, audit, field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_publisher_makes_a_key_sees_it_once_and_revokes_it(new_person, organization, publisher):
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.visit("/decisions/to-answer/")
    person.follow(page.get_by_role("link", name="API keys of Acme AI"), shot="api-keys")
    person.fill(field(page, "What is the key for?"), "moderation pipeline")
    person.tick(page.get_by_role("checkbox", name="Report refusal statements (statements:write)"))
    person.submit(page.get_by_role("button", name="Make the key"), shot="api-key-made")
    key = ApiKey.objects.get()
    shown = page.locator("[data-new-key]")
    expect(shown).to_have_text(f"wd_{key.prefix}_" + shown.inner_text().split("_", 2)[2])
    if person.keyboard:
        width, height = min(WIDTHS.items())
        page.set_viewport_size({"width": width, "height": height})
        audit(page)
        page.set_viewport_size({"width": 1280, "height": 800})
    person.visit("/organizations/acme/api-keys/")
    expect(page.locator("[data-new-key]")).to_have_count(0)
    expect(page.get_by_text(f"wd_{key.prefix}_…")).to_be_visible()
    person.submit(page.get_by_role("button", name="Revoke the key moderation pipeline"))
    expect(page.get_by_text("is revoked")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke the key moderation pipeline")).to_have_count(0)
    key.refresh_from_db()
    assert key.is_revoked
