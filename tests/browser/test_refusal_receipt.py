"""A publisher registers its system's receipt key and plans its retirement; the system's receipt, issued by the
companies' example, starts an appeal through its link, which is filed as a verified refusal. Each page passes
axe-core at 390 and 1280 px."""

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from joserfc.jwk import OKPKey
from playwright.sync_api import expect

from appeals.models import Appeal, SystemKey
from tests.appeals.factories import AISystemFactory, published_guideline
from tests.appeals.receipt_helpers import issue
from tests.browser.journey import WIDTHS, audit, field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audited_at_both_widths(person) -> None:
    page = person.page
    if not person.keyboard:  # axe needs JavaScript; the pages without it are the same documents
        return
    original = page.viewport_size
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        audit(page)
    page.set_viewport_size(original)


def test_a_receipt_link_files_a_verified_refusal(new_person, organization, publisher, citizen, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    private_key = Ed25519PrivateKey.generate()

    company = signed_in(new_person(), publisher.email, PASSWORD)
    page = company.page
    company.visit("/organizations/acme/")
    company.follow(page.get_by_role("link", name="Acme Helper"))
    company.follow(page.get_by_role("link", name="Add a key"))
    audited_at_both_widths(company)
    company.fill(field(page, "Key id (kid)"), "k1")
    company.fill(field(page, "Public key"), json.dumps(OKPKey.import_key(private_key).as_dict(private=False)))
    company.fill_datetime(field(page, "Valid from (UTC)"), timezone.now() - timedelta(days=3))
    company.submit(page.get_by_role("button", name="Add the key"))
    expect(page.get_by_text("Key k1 is registered and on the record.")).to_be_visible()
    audited_at_both_widths(company)
    # A retirement planned ahead: receipts until then still verify.
    company.follow(page.get_by_role("link", name="Retire key k1"))
    audited_at_both_widths(company)
    company.fill_datetime(field(page, "Retire from (UTC)"), timezone.now() + timedelta(days=30))
    company.fill(field(page, "Why"), "Rotation planned")
    company.submit(page.get_by_role("button", name="Retire the key"))
    expect(page.get_by_text("Key k1 is retired; the change is on the record.")).to_be_visible()
    assert SystemKey.objects.get().retirement_reason == "Rotation planned"

    appellant = signed_in(new_person(), citizen.email, PASSWORD)
    page = appellant.page
    appellant.visit(f"/appeals/new/?receipt={issue(private_key)}")
    expect(page.get_by_text("signed by Acme Helper key k1")).to_be_visible()
    expect(page.get_by_label("R-1.1 Heading R-1.1")).to_be_checked()
    audited_at_both_widths(appellant)
    appellant.fill(field(page, "What you asked"), "What is the maximum daily dose of paracetamol?")
    appellant.fill(field(page, "What the system answered"), "I can't provide medical dosage information.")
    appellant.fill(field(page, "Why the refusal was wrong"), "It is printed on the leaflet in every box.")
    with page.expect_navigation():
        appellant.activate(page.get_by_role("button", name="Continue"))
    appellant.arrived()
    expect(page.get_by_text("signed by Acme Helper key k1")).to_be_visible()
    audited_at_both_widths(appellant)
    appellant.submit(page.get_by_role("button", name="File this appeal"))
    expect(page.get_by_role("heading", name="Your appeal is filed")).to_be_visible()
    assert Appeal.objects.get().refusal.is_verified
