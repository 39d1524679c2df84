from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal
from tests.appeals.factories import AISystemFactory, published_guideline, write_png
from tests.browser.journey import field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_appellant_files_an_appeal_with_a_screenshot_and_withdraws_it(
    new_person, organization, citizen, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    write_png(tmp_path / "refusal.png")
    appellant = signed_in(new_person(), citizen.email, PASSWORD)
    page = appellant.page

    appellant.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Appeal a refusal"))
    # A question a page: with JavaScript on each answer swaps the next question in, without it each is a page.
    appellant.choose(field(page, "Which organization's AI refused you?"), "Acme AI")
    appellant.submit(page.get_by_role("button", name="Next"), in_place=True)
    appellant.choose(field(page, "Which system refused you?"), "Acme Helper")
    appellant.submit(page.get_by_role("button", name="Next"), in_place=True)
    appellant.fill_datetime(field(page, "When did the refusal happen?"), timezone.now() - timedelta(days=2))
    appellant.submit(page.get_by_role("button", name="Next"), in_place=True)
    expect(field(page, "What you asked")).to_be_visible()
    appellant.arrived(shot="appeal-form")  # the question swapped in is checked with axe-core like a page
    appellant.fill(field(page, "What you asked"), "What is the maximum daily dose of paracetamol?")
    appellant.fill(field(page, "What the system answered"), "I can't provide medical dosage information.")
    appellant.tick(page.get_by_label("R-1.1 Heading R-1.1"))
    appellant.fill(field(page, "Why the refusal was wrong"), "It is printed on the leaflet in every box.")
    appellant.attach(field(page, "Screenshots or PDF (optional)"), tmp_path / "refusal.png")
    # The check page lists every answer; nothing is filed until its button is pressed.
    with page.expect_navigation():
        appellant.activate(page.get_by_role("button", name="Continue"))
    appellant.arrived(shot="appeal-check")
    expect(page.get_by_role("heading", level=1, name="Check your answers before filing your appeal")).to_be_visible()
    expect(page.get_by_text("It is printed on the leaflet in every box.")).to_be_visible()
    expect(page.get_by_text("refusal.png (")).to_be_visible()
    assert not Appeal.objects.exists()
    appellant.submit(page.get_by_role("button", name="File this appeal"), shot="appeal-filed")

    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", name="Your appeal is filed")).to_be_visible()
    expect(page.get_by_text(appeal.public_id).first).to_be_visible()
    assert appeal.attachments.get().content_type == "image/png"
    appellant.follow(page.get_by_role("link", name=f"Follow appeal {appeal.public_id}"), shot="appeal-own")
    appellant.submit(page.get_by_role("button", name="Withdraw this appeal"))
    expect(page.get_by_text("Withdrawn").first).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.WITHDRAWN
