import pytest
from playwright.sync_api import expect

from consultation.services import closing, drafting
from tests.browser.journey import audit
from tests.consultation.closeout_factories import SuggestionDecisionFactory, SuggestionFactory, endorse
from tests.consultation.factories import CommentFactory, consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SAID = [
    "Refusing every dosage question sends people to worse sources. The label dosage should be allowed.",
    "The label dosage of common medicines is public information. Refusing it helps nobody at all.",
]


@pytest.fixture
def closeout_site(organization, publisher):
    closed = consultation(organization, closed=True)
    clause = closed.clauses.get(key="R-1.1")
    for endorsements, body in enumerate(SAID, start=1):
        comment = endorse(CommentFactory(version=closed, clause=clause, body=body), endorsements)
    closing.respond_to_comment(comment=comment, disposition="adopted", text="Label dosages are allowed.", by=publisher)
    SuggestionDecisionFactory(
        suggestion=SuggestionFactory(
            clause=clause,
            text="The assistant gives the dosage printed on the label of "
            "over-the-counter medicines, and points to a pharmacist for anything else.",
        ),
        outcome="accepted_with_changes",
        reason="Narrowed to over-the-counter medicines.",
    )
    draft = drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    edited = draft.clauses.get(key="R-1.1")
    drafting.edit_clause(clause=edited, heading=edited.heading, text="The assistant gives label dosages.", by=publisher)
    closing.publish_final_version(version=draft, summary_of_changes="Label dosages allowed.", by=publisher)


def test_a_visitor_reads_the_closeout_at_desktop_and_phone_widths(new_person, closeout_site):
    visitor = new_person()
    page = visitor.page
    visitor.visit("/guidelines/acme/medical/v2/")
    visitor.follow(page.get_by_role("link", name="You said, we did: the close-out"), shot="closeout")
    expect(page.get_by_role("heading", name="You said, we did: Medical advice, version 2")).to_be_visible()
    expect(page.get_by_role("list", name="Sentences quoted from the comments on R-1.1")).to_contain_text(
        "The label dosage of common medicines is public information."
    )
    expect(page.get_by_role("table").first).to_contain_text("Accepted with changes")
    if visitor.keyboard:
        page.set_viewport_size(PHONE)
        audit(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    json_link = page.get_by_role("link", name="This report as JSON").get_attribute("href")
    assert page.request.get(json_link, headers={"Accept": "application/json"}).json()["final"]["version"] == 2
