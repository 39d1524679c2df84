import pytest
from playwright.sync_api import expect

from accounts.models import User
from consultation.models import Comment
from tests.browser.journey import confirmation_path, field, signed_in
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "a-long-passphrase-for-ada"


def test_a_citizen_signs_up_comments_replies_endorses_and_reports(new_person, organization, mailoutbox):
    version = consultation(organization)
    other = CommentFactory(version=version, clause=version.clauses.get(key="R-2.1"), body="Someone else's view.")
    citizen = new_person()
    page = citizen.page

    citizen.visit("/")
    citizen.follow(page.get_by_role("link", name="Sign up"), shot="sign-up")
    citizen.fill(field(page, "Email"), "ada@example.org")
    citizen.fill(field(page, "Display name"), "Ada Lovelace")
    citizen.fill(field(page, "Password"), PASSPHRASE)
    citizen.fill(field(page, "Password (again)"), PASSPHRASE)
    citizen.submit(page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    citizen.visit(confirmation_path(mailoutbox[-1].body))
    citizen.submit(page.get_by_role("button", name="Confirm"))
    signed_in(citizen, "ada@example.org", PASSPHRASE, shot="sign-in")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Ada Lovelace")

    citizen.follow(page.get_by_role("link", name="Medical advice, version 1"))
    thread = page.get_by_role("region", name="Comments on R-1.1")
    citizen.open(thread.get_by_text("Comment on R-1.1", exact=True))
    citizen.fill(thread.get_by_label("Your comment on R-1.1"), "This clause is too broad.")
    citizen.submit(thread.get_by_role("button", name="Post comment"), in_place=True)
    expect(page.get_by_role("region", name="Comments on R-1.1")).to_contain_text("This clause is too broad.")
    assert Comment.objects.get(body="This clause is too broad.").author == User.objects.get(email="ada@example.org")

    citizen.visit(version.get_absolute_url())
    citizen.open(page.get_by_text(f"Reply to comment {other.pk}", exact=True))
    citizen.fill(page.get_by_label(f"Your reply to comment {other.pk}"), "Only its second sentence is.")
    citizen.submit(page.get_by_role("button", name="Post reply"), in_place=True)
    expect(page.get_by_role("region", name="Comments on R-2.1")).to_contain_text("Only its second sentence is.")
    assert other.replies.get().body == "Only its second sentence is."

    citizen.visit(version.get_absolute_url())
    citizen.submit(page.get_by_role("button", name=f"Endorse comment {other.pk}"), in_place=True)
    expect(page.get_by_text("Endorsed by you")).to_be_visible()
    assert other.endorsements.count() == 1

    citizen.follow(page.get_by_role("link", name=f"Report comment {other.pk}"), shot="report-comment")
    citizen.fill(page.get_by_label("What is wrong with it?"), "It advertises a pharmacy.")
    citizen.submit(page.get_by_role("button", name="Send to the moderators"))
    expect(page.get_by_text("The moderators will look at this comment.")).to_be_visible()
    assert other.reports.get().reason == "It advertises a pharmacy."


def test_a_citizen_follows_a_guideline(new_person, organization, citizen):
    version = consultation(organization)
    person = signed_in(new_person(), citizen.email, PASSWORD)
    page = person.page
    person.follow(page.get_by_role("link", name="Guidelines", exact=True))
    person.follow(page.get_by_role("link", name="Medical advice", exact=True))
    person.submit(page.get_by_role("button", name="Follow this guideline"))
    expect(page.get_by_text("You follow Medical advice: we will email you when it opens and closes.")).to_be_visible()
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    assert version.guideline.follows.get().user == citizen
    person.follow(page.get_by_role("link", name="Everything you follow"), shot="follows")
    person.choose(page.get_by_label("Email me"), "Weekly digest")
    person.submit(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Email about the guideline")).to_be_visible()
    assert version.guideline.follows.get().frequency == "weekly"
