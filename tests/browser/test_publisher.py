import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consultation.models import GuidelineVersion
from consultation.services import drafting
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.browser.journey import field, signed_in
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed(organization, publisher):
    """Version 1 whose period has closed with three unanswered comments, and draft 2 copied from it."""
    version = consultation(organization, closed=True)
    r1, r2 = version.clauses.get(key="R-1.1"), version.clauses.get(key="R-2.1")
    comments = [
        CommentFactory(version=version, clause=r1, body="Say which dosages are public."),
        CommentFactory(version=version, clause=r1, body="Agreed, name the leaflet."),
        CommentFactory(version=version, clause=r2, body="R-2.1 is fine as it is."),
    ]
    draft = drafting.create_draft_version(guideline=version.guideline, by=publisher)
    text = "The assistant gives the dosages printed on the leaflet."
    drafting.edit_clause(clause=draft.clauses.get(key="R-1.1"), heading="Dosage", text=text, by=publisher)
    return comments


def test_a_publisher_answers_the_comments_and_publishes_the_final_version(new_person, closed, publisher):
    first, second, third = closed
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.follow(page.get_by_role("link", name="Publish", exact=True), shot="publish")
    person.follow(page.get_by_role("link", name="Medical advice"))
    person.follow(page.get_by_role("link", name="Version 1"))
    person.follow(page.get_by_role("link", name="Answer the comments"), shot="answer-comments")

    one = page.get_by_role("listitem").filter(has=page.get_by_role("button", name=f"Answer comment {third.pk}"))
    person.choose(field(one, "Disposition"), "Noted")
    person.fill(field(one, "Response"), "Thank you; it stays as it is.")
    person.submit(one.get_by_role("button", name=f"Answer comment {third.pk}"))
    group = page.get_by_role("region", name=re.compile(r"^R-1\.1"))
    person.open(group.get_by_text("Answer all 2 unanswered comments here at once"))
    answer_all = group.locator("form").filter(has=page.get_by_role("button", name="Answer all on R-1.1"))
    person.choose(field(answer_all, "Disposition"), "Adopted")
    person.fill(field(answer_all, "Response"), "Version 2 names the leaflet.")
    person.submit(answer_all.get_by_role("button", name="Answer all on R-1.1"))
    expect(page.get_by_text("Every comment has been answered")).to_be_visible()
    assert first.version.comments.filter(response__isnull=True).count() == 0

    person.follow(page.get_by_role("link", name="Medical advice v1"))
    person.follow(page.get_by_role("link", name="Medical advice", exact=True))
    person.follow(page.get_by_role("link", name="Version 2"))
    person.follow(page.get_by_role("link", name="Write the statement of changes"), shot="publish-final")
    person.fill(field(page, "Summary of changes"), "R-1.1 now gives the dosages on the leaflet.")
    clause = page.get_by_role("group", name=re.compile(r"^R-1\.1"))
    person.fill(clause.get_by_label(re.compile(r"^Why")), "Commenters asked for the source.")
    person.fill(clause.get_by_label("Numbers of the comments"), f"{first.pk} {second.pk}")
    person.submit(page.get_by_role("button", name="Publish final version"), shot="final-version")

    expect(page.get_by_text("Version 2 is published as final.")).to_be_visible()
    final = GuidelineVersion.objects.get(number=2)
    assert final.status == GuidelineVersion.FINAL
    change = final.clause_changes.get(clause_key="R-1.1")
    assert set(change.comments.all()) == {first, second}


def test_a_publisher_extends_a_period_and_responds_to_a_decision(
    new_person, organization, publisher, citizen, moderator
):
    version = consultation(organization)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    decision = decided(citizen, system, published_guideline(organization), moderator).decisions.get()
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.follow(page.get_by_role("link", name="Publish", exact=True))
    person.follow(page.get_by_role("link", name="Medical advice"))
    person.follow(page.get_by_role("link", name="Version 1"), shot="manage-consultation")
    later = (version.comment_period.closes_at + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)
    person.fill_datetime(field(page, "New closing time (UTC)"), later)
    person.fill(field(page, "Public reason"), "Two charities asked for more time.")
    person.submit(page.get_by_role("button", name="Extend"))
    expect(page.get_by_text("The comment period is extended.")).to_be_visible()
    version.comment_period.refresh_from_db()
    assert version.comment_period.closes_at == later

    person.follow(page.get_by_role("link", name="Decisions", exact=True))
    person.follow(page.get_by_role("link", name="Decisions on your organization's appeals to answer"))
    person.follow(page.get_by_role("link", name="Respond", exact=True), shot="respond-to-decision")
    person.tick(page.get_by_label("Will comply"))
    person.fill(field(page, "Text"), "We will publish dosage limits from next month.")
    person.submit(page.get_by_role("button", name="Publish the response"))
    expect(page.get_by_text("The organization's response is published.")).to_be_visible()
    expect(page.get_by_text("We will publish dosage limits from next month.")).to_be_visible()
    assert decision.responses.get().kind == "will_comply"
