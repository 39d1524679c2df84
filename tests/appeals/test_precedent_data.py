"""The precedent graph outside the pages: the decision API, one decision's edges, the open data files, and the
migration of the citations stored before relations were recorded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import UNRECORDED_REASON
from opendata.writing import export_open_data
from tests.appeals.factories import AISystemFactory, published_guideline
from tests.appeals.precedent_factories import correct, decide, distinguishes, follows
from tests.appeals.test_migrations import back_to_latest, migrate  # noqa: F401  (a fixture, and the helper)
from tests.factories import OrganizationFactory, ReviewerProfileFactory, UserFactory
from tests.opendata.test_open_data import csv_text, open_data_root, rows  # noqa: F401  (open_data_root: a fixture)


@pytest.fixture
def make(citizen, system, guideline, moderator):
    return lambda *citations, **kwargs: decide(citizen, system, guideline, moderator, *citations, **kwargs)


@pytest.fixture
def graph(make):
    """`earlier`, followed by `follower` and distinguished by `departing`."""
    earlier = make()
    follower = make(follows(earlier, "Same dosage question."))
    departing = make(distinguishes(earlier, "That one named a patient."))
    return earlier, follower, departing


def listed(client) -> dict[int, dict]:
    return {item["id"]: item for item in client.get(reverse("api-decisions")).json()["results"]}


@pytest.mark.django_db
def test_the_decision_list_carries_the_edges_and_the_counts(client, graph):
    earlier, follower, departing = graph
    decisions = listed(client)
    assert decisions[follower.pk]["cites"] == [
        {"decision": earlier.pk, "relation": "follows", "reason": "Same dosage question."}
    ]
    assert decisions[earlier.pk]["cites"] == []
    assert decisions[earlier.pk]["cited_by"] == {"follows": 1, "distinguishes": 1}
    assert decisions[departing.pk]["cited_by"] == {"follows": 0, "distinguishes": 0}


@pytest.mark.django_db
def test_the_appeal_api_lists_what_each_decision_cites_and_what_cites_it(client, graph):
    earlier, follower, departing = graph
    decision = client.get(reverse("api-appeal", args=[earlier.appeal.public_id])).json()["decision"]
    assert decision["cited_by_decisions"] == [
        {"decision": follower.pk, "relation": "follows", "reason": "Same dosage question."},
        {"decision": departing.pk, "relation": "distinguishes", "reason": "That one named a patient."},
    ]
    decision = client.get(reverse("api-appeal", args=[departing.appeal.public_id])).json()["decision"]
    assert decision["cited_decisions"] == [earlier.pk] and decision["cites"][0]["relation"] == "distinguishes"


@pytest.mark.django_db
def test_one_decisions_citations_both_ways_or_one(client, graph, moderator):
    earlier, follower, departing = graph
    url = reverse("api-decision-citations", args=[earlier.pk])
    both = client.get(url).json()["results"]
    assert [(e["citing"], e["cited"], e["relation"]) for e in both] == [
        (departing.pk, earlier.pk, "distinguishes"),
        (follower.pk, earlier.pk, "follows"),
    ]
    assert client.get(url, {"direction": "cites"}).json()["results"] == []
    correct(follower, moderator)
    edges = client.get(reverse("api-decision-citations", args=[follower.pk]), {"direction": "cites"}).json()
    assert edges["results"] == [
        {
            "citing": follower.pk,
            "cited": earlier.pk,
            "relation": "follows",
            "reason": "Same dosage question.",
            "citing_in_force": False,
        }
    ]


@pytest.mark.django_db
def test_a_bad_direction_or_an_unknown_decision_is_refused(client, graph):
    earlier = graph[0]
    response = client.get(reverse("api-decision-citations", args=[earlier.pk]), {"direction": "sideways"})
    assert response.status_code == 400 and "direction" in response.json()["errors"]
    assert client.get(reverse("api-decision-citations", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_decision_list_costs_the_same_however_many_citations(client, make):
    lone = make()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api-decisions"))
    for _ in range(3):
        make(follows(lone), distinguishes(make()))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("api-decisions"))
    assert len(many) == len(few)


@pytest.mark.django_db
def test_open_data_carries_the_edges_and_the_edge_list(graph, moderator):
    earlier, follower, departing = graph
    correct(departing, moderator)
    done = export_open_data()
    decisions = {row["id"]: row for row in rows(done, "decisions")}
    assert decisions[departing.pk]["cites"] == [
        {"decision": earlier.pk, "relation": "distinguishes", "reason": "That one named a patient."}
    ]
    assert decisions[departing.pk]["cited_decisions"] == [earlier.pk]
    # The corrected decision's distinction no longer counts: its correction cites nothing.
    assert (decisions[earlier.pk]["followed_by"], decisions[earlier.pk]["distinguished_by"]) == (1, 0)
    assert rows(done, "decision_citations") == [
        {
            "citing": follower.pk,
            "cited": earlier.pk,
            "relation": "follows",
            "reason": "Same dosage question.",
            "citing_in_force": True,
        },
        {
            "citing": departing.pk,
            "cited": earlier.pk,
            "relation": "distinguishes",
            "reason": "That one named a patient.",
            "citing_in_force": False,
        },
    ]
    cites_cell = f'"[{{""decision"":{earlier.pk},""reason"":""Same dosage question."",""relation"":""follows""}}]"'
    assert cites_cell in csv_text(done, "decisions")
    assert f"{follower.pk},{earlier.pk},follows,Same dosage question.,true" in csv_text(done, "decision_citations")


BEFORE, AFTER = [("appeals", "0013_case_comments")], [("appeals", "0014_decision_citations")]


def two_decisions(apps, guideline, system):
    """Two decisions as stored before 0013: the later cites the earlier in the plain many-to-many, and the later's
    vote lists it by number."""
    model, now = apps.get_model, timezone.now()
    decisions, votes = [], []
    for n in (1, 2):
        refusal = model("appeals", "Refusal").objects.create(
            system_id=system.pk, happened_at=now, prompt_excerpt="p", refusal_excerpt=f"r{n}"
        )
        appeal = model("appeals", "Appeal").objects.create(
            public_id=f"A-2026-00000{n}",
            appellant_id=UserFactory().pk,
            refusal=refusal,
            guideline_id=guideline.pk,
            version_id=guideline.versions.get().pk,
            grounds="g",
            deadline=now,
            status="decided",
        )
        decision = model("appeals", "Decision").objects.create(
            appeal=appeal, organization_id=system.organization_id, system_id=system.pk, outcome="upheld", rationale="r"
        )
        assignment = model("appeals", "Assignment").objects.create(
            appeal=appeal, reviewer_id=ReviewerProfileFactory().pk, offer_expires_at=now, reason="r"
        )
        cited = [decisions[0].pk] if decisions else []
        votes.append(
            model("appeals", "Vote").objects.create(
                assignment=assignment, decision=decision, outcome="upheld", rationale="r", cited_decision_ids=cited
            )
        )
        decisions.append(decision)
    decisions[1].cited_decisions.add(decisions[0])
    return [d.pk for d in decisions], votes[1].pk


@pytest.mark.django_db(transaction=True)
def test_plain_citations_become_follows_with_the_unrecorded_reason(back_to_latest):  # noqa: F811
    organization = OrganizationFactory()
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization)
    (earlier, later), vote = two_decisions(migrate(BEFORE), guideline, system)
    apps = migrate(AFTER)
    citation = apps.get_model("appeals", "DecisionCitation").objects.get()
    assert (citation.citing_id, citation.cited_id, citation.relation) == (later, earlier, "follows")
    assert citation.reason == UNRECORDED_REASON == "(cited before relations were recorded)"
    assert apps.get_model("appeals", "Vote").objects.get(pk=vote).citations == [
        {"decision": earlier, "relation": "follows", "reason": UNRECORDED_REASON}
    ]
    apps = migrate(BEFORE)  # and back: the relation and reason are lost, the citation is not
    cited = apps.get_model("appeals", "Decision").objects.get(pk=later).cited_decisions
    assert list(cited.values_list("pk", flat=True)) == [earlier]
