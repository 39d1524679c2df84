import pytest
from playwright.sync_api import expect

from consultation.models import Suggestion, SuggestionDecision
from tests.browser.journey import field, signed_in
from tests.consultation.factories import consultation
from tests.consultation.test_api_suggestions import made
from tests.consultation.test_suggestions import close
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_citizen_suggests_and_supports_on_a_phone_and_the_publisher_decides(
    new_person, organization, citizen, publisher
):
    version = consultation(organization)
    other = made(version, key="R-2.1", text="Refuse only what could hurt many people.")
    person = new_person()
    page = person.page
    signed_in(person, citizen.email, PASSWORD)
    page.set_viewport_size(PHONE)  # after signing in: on a phone the sign-in link is inside the menu

    person.visit(version.get_absolute_url())
    person.follow(page.get_by_role("link", name="0 suggested wordings for R-1.1"))
    person.tick(page.get_by_label("Replace the wording of R-1.1"))
    person.fill(field(page, "Your wording"), "The assistant declines requests for harmful instructions.")
    person.fill(field(page, "Why"), "Dangerous is vaguer than harmful.")
    person.submit(page.get_by_role("button", name="Suggest wording"), shot="suggestion")
    expect(page.get_by_text("Your suggestion is published.")).to_be_visible()
    expect(page.locator(".redline del")).to_have_text("dangerous")
    assert Suggestion.objects.get(author=citizen).reason == "Dangerous is vaguer than harmful."
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    person.visit(other.get_absolute_url())
    person.submit(page.get_by_role("button", name=f"Support suggestion {other.pk}"))
    expect(page.get_by_text("You support this suggestion.", exact=True).first).to_be_visible()
    expect(page.locator(".counts")).to_contain_text("1 in support · 0 against")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    close(version)
    publisher_person = signed_in(new_person(), publisher.email, PASSWORD)
    decider = publisher_person.page
    publisher_person.visit("/publish/acme/medical/v1/")
    publisher_person.follow(decider.get_by_role("link", name=f"Decide suggestion {other.pk}"))
    publisher_person.tick(decider.get_by_label("Accepted with changes"))
    publisher_person.fill(field(decider, "Public reason"), "We kept the word instructions.")
    publisher_person.submit(decider.get_by_role("button", name="Publish the decision"), shot="suggestion-decided")
    expect(decider.get_by_text("Accepted with changes", exact=True)).to_be_visible()
    assert SuggestionDecision.objects.get().outcome == "accepted_with_changes"
