"""The company API beyond refusal statements: reading the appeals against the organization's systems, and answering
decisions and recommendations with a key, in the organization's name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiKey
from appeals.models import Appeal, Decision, OrganizationResponse, RecommendationStep
from ledger.models import Entry
from tests.appeals.company_api import key_client, make_key
from tests.appeals.factories import AISystemFactory, decided, file
from tests.appeals.test_recommendations import recommended
from tests.factories import MembershipFactory

APPEALS = "/api/v1/organizations/acme/appeals/"


@pytest.fixture
def reader(organization, publisher):
    return key_client(make_key(organization, publisher, scopes=[ApiKey.APPEALS_READ])[1])


@pytest.fixture
def answerer(organization, publisher):
    return key_client(make_key(organization, publisher, scopes=[ApiKey.RESPONSES_WRITE])[1])


def test_the_key_reads_its_organizations_appeals_as_the_public_sees_them(reader, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    (item,) = reader.get(APPEALS).json()["results"]
    assert item["public_id"] == appeal.public_id and item["system"] == "helper"
    assert item["refusal"]["prompt_excerpt"] is None and item["refusal"]["grounds"] is None  # not screened yet
    assert item["appellant"] == f"Appellant {appeal.public_id}"
    assert "grounds" not in item and citizen.email not in str(item)


def test_the_list_filters_by_status_system_and_updated_since(
    reader, citizen, organization, system, guideline, moderator
):
    other = AISystemFactory(organization=organization, slug="other")
    decided(citizen, system, guideline, moderator)
    file(citizen, other, guideline)
    assert [a["status"] for a in reader.get(APPEALS, {"status": Appeal.DECIDED}).json()["results"]] == ["decided"]
    assert [a["system"] for a in reader.get(APPEALS, {"system": "other"}).json()["results"]] == ["other"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert reader.get(APPEALS, {"updated_since": later}).json()["results"] == []
    assert reader.get(APPEALS, {"status": "lost"}).status_code == 400


def test_the_list_costs_the_same_queries_for_more_appeals(
    reader, citizen, system, guideline, django_assert_max_num_queries
):
    for n in range(4):
        file(citizen, system, guideline, prompt_excerpt=f"Question {n}")
    with django_assert_max_num_queries(6):
        assert len(reader.get(APPEALS).json()["results"]) == 4


def test_other_keys_and_people_are_refused(organization, other_organization, publisher, citizen, answerer):
    assert answerer.get(APPEALS).status_code == 403
    theirs = make_key(other_organization, MembershipFactory(organization=other_organization).user)[1]
    response = key_client(theirs).get(APPEALS)
    assert response.status_code == 403 and "another organization" in response.json()["detail"]


def test_the_key_responds_to_a_decision_in_the_organizations_name(
    answerer, reader, citizen, system, guideline, moderator
):
    decision = decided(citizen, system, guideline, moderator, outcome=Decision.OVERTURNED).decisions.get()
    url = f"/api/v1/decisions/{decision.pk}/responses/"
    body = {"kind": "will_comply", "text": "We will publish the limits."}
    assert reader.post(url, body, format="json").status_code == 403
    first = answerer.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="respond-1")
    again = answerer.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="respond-1")
    assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
    response = OrganizationResponse.objects.get()
    assert response.responded_by is None and response.api_key.organization.slug == "acme"
    entry = Entry.objects.filter(kind="appeal.responded").get()
    assert entry.data["response"] == response.pk


def test_the_key_answers_a_recommendation(answerer, citizen, system, guideline, moderator):
    (recommendation,) = recommended(citizen, system, guideline, moderator)
    url = f"/api/v1/recommendations/{recommendation.public_id}/steps/"
    response = answerer.post(url, {"kind": "accepted", "note": "We agree."}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "accepted"
    step = RecommendationStep.objects.get(kind="accepted")
    assert step.by is None and step.api_key is not None and step.actor == "Acme AI"
