import pytest
from playwright.sync_api import expect

from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_site(organization, citizen, moderator, settings):
    """An open consultation with two comments on R-1.1 (one shown per clause), and a decided appeal."""
    settings.CONSULTATION_COMMENTS_PER_CLAUSE = 1
    version = consultation(organization)
    clause = version.clauses.get(key="R-1.1")
    CommentFactory(version=version, clause=clause, body="The older comment on dosage.")
    CommentFactory(version=version, clause=clause, body="The newer comment on dosage.")
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    return decided(UserFactory(), system, guideline, moderator)


def test_a_visitor_reads_a_consultation_a_decision_and_the_record(new_person, public_site):
    appeal = public_site
    visitor = new_person()
    page = visitor.page
    visitor.visit("/", shot="home")
    visitor.follow(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Guidelines"), shot="guidelines"
    )
    visitor.choose(page.get_by_label("Organization"), "Acme AI")
    visitor.submit(page.get_by_role("button", name="Filter"))
    visitor.follow(page.get_by_role("link", name="Medical advice"), shot="guideline")
    visitor.follow(page.get_by_role("link", name="v1", exact=True), shot="version")
    expect(page.get_by_text("The newer comment on dosage.")).to_be_visible()
    visitor.follow(page.get_by_role("link", name="All 2 comments on R-1.1"), shot="clause-comments")
    expect(page.get_by_text("The older comment on dosage.")).to_be_visible()

    visitor.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Decisions"), shot="decisions")
    # The decision list's own search, not the site-wide box in the header.
    filters = page.get_by_role("main")
    visitor.fill(filters.get_by_label("Search", exact=True), "public health")
    visitor.choose(filters.get_by_label("Outcome"), "Overturned")
    visitor.submit(filters.get_by_role("button", name="Search"))
    visitor.follow(page.get_by_role("link", name=appeal.public_id), shot="appeal")
    expect(page.get_by_role("heading", name=f"Appeal {appeal.public_id}")).to_be_visible()
    expect(page.get_by_text("public health")).to_be_visible()
    visitor.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Record"), shot="record")
    expect(page.get_by_role("cell", name=f"appeal:{appeal.public_id}").first).to_be_visible()
