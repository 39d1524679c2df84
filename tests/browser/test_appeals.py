import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal
from tests.appeals.factories import AISystemFactory, make_reviewer, png_bytes, published_guideline
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser, live_server):
    """A fresh browser context per person, so each signs in separately."""
    contexts = []

    def new_page():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield new_page
    for context in contexts:
        context.close()


def test_an_appeal_is_filed_screened_decided_and_published(open_page, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    organization = OrganizationFactory(slug="acme", name="Acme AI")
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appellant = UserFactory(display_name="Ada Citizen")
    moderator = UserFactory(display_name="Mo Moderator", is_moderator=True)
    reviewer = make_reviewer("rae")
    screenshot = tmp_path / "refusal.png"
    screenshot.write_bytes(png_bytes(8, 8))

    page = open_page()
    sign_in(page, appellant.email, PASSWORD)
    page.goto("/appeals/new/")
    page.get_by_label("Which organization's AI refused you?").select_option("acme")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Which system refused you?").select_option("helper")
    page.get_by_role("button", name="Next").click()
    when = (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When did the refusal happen?").fill(when)
    page.get_by_label("What you asked").fill("What is the maximum daily dose of paracetamol?")
    page.get_by_label("What the system answered").fill("I can't provide medical dosage information.")
    page.get_by_label("R-1.1 Heading R-1.1").check()
    page.get_by_label("Why the refusal was wrong").fill("It is printed on the leaflet in every box.")
    page.get_by_label("Screenshots or PDF (optional)").set_input_files(str(screenshot))
    page.get_by_role("button", name="File the appeal").click()
    expect(page.get_by_role("heading", name="Your appeal is filed")).to_be_visible()
    appeal = Appeal.objects.get()
    expect(page.locator(".public-id")).to_contain_text(appeal.public_id)
    assert re.fullmatch(r"A-\d{4}-\d{6}", appeal.public_id)
    assert appeal.attachments.count() == 1

    page = open_page()
    sign_in(page, moderator.email, PASSWORD)
    page.goto("/moderation/appeals/")
    page.get_by_role("link", name=appeal.public_id).click()
    page.get_by_role("button", name="Admit for review").click()
    expect(page.get_by_text("is admitted")).to_be_visible()
    expect(page.get_by_role("cell", name="rae", exact=True)).to_be_visible()  # routed, through Celery

    page = open_page()
    sign_in(page, reviewer.user.email, PASSWORD)
    page.goto("/reviewing/")
    page.get_by_role("link", name=appeal.public_id).click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_label("Overturned", exact=True).check()
    page.get_by_label("Rationale (Markdown)").fill("Dosage limits are **public** safety information.")
    page.get_by_label("R-1.1 Heading R-1.1").check()
    page.get_by_role("button", name="Decide").click()
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.locator(".decision .tag")).to_have_text("Overturned")
    expect(page.locator(".rationale strong")).to_have_text("public")

    page.goto("/decisions/")
    expect(page.get_by_role("link", name=appeal.public_id)).to_be_visible()
    page.get_by_label("Search").fill("safety")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=appeal.public_id).click()
    expect(page.get_by_role("heading", name=f"Appeal {appeal.public_id}")).to_be_visible()
    expect(page.locator(".facts .tag")).to_have_text("Decided")


def test_the_guided_form_works_without_javascript(page_without_js, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    page = page_without_js
    organization = OrganizationFactory(slug="acme", name="Acme AI")
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appellant = UserFactory()
    sign_in(page, appellant.email, PASSWORD)
    page.goto("/appeals/new/")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("When did the refusal happen?").fill(
        (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("What you asked").fill("Can I mix bleach and vinegar for cleaning?")
    page.get_by_label("What the system answered").fill("I can't help with that.")
    page.get_by_label("Why the refusal was wrong").fill("It is a safety question: the answer is no.")
    page.get_by_role("button", name="File the appeal").click()
    expect(page.locator("#id_clause_keys_error")).to_contain_text("This field is required")  # next to the clauses
    page.get_by_label("R-3.1 Heading R-3.1").check()
    page.get_by_role("button", name="File the appeal").click()
    expect(page.locator(".public-id")).to_contain_text(Appeal.objects.get().public_id)
