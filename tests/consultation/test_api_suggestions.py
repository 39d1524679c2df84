"""Suggested wording through the JSON API: making, listing, stances and decisions."""

import pytest

from consultation.models import Suggestion, SuggestionDecision
from consultation.services import closing, suggestions
from consultation.services.suggested_drafts import start_draft_from_accepted_suggestions
from consultation.services.suggestions import decide_suggestion, make_suggestion, take_stance
from tests.consultation.factories import auth
from tests.consultation.test_suggestions import close
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/acme/medical/versions/1/suggestions/"
NEW = {"clause": "R-1.1", "kind": "replace", "text": "Refuse <b>harmful</b> instructions.", "reason": "Plainer."}


def made(version, by=None, key="R-1.1", text="Refuse harmful instructions."):
    return make_suggestion(
        version=version,
        clause=version.clauses.get(key=key),
        kind="replace",
        text=text,
        reason="Why.",
        by=by or UserFactory(),
    )


def post(client, url, payload, person=None):
    headers = auth(person) if person else {}
    return client.post(url, payload, content_type="application/json", **headers)


def test_a_citizen_suggests_and_gets_the_redline(client, citizen, version):
    response = post(client, API, NEW, citizen)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= {
        "id",
        "clause",
        "kind",
        "text",
        "reason",
        "redline_html",
        "supporters",
        "opponents",
        "decision",
    }
    assert (body["clause"], body["kind"], body["supporters"], body["opponents"], body["decision"]) == (
        "R-1.1",
        "replace",
        0,
        0,
        None,
    )
    assert "<ins>" in body["redline_html"] and "<b>" not in body["redline_html"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW, "clause": "R-9.9"}, "clause"),
        ({**NEW, "kind": "rewrite"}, "kind"),
        ({**NEW, "text": ""}, "text"),
        ({**NEW, "kind": "delete"}, "text"),
        ({**NEW, "reason": ""}, "reason"),
        ({**NEW, "text": "x" * 20_001}, "text"),
        ({key: value for key, value in NEW.items() if key != "clause"}, "clause"),
    ],
)
def test_bad_suggestions_get_a_json_error_and_nothing_is_stored(client, citizen, version, payload, field):
    response = post(client, API, payload, citizen)
    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["detail"]
    assert not Suggestion.objects.exists()


def test_visitors_and_unverified_people_cannot_suggest(client, unverified, version):
    assert post(client, API, NEW).status_code == 401
    client.force_login(unverified)
    assert post(client, API, NEW).status_code == 403
    assert not Suggestion.objects.exists()


def test_the_list_is_cursor_paginated_and_filtered_by_clause(client, version, django_assert_max_num_queries):
    for _ in range(3):
        made(version)
    other = made(version, key="R-2.1")
    with django_assert_max_num_queries(6):
        page = client.get(f"{API}?page_size=2").json()
    assert [s["clause"] for s in page["results"]] == ["R-1.1", "R-1.1"] and page["next"]
    assert [s["id"] for s in client.get(f"{API}?clause=R-2.1").json()["results"]] == [other.pk]
    assert client.get(f"{API}?clause=R-9.9").status_code == 400
    assert client.get(f"{API}?clauze=R-1.1").status_code == 400


def test_a_citizen_supports_changes_and_withdraws_a_stance(client, citizen, version):
    suggestion = made(version)
    url = f"{API}{suggestion.pk}/stance/"
    assert post(client, url, {"stance": "support"}, citizen).json() == {
        "id": suggestion.pk,
        "stance": "support",
        "supporters": 1,
        "opponents": 0,
    }
    assert post(client, url, {"stance": "oppose"}, citizen).json()["opponents"] == 1
    response = post(client, url, {"stance": "none"}, citizen)
    assert response.status_code == 200 and (response.json()["supporters"], response.json()["opponents"]) == (0, 0)
    assert post(client, url, {"stance": "love"}, citizen).status_code == 400
    assert post(client, url, {"stance": "support"}).status_code == 401
    assert post(client, f"{API}999999/stance/", {"stance": "support"}, citizen).status_code == 404


def test_the_publisher_decides_through_the_api_after_the_close(client, publisher, other_publisher, citizen, version):
    suggestion = made(version)
    take_stance(suggestion=suggestion, stance="support", by=citizen)
    url = f"{API}{suggestion.pk}/decision/"
    early = post(client, url, {"outcome": "accepted"}, publisher)
    assert early.status_code == 400 and "closed" in early.json()["detail"]
    close(version)
    assert post(client, url, {"outcome": "accepted"}, other_publisher).status_code == 403
    assert post(client, url, {"outcome": "accepted"}, citizen).status_code == 403
    assert post(client, url, {"outcome": "declined", "reason": ""}, publisher).status_code == 400
    assert post(client, url, {"outcome": "maybe"}, publisher).status_code == 400
    response = post(client, url, {"outcome": "declined", "reason": "Too narrow."}, publisher)
    assert response.status_code == 200, response.json()
    decision = response.json()["decision"]
    assert (decision["outcome"], decision["reason"], decision["supporters_at_close"]) == ("declined", "Too narrow.", 1)
    assert decision["at"]
    assert post(client, f"{API}999999/decision/", {"outcome": "accepted"}, publisher).status_code == 404
    assert SuggestionDecision.objects.count() == 1


def test_a_final_versions_statement_of_changes_names_its_suggestions(client, publisher, version):
    suggestion = made(version)
    version = close(version)
    decide_suggestion(suggestion=suggestion, outcome="accepted", by=publisher)
    draft = start_draft_from_accepted_suggestions(version=version, by=publisher).version
    suggestions.link_suggestions(closing.publish_final_version(version=draft, summary_of_changes="Done.", by=publisher))
    changes = client.get("/api/v1/guidelines/acme/medical/versions/2/").json()["statement_of_changes"]
    assert {c["clause_key"]: c["suggestions"] for c in changes}["R-1.1"] == [suggestion.pk]
