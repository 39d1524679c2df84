from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultation.models import GuidelineVersion
from consultation.services import drafting
from tests.browser.journey import field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKDOWN = """## R-1.1 Dosage
The assistant declines to give dosages.

## R-1.2 Diagnosis
The assistant does not diagnose.
"""


def test_a_publisher_imports_a_draft_and_schedules_its_period(new_person, publisher, organization):
    drafting.create_guideline(organization=organization, slug="medical", title="Medical advice", by=publisher)
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.follow(page.get_by_role("link", name="Publish", exact=True))
    person.follow(page.get_by_role("link", name="Medical advice"))
    person.follow(page.get_by_role("link", name="import a draft from a Markdown document"), shot="import-draft")
    person.fill(field(page, "Markdown document"), MARKDOWN)
    person.submit(page.get_by_role("button", name="Import draft"), shot="draft")
    expect(page.get_by_text("Imported 2 clauses into draft 1.")).to_be_visible()
    expect(page.get_by_role("heading", name="R-1.2 Diagnosis")).to_be_visible()

    person.fill_datetime(field(page, "Closes at"), (timezone.now() + timedelta(days=35)).replace(hour=9, minute=30))
    person.submit(page.get_by_role("button", name="Schedule comment period"))
    expect(page.get_by_text("The comment period is scheduled")).to_be_visible()
    version = GuidelineVersion.objects.get()
    assert version.status == GuidelineVersion.CONSULTATION and version.comment_period.state == "open"


def test_a_publisher_adds_edits_moves_and_removes_clauses_of_a_draft(new_person, publisher, organization):
    guideline = drafting.create_guideline(
        organization=organization, slug="medical", title="Medical advice", by=publisher
    )
    drafting.import_draft_from_markdown(guideline=guideline, markdown=MARKDOWN, by=publisher)
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.visit("/publish/")
    person.follow(page.get_by_role("link", name="Medical advice"))
    person.follow(page.get_by_role("link", name="Version 1"))

    person.fill(field(page, "Key"), "R-1.3")
    person.fill(page.locator("#add-heading"), "Emergencies")
    person.fill(page.locator("#add-text"), "The assistant points to emergency services.")
    person.submit(page.get_by_role("button", name="Add clause"))
    expect(page.get_by_text("Clause R-1.3 added.")).to_be_visible()

    person.follow(page.get_by_role("link", name="Edit R-1.1"), shot="edit-clause")
    person.fill(field(page, "Heading"), "Dosages")
    person.submit(page.get_by_role("button", name="Save clause"))
    expect(page.get_by_text("Clause R-1.1 saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="R-1.1 Dosages")).to_be_visible()

    person.submit(page.get_by_role("button", name="Move R-1.3 up"))
    expect(page.get_by_text("Clause R-1.3 moved up.")).to_be_visible()
    person.submit(page.get_by_role("button", name="Remove R-1.2"))
    expect(page.get_by_text("Clause R-1.2 removed.")).to_be_visible()
    expect(page.get_by_role("heading", name="R-1.2 Diagnosis")).to_have_count(0)
    assert list(GuidelineVersion.objects.get().clauses.values_list("key", flat=True)) == ["R-1.1", "R-1.3"]
