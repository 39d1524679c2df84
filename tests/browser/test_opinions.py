import pytest
from playwright.sync_api import expect

from consultation.models import Statement, Vote
from consultation.services.grouping import publish_opinion_groups
from consultation.services.opinions import cast_vote, submit_statement
from tests.browser.journey import audit, signed_in
from tests.consultation.factories import consultation
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def opinions_site(organization, publisher):
    """An open consultation with eight statements, two camps of ten voters and their groups."""
    version = consultation(organization)
    statements = [submit_statement(version=version, text=f"Statement number {n}.", by=publisher) for n in range(8)]
    for person in range(20):
        voter = UserFactory()
        for n, statement in enumerate(statements):
            cast_vote(statement=statement, vote="agree" if n < 2 or n % 2 == person % 2 else "disagree", by=voter)
    publish_opinion_groups(version=version)
    return version


def test_a_citizen_votes_and_submits_a_statement_where_people_stand(new_person, opinions_site):
    UserFactory(email="ada@example.org", display_name="Ada")
    citizen = new_person()
    page = citizen.page
    signed_in(citizen, "ada@example.org", PASSWORD)
    citizen.visit(opinions_site.get_absolute_url())
    citizen.follow(page.get_by_role("link", name="statements, votes and opinion groups"), shot="opinions")
    expect(page.get_by_role("img", name="Map of the opinion groups")).to_be_visible()
    expect(page.get_by_role("table", name="The opinion groups")).to_contain_text("Group B")
    if citizen.keyboard:
        page.set_viewport_size(PHONE)
        audit(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scroll"
        page.set_viewport_size({"width": 1280, "height": 800})

    voting = page.get_by_role("region", name="Vote on a statement")
    first = voting.get_by_role("group").inner_text().splitlines()[0]
    citizen.submit(voting.get_by_role("button", name="Agree", exact=True), in_place=True)
    expect(page.get_by_text("Your vote is counted").first).to_be_visible()
    expect(voting.get_by_role("group")).not_to_contain_text(first)
    second = voting.get_by_role("group").inner_text().splitlines()[0]
    citizen.submit(voting.get_by_role("button", name="Pass / unsure"), in_place=True)
    expect(voting.get_by_role("group")).not_to_contain_text(second)
    assert sorted(Vote.objects.filter(participant__user__email="ada@example.org").values_list("vote", flat=True)) == [
        "agree",
        "pass",
    ]

    citizen.fill(page.get_by_label("Your statement"), "Refusals should name their clause.")
    citizen.submit(page.get_by_role("button", name="Submit statement"))
    expect(page.get_by_text("A moderator will read your statement")).to_be_visible()
    assert Statement.objects.get(text="Refusals should name their clause.").status == Statement.PENDING
