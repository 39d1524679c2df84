"""The "Where people stand" page: the groups as a picture and a table, voting without and with JavaScript,
submitting a statement; and the moderators' queue of statements."""

import pytest

from consultation.models import Statement, Vote
from consultation.services.grouping import publish_opinion_groups
from consultation.services.opinions import cast_vote, moderate_statement, submit_statement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/guidelines/acme/medical/v1/opinions/"


@pytest.fixture(autouse=True)
def no_recompute_per_vote(monkeypatch):
    monkeypatch.setattr("consultation.services.opinions.request_recompute", lambda version_id: None)


@pytest.fixture
def statements(version, publisher):
    return [submit_statement(version=version, text=f"Statement number {n}.", by=publisher) for n in range(8)]


def two_camps(statements, people: int = 20) -> None:
    for person in range(people):
        voter = UserFactory()
        for n, statement in enumerate(statements):
            cast_vote(statement=statement, vote="agree" if n < 2 or n % 2 == person % 2 else "disagree", by=voter)


def test_the_page_draws_the_groups_with_a_table_and_the_consensus(client, version, statements):
    two_camps(statements)
    publish_opinion_groups(version=version)
    page = client.get(PAGE).content.decode()
    assert '<svg viewBox="0 0 600 360" role="img"' in page and page.count("<circle") == 20
    assert "Group A" in page and "Group B" in page and "<caption>The opinion groups</caption>" in page
    assert "Consensus: what every group agrees with" in page and "Statement number 0." in page


def test_the_cached_page_is_renewed_when_the_groups_are_computed(
    client, version, statements, django_assert_num_queries, django_capture_on_commit_callbacks
):
    two_camps(statements, people=10)
    client.get(PAGE)
    with django_assert_num_queries(0):
        assert "No groups yet" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish_opinion_groups(version=version)
    assert "Group B" in client.get(PAGE).content.decode()


def test_a_visitor_is_asked_to_sign_in_to_vote(client, statements):
    page = client.get(PAGE).content.decode()
    assert "to vote on statements" in page and 'name="vote"' not in page


def test_voting_without_javascript_moves_on_to_the_next_statement(client, citizen, statements):
    client.force_login(citizen)
    assert f'name="statement" value="{statements[0].pk}"' in client.get(PAGE).content.decode()
    response = client.post(f"{PAGE}vote/", {"statement": statements[0].pk, "vote": "agree"})
    assert response.status_code == 302 and response["Location"].endswith("opinions/#vote")
    page = client.get(PAGE).content.decode()
    assert "Your vote is counted" in page and f'name="statement" value="{statements[1].pk}"' in page
    assert Vote.objects.get().vote == "agree"


def test_voting_with_htmx_answers_the_voting_box(client, citizen, statements):
    client.force_login(citizen)
    response = client.post(f"{PAGE}vote/", {"statement": statements[0].pk, "vote": "pass"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert fragment.startswith('<div class="voting"') and f'value="{statements[1].pk}"' in fragment


def test_a_bad_vote_says_why(client, citizen, statements):
    client.force_login(citizen)
    response = client.post(f"{PAGE}vote/", {"statement": statements[0].pk, "vote": "maybe"}, HTTP_HX_REQUEST="true")
    assert "Vote agree, disagree or pass." in response.content.decode() and not Vote.objects.exists()


def test_a_citizen_submits_a_statement_for_moderation(client, citizen, version):
    client.force_login(citizen)
    response = client.post(f"{PAGE}statements/new/", {"text": "Cite the clause.", "clause": "R-1.1"}, follow=True)
    assert "A moderator will read your statement" in response.content.decode()
    assert Statement.objects.get().status == Statement.PENDING


def test_an_empty_or_long_statement_is_refused_on_the_page(client, citizen, version):
    client.force_login(citizen)
    for text, message in (("", "cannot be empty"), ("y" * 300, "the limit is 280")):
        response = client.post(f"{PAGE}statements/new/", {"text": text})
        assert response.status_code == 400 and message in response.content.decode()
    assert not Statement.objects.exists()


def test_the_moderation_queue_is_for_moderators_only(client, citizen, moderator, version):
    pending = submit_statement(version=version, text="Waiting.", by=citizen)
    client.force_login(citizen)
    assert client.get("/moderation/statements/").status_code == 403
    client.force_login(moderator)
    assert "Waiting." in client.get("/moderation/statements/").content.decode()
    client.post(f"/moderation/statements/{pending.pk}/", {"action": "reject", "reason": ""})
    assert Statement.objects.get().status == Statement.PENDING, "a rejection needs a reason"
    client.post(f"/moderation/statements/{pending.pk}/", {"action": "show"})
    assert Statement.objects.get().status == Statement.SHOWN


def test_a_rejected_statement_shows_its_reason_but_not_its_text(client, citizen, moderator, version):
    rejected = submit_statement(version=version, text="Something abusive.", by=citizen)
    moderate_statement(statement=rejected, action="reject", reason="Abusive.", by=moderator)
    page = client.get(PAGE).content.decode()
    assert f"Statement {rejected.pk}, rejected" in page and "Abusive." in page
    assert "Something abusive." not in page


def test_the_version_page_links_to_where_people_stand(client, version):
    assert 'href="/guidelines/acme/medical/v1/opinions/"' in client.get("/guidelines/acme/medical/v1/").content.decode()
