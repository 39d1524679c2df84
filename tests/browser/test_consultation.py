from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import create_account
from consultation.models import Comment, GuidelineVersion
from consultation.services import drafting
from tests.browser.conftest import sign_in
from tests.consultation.factories import CommentFactory, consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-passphrase"
MARKDOWN = """## R-1.1 Dosage
The assistant declines to give dosages.

## R-1.2 Diagnosis
The assistant does not diagnose.
"""


@pytest.mark.parametrize("which", ["page", "page_without_js"])
def test_a_citizen_comments_replies_and_endorses(request, which, live_server, organization):
    page = request.getfixturevalue(which)
    version = consultation(organization)
    other = CommentFactory(version=version, clause=version.clauses.get(key="R-2.1"), body="Someone else's view.")
    create_account(email="ada@example.org", password=PASSWORD, role="citizen", display_name="Ada Lovelace")
    sign_in(page, "ada@example.org", PASSWORD)
    page.goto(version.get_absolute_url())

    thread = page.locator("#thread-R-1\\.1")
    thread.get_by_text("Comment on R-1.1", exact=True).click()
    thread.get_by_label("Your comment on R-1.1").fill("This clause is too broad.")
    thread.get_by_role("button", name="Post comment").click()
    expect(page.locator("#thread-R-1\\.1")).to_contain_text("This clause is too broad.")
    mine = Comment.objects.get(body="This clause is too broad.")
    if which == "page":
        assert "#comment-" not in page.url  # htmx posted in place, no page load
    else:
        expect(page.get_by_text("Your comment is posted.")).to_be_visible()

    page.goto(version.get_absolute_url())
    page.get_by_text(f"Reply to comment {mine.pk}", exact=True).click()
    page.get_by_label(f"Your reply to comment {mine.pk}").fill("To be precise: only the second sentence.")
    page.get_by_role("button", name="Post reply").first.click()
    expect(page.locator("#thread-R-1\\.1")).to_contain_text("To be precise: only the second sentence.")
    assert Comment.objects.get(parent=mine).author.display_name == "Ada Lovelace"

    page.goto(version.get_absolute_url())
    page.get_by_role("button", name=f"Endorse comment {other.pk}").click()
    expect(page.locator(f"#endorse-{other.pk}")).to_contain_text("Endorsed by you")
    assert other.endorsements.count() == 1

    page.goto(version.get_absolute_url())
    page.locator("#thread-R-2\\.1").get_by_text("Comment on R-2.1", exact=True).click()
    page.locator("#thread-R-2\\.1").get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment cannot be empty.")).to_be_visible()
    assert Comment.objects.count() == 3


def test_a_publisher_imports_a_draft_and_schedules_its_period(page, live_server, organization):
    create_account(email="pat@example.org", password=PASSWORD, role="publisher", organization=organization)
    publisher = organization.memberships.get().user
    drafting.create_guideline(organization=organization, slug="medical", title="Medical advice", by=publisher)
    sign_in(page, "pat@example.org", PASSWORD)
    page.goto("/publish/acme/medical/")
    page.get_by_role("link", name="import a draft from a Markdown document").click()
    page.get_by_label("Markdown document").fill(MARKDOWN)
    page.get_by_role("button", name="Import draft").click()
    expect(page.get_by_text("Imported 2 clauses into draft 1.")).to_be_visible()
    expect(page.get_by_role("heading", name="R-1.2 Diagnosis")).to_be_visible()

    closes = (timezone.now() + timedelta(days=35)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Closes at").fill(closes)
    page.get_by_role("button", name="Schedule comment period").click()
    page.get_by_role("button", name="Schedule the comment period").click()
    expect(page.get_by_text("The comment period is scheduled")).to_be_visible()
    version = GuidelineVersion.objects.get()
    assert version.status == GuidelineVersion.CONSULTATION and version.comment_period.state == "open"
