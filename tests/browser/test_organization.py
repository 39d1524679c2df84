from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals import services
from appeals.models import Recommendation
from tests.appeals.factories import AISystemFactory, admitted, make_reviewer, published_guideline
from tests.browser.journey import WIDTHS, audit, field, signed_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recommendations(organization, moderator, publisher):
    """A decision with three recommendations to Acme AI: one declined, one overdue, one awaiting its answer."""
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(UserFactory(), system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    decision = services.decide_appeal(
        assignment=assignment,
        by=reviewer.user,
        outcome="overturned",
        rationale="Dosage facts are public health information.",
        cited_clause_keys=["R-1.1"],
        recommendations=["Publish the dosage limits.", "Explain each refusal.", "Link to a pharmacist."],
    )
    declined, overdue, waiting = decision.recommendations.order_by("pk")
    services.answer_recommendation(recommendation=declined, by=publisher, kind="declined", note="Misuse risk.")
    Recommendation.objects.filter(pk=overdue.pk).update(respond_by=timezone.now() - timedelta(days=3))
    return declined, overdue, waiting


def test_a_visitor_reads_the_organizations_tracker_at_desktop_and_phone_widths(new_person, recommendations):
    declined, overdue, _ = recommendations
    visitor = new_person()
    page = visitor.page
    visitor.visit("/organizations/acme/", shot="organization")
    expect(page.get_by_role("heading", name="Overdue responses: 1")).to_be_visible()
    expect(page.get_by_role("table", name="How Acme AI answered the 3 recommendations made to it")).to_be_visible()
    if visitor.keyboard:
        width, height = min(WIDTHS.items())
        page.set_viewport_size({"width": width, "height": height})
        audit(page)
    visitor.choose(field(page, "Show"), "Declined")
    visitor.submit(page.get_by_role("button", name="Show"), shot="organization-declined")
    listed = page.get_by_role("region", name="Recommendations")
    expect(listed.get_by_role("link", name=declined.public_id)).to_be_visible()
    expect(listed.get_by_role("link", name=overdue.public_id)).to_have_count(0)
    visitor.follow(listed.get_by_role("link", name=declined.public_id), shot="recommendation")
    expect(page.get_by_text("Misuse risk.")).to_be_visible()


def test_a_publisher_answers_a_recommendation(new_person, recommendations, publisher):
    _, _, waiting = recommendations
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.visit("/decisions/to-answer/")
    person.follow(page.get_by_role("link", name=f"Answer {waiting.public_id}"), shot="answer-recommendation")
    person.tick(page.get_by_label("Declined"))
    person.submit(page.get_by_role("button", name="Publish the answer"))
    expect(page.get_by_role("link", name="Give the reasons for declining.")).to_be_visible()
    person.tick(page.get_by_label("Accepted", exact=True))
    person.fill(field(page, "Explanation"), "We will link every refusal to a pharmacist.")
    person.submit(page.get_by_role("button", name="Publish the answer"))
    expect(page.get_by_text("Your answer is published: accepted.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.state == Recommendation.ACCEPTED
