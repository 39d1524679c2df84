"""Recommendations in the API: the organization's list, the decision's, and the publishers' answers."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appeals.models import Recommendation
from tests.appeals.test_recommendation_pages import several
from tests.appeals.test_recommendations import answer, recommended
from tests.factories import MembershipFactory, UserFactory

LIST = "/api/v1/organizations/acme/recommendations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def recommendation(citizen, system, guideline, moderator):
    return recommended(citizen, system, guideline, moderator, "Publish the dosage limits you apply.")[0]


def signed(api, user) -> APIClient:
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def steps_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.public_id}/steps/"


def test_the_organizations_recommendations_are_listed_with_their_state(api, recommendation, publisher):
    answer(recommendation, publisher, "declined", note="It would help misuse.")
    body = api.get(LIST).json()
    (item,) = body["results"]
    assert item["public_id"] == recommendation.public_id and item["organization"] == "acme"
    assert item["state"] == item["response"] == "declined" and item["overdue"] is False
    assert [step["kind"] for step in item["steps"]] == ["made", "declined"]
    assert item["steps"][1]["note"] == "It would help misuse." and item["steps"][1]["actor"] == "Acme AI"
    assert item["url"].endswith(f"#{recommendation.public_id}")
    assert set(body) == {"next", "previous", "results"}


def test_the_list_filters_by_state_and_pages_by_cursor(api, citizen, system, guideline, moderator, publisher):
    made = several(citizen, system, guideline, moderator, 6)
    answer(made[0], publisher, "accepted")
    Recommendation.objects.filter(pk=made[1].pk).update(respond_by=timezone.now() - timedelta(days=1))
    assert [r["public_id"] for r in api.get(LIST, {"state": "accepted"}).json()["results"]] == [made[0].public_id]
    assert [r["public_id"] for r in api.get(LIST, {"state": "overdue"}).json()["results"]] == [made[1].public_id]
    first = api.get(LIST, {"page_size": 4}).json()
    rest = api.get(first["next"]).json()
    assert len(first["results"]) == 4 and len(rest["results"]) == 2 and rest["next"] is None


def test_a_wrong_filter_or_organization_is_said(api, recommendation):
    wrong = api.get(LIST, {"state": "maybe"})
    assert wrong.status_code == 400 and "state" in wrong.json()["errors"]
    assert api.get("/api/v1/organizations/nobody/recommendations/").status_code == 404


def test_the_appeal_and_the_decisions_show_the_recommendations(api, recommendation):
    appeal = api.get(f"/api/v1/appeals/{recommendation.decision.appeal.public_id}/").json()
    (item,) = appeal["decision"]["recommendations"]
    assert item["public_id"] == recommendation.public_id and item["state"] == "awaiting_response"
    (decision,) = api.get("/api/v1/decisions/").json()["results"]
    assert decision["recommendations"][0]["text"] == "Publish the dosage limits you apply."


def test_a_publisher_answers_through_the_api(api, recommendation, publisher, guideline):
    accepted = signed(api, publisher).post(steps_url(recommendation), {"kind": "accepted"}, format="json")
    assert accepted.status_code == 201 and accepted.json()["state"] == "accepted"
    evidence = f"/guidelines/acme/{guideline.slug}/v1/"
    done = api.post(
        steps_url(recommendation),
        {"kind": "implemented", "implemented_on": timezone.localdate().isoformat(), "evidence_url": evidence},
        format="json",
    )
    assert done.status_code == 201
    assert done.json()["evidence_url"] == evidence and done.json()["steps"][-1]["kind"] == "implemented"


def test_a_wrong_answer_through_the_api_is_said_and_changes_nothing(api, recommendation, publisher):
    refused = signed(api, publisher).post(steps_url(recommendation), {"kind": "declined"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"note": ["Give the reasons for declining."]}
    out_of_turn = api.post(steps_url(recommendation), {"kind": "in_progress"}, format="json")
    assert out_of_turn.status_code == 400 and "kind" in out_of_turn.json()["errors"]
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING and recommendation.steps.count() == 1


def test_only_the_organizations_publishers_answer_through_the_api(api, recommendation, other_organization):
    assert api.post(steps_url(recommendation), {"kind": "accepted"}, format="json").status_code == 401
    for person in (UserFactory(), MembershipFactory(organization=other_organization).user):
        api.credentials()
        refused = signed(api, person).post(steps_url(recommendation), {"kind": "accepted"}, format="json")
        assert refused.status_code == 403 and "publishers" in refused.json()["detail"]
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING
    assert api.post("/api/v1/recommendations/A-2026-999999-R1/steps/", {"kind": "accepted"}).status_code == 404
