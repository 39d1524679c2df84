import pytest
from playwright.sync_api import expect

from appeals import services
from appeals.models import Assignment, Decision
from tests.appeals.factories import AISystemFactory, admitted, make_reviewer, published_guideline
from tests.browser.journey import field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_accepts_an_offer_and_decides(new_person, organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(citizen, system, published_guideline(organization), moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    person = signed_in(new_person(), reviewer.user.email, PASSWORD)
    page = person.page

    person.follow(page.get_by_role("link", name="Your reviews"), shot="reviews")
    person.follow(page.get_by_role("link", name=appeal.public_id), shot="review-offer")
    person.submit(page.get_by_role("button", name="Accept"), shot="review")
    person.tick(page.get_by_label("Overturned", exact=True))
    person.fill(field(page, "Rationale (Markdown)"), "Dosage limits are **public** safety information.")
    person.tick(page.get_by_label("R-1.1 Heading R-1.1"))
    person.submit(page.get_by_role("button", name="Decide"), shot="decided")
    expect(page.get_by_text("Overturned").first).to_be_visible()
    decision = appeal.decisions.get()
    assert (decision.outcome, decision.cited_clause_keys) == (Decision.OVERTURNED, ["R-1.1"])


def test_a_reviewer_declines_an_offer(new_person, organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(citizen, system, published_guideline(organization), moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    person = signed_in(new_person(), reviewer.user.email, PASSWORD)
    page = person.page

    person.follow(page.get_by_role("link", name="Your reviews"))
    person.follow(page.get_by_role("link", name=appeal.public_id))
    person.fill(field(page, "Why you decline"), "I advised this company last year.")
    person.submit(page.get_by_role("button", name="Decline"))
    expect(page.get_by_text(f"You declined appeal {appeal.public_id}. It goes to someone else.")).to_be_visible()
    assignment = appeal.assignments.get(reviewer=reviewer)
    assert (assignment.status, assignment.decline_reason) == (Assignment.DECLINED, "I advised this company last year.")
