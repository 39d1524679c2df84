"""Where keyboard focus goes with JavaScript on: to a new comment (or the error summary) after posting it in place, to
the next question of the appeal form, and from the top of a version page to its comments in a few Tab presses."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultation.models import Comment
from tests.appeals.factories import AISystemFactory, published_guideline
from tests.browser.conftest import sign_in
from tests.consultation.factories import consultation
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOST_TABS = 5
FOCUSED_ID = "() => document.activeElement.id"


def test_a_posted_comment_and_a_refused_one_take_the_focus(page, organization, citizen):
    version = consultation(organization)
    sign_in(page, citizen.email, PASSWORD)
    page.goto(version.get_absolute_url())
    thread = page.get_by_role("region", name="Comments on R-1.1")
    thread.get_by_text("Comment on R-1.1", exact=True).click()
    thread.get_by_role("button", name="Post comment").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()

    page.get_by_label("Your comment on R-1.1").fill("This clause is too broad.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_have_text("Your comment is posted.")
    posted = Comment.objects.get(body="This clause is too broad.")
    expect(page.get_by_role("article", name=f"Comment {posted.pk}", exact=True)).to_be_focused()


def test_skip_to_comments_reaches_the_first_comment_control_in_a_few_tabs(page, organization, citizen):
    version = consultation(organization)
    sign_in(page, citizen.email, PASSWORD)
    page.goto(version.get_absolute_url())
    first_control = page.get_by_text("Comment on the whole draft", exact=True)
    tabs = 0
    while tabs <= MOST_TABS and not first_control.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
        tabs += 1
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to comments":
            page.keyboard.press("Enter")
    assert tabs <= MOST_TABS, f"{tabs} Tab presses and the first comment control still has no focus"


def test_each_answer_of_the_appeal_form_moves_focus_to_the_next_question(page, organization, citizen):
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    sign_in(page, citizen.email, PASSWORD)
    page.goto("/appeals/new/")
    page.get_by_label("Which organization's AI refused you?").select_option(label="Acme AI")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Which system refused you?")).to_be_focused()
    page.get_by_label("Which system refused you?").select_option(label="Acme Helper")
    page.get_by_role("button", name="Next").click()
    date = page.get_by_label("When did the refusal happen?")
    expect(date).to_be_focused()
    date.fill("2099-01-01T10:00")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("cannot have happened in the future")
    two_days_ago = timezone.now() - timedelta(days=2)
    page.get_by_label("When did the refusal happen?").fill(two_days_ago.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("What you asked")).to_be_focused()
    expect(page.get_by_label("R-1.1 Heading R-1.1")).to_be_visible()
    assert "happened_at=" in page.url  # the address holds the answers, so Back and a reload keep them
