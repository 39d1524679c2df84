"""Suggested wording in the browser without JavaScript: the clause's list and form, a suggestion's page with its
stances and decision, the diff's attribution, the publisher's pages and the feed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Suggestion, SuggestionDecision
from consultation.services.suggested_drafts import start_draft_from_accepted_suggestions
from consultation.services.suggestions import decide_suggestion, take_stance
from tests.consultation.test_api_suggestions import made
from tests.consultation.test_suggestions import close
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
V1 = "/guidelines/acme/medical/v1/"
CLAUSE = f"{V1}clauses/R-1.1/suggestions/"


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_each_clause_shows_its_suggestions_and_a_form_while_open(client, citizen, version):
    made(version)
    client.force_login(citizen)
    page = client.get(V1).content.decode()
    assert "1 suggested wording<" in page and f'href="{CLAUSE}"' in page
    assert "Suggest wording for R-1.1" in page and "Suggest wording for R-2.1" in page
    assert "0 suggested wordings" in client.get(f"{V1}clauses/R-2.1/").content.decode()


def test_visitors_see_the_counts_but_no_form(client, version):
    made(version)
    page = client.get(V1).content.decode()
    assert "1 suggested wording" in page and "Suggest wording for" not in page


def test_the_version_and_clause_pages_cost_the_same_with_many_suggestions(client, citizen, version):
    client.force_login(citizen)
    made(version)
    few = [queries_for(client, url) for url in (V1, CLAUSE, f"{V1}clauses/R-1.1/")]
    for _ in range(8):
        take_stance(suggestion=made(version, key="R-2.1"), stance="support", by=citizen)
        made(version)
    assert [queries_for(client, url) for url in (V1, CLAUSE, f"{V1}clauses/R-1.1/")] == few


def test_a_citizen_suggests_without_javascript_and_lands_on_the_suggestion(client, citizen, version):
    client.force_login(citizen)
    response = client.post(CLAUSE, {"kind": "replace", "text": "Refuse harmful instructions.", "reason": "Plainer."})
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == suggestion.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "<del>" in page and "<ins>" in page and "Plainer." in page and "Your suggestion is published." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "replace", "text": "", "reason": "Why."}, "Your wording cannot be empty."),
        ({"kind": "delete", "text": "Some.", "reason": "Why."}, "A deletion has no new wording"),
        ({"kind": "", "text": "New.", "reason": "Why."}, "Choose replace, insert_after or delete."),
        ({"kind": "replace", "text": "New.", "reason": ""}, "Your reason cannot be empty."),
    ],
)
def test_a_bad_suggestion_shows_why_and_stores_nothing(client, citizen, version, data, message):
    client.force_login(citizen)
    response = client.post(CLAUSE, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert "There is a problem" in response.content.decode() and not Suggestion.objects.exists()


def test_a_visitor_is_sent_to_sign_in_and_a_closed_period_refuses(client, citizen, organization, version):
    response = client.post(CLAUSE, {"kind": "delete", "reason": "Why."})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    close(version)
    client.force_login(citizen)
    response = client.post(CLAUSE, {"kind": "delete", "reason": "Why."})
    assert response.status_code == 400 and "not open for suggestions" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_supporting_and_opposing_from_the_suggestion_page(client, citizen, version):
    suggestion = made(version)
    url = suggestion.get_absolute_url()
    assert "Support suggestion" not in client.get(url).content.decode()  # a visitor signs in first
    client.force_login(citizen)
    assert f"Support suggestion {suggestion.pk}" in client.get(url).content.decode()
    response = client.post(f"{url}stance/", {"stance": "support"}, follow=True)
    page = response.content.decode()
    assert "You support this suggestion." in page and "<strong>1</strong> in support ·" in page
    assert f"Oppose suggestion {suggestion.pk}" in page and f"Support suggestion {suggestion.pk}" not in page
    client.post(f"{url}stance/", {"stance": "nonsense"})
    suggestion.refresh_from_db()
    assert (suggestion.supporters, suggestion.opponents) == (1, 0)


def test_the_suggestion_page_costs_the_same_with_many_stances(client, citizen, version):
    suggestion = made(version)
    client.force_login(citizen)
    few = queries_for(client, suggestion.get_absolute_url())
    for _ in range(5):
        take_stance(suggestion=suggestion, stance="oppose", by=UserFactory())
    assert queries_for(client, suggestion.get_absolute_url()) == few


def test_only_the_publisher_after_the_close_gets_the_decision_form(
    client, publisher, other_publisher, citizen, version
):
    suggestion = made(version)
    url = suggestion.get_absolute_url()
    client.force_login(publisher)
    assert "Publish the decision" not in client.get(url).content.decode()
    close(version)
    assert "Publish the decision" in client.get(url).content.decode()
    refused = client.post(f"{url}decision/", {"outcome": "declined", "reason": ""})
    assert refused.status_code == 400 and "The reason cannot be empty." in refused.content.decode()
    client.force_login(other_publisher)
    assert "Publish the decision" not in client.get(url).content.decode()
    assert client.post(f"{url}decision/", {"outcome": "accepted"}).status_code == 403
    client.force_login(publisher)
    response = client.post(f"{url}decision/", {"outcome": "declined", "reason": "Too narrow."}, follow=True)
    assert "Declined</strong> by Acme AI" in response.content.decode() and "Too narrow." in response.content.decode()
    assert SuggestionDecision.objects.get().outcome == "declined"


def test_the_publisher_decides_then_starts_the_next_draft_after_checking(client, publisher, citizen, version):
    suggestion = made(version)
    version = close(version)
    client.force_login(publisher)
    manage = "/publish/acme/medical/v1/"
    assert f"Decide suggestion {suggestion.pk}" in client.get(manage).content.decode()
    decide_suggestion(suggestion=suggestion, outcome="accepted", by=publisher)
    page = client.get(manage).content.decode()
    assert "Every suggestion is decided." in page and "Start the next draft from the accepted suggestions" in page
    draft_url = f"{manage}suggestions/draft/"
    check = client.post(draft_url, {"summary_of_changes": "As suggested."})
    assert check.status_code == 200 and "Check the next draft" in check.content.decode()
    assert version.guideline.versions.count() == 1
    done = client.post(draft_url, {"summary_of_changes": "As suggested.", "confirm": "1"})
    assert done.status_code == 302 and done.url == "/publish/acme/medical/v2/"
    draft = version.guideline.versions.get(number=2)
    assert draft.clauses.get(key="R-1.1").text == "Refuse harmful instructions."
    client.force_login(citizen)
    assert client.get(draft_url).status_code == 403


def test_the_diff_names_the_suggestions_each_change_came_from(client, publisher, version):
    suggestion = made(version)
    version = close(version)
    decide_suggestion(suggestion=suggestion, outcome="accepted", by=publisher)
    start_draft_from_accepted_suggestions(version=version, by=publisher)
    client.force_login(publisher)
    page = client.get("/guidelines/acme/medical/v2/diff/1/").content.decode()
    assert f'<a href="{suggestion.get_absolute_url()}">suggestion {suggestion.pk}</a>' in page


def test_the_atom_feed_lists_suggestions_and_decisions(client, publisher, version):
    suggestion = made(version)
    close(version)
    decide_suggestion(suggestion=suggestion, outcome="accepted_with_changes", reason="Shorter.", by=publisher)
    feed = client.get(f"/feeds{V1}suggestions/")
    body = feed.content.decode()
    assert feed.status_code == 200 and "application/atom+xml" in feed["Content-Type"]
    assert f"Replace the clause (R-1.1), by {suggestion.author.public_name}" in body
    assert "accepted with changes" in body and "Shorter." in body
