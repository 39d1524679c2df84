"""Reviewers' pages: only their own assignments; accepting, declining, deciding."""

from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Assignment, Decision
from tests.appeals.factories import (
    admitted,
    make_reviewer,
)


def test_a_reviewer_sees_only_their_own_assignments(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator, prompt_excerpt="secret dosage question")
    mine = make_reviewer("mine")
    services.route_appeal(appeal=appeal)
    other = make_reviewer("other")
    assignment = appeal.assignments.get()
    client.force_login(other.user)
    assert client.get(reverse("review", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("accept-assignment", args=[assignment.pk])).status_code == 404
    assert "Private: the original excerpts" not in client.get(appeal.get_absolute_url()).text
    client.force_login(mine.user)
    assert "secret dosage" in client.get(reverse("review", args=[assignment.pk])).text


def test_a_reviewer_accepts_and_decides_in_the_browser(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get()
    client.force_login(reviewer.user)
    client.post(reverse("accept-assignment", args=[assignment.pk]))
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), {"outcome": "upheld", "rationale": "Fine."})
    assert response.status_code == 400
    assert "This field is required" in response.text
    client.post(
        reverse("decide-appeal", args=[assignment.pk]),
        {"outcome": "upheld", "rationale": "The clause applies.", "cited_clause_keys": ["R-1.1"], "confirm": "1"},
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.DECIDED


def test_a_reviewer_declines_with_a_reason(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get()
    client.force_login(reviewer.user)
    assert client.post(reverse("decline-assignment", args=[assignment.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("decline-assignment", args=[assignment.pk]), {"reason": "Conflict."})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.DECLINED
    assert client.get(reverse("review", args=[assignment.pk])).status_code == 404  # no longer theirs to read


def test_a_publisher_cannot_decide_through_the_page(client, citizen, publisher, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    client.force_login(publisher)
    body = {"outcome": "overturned", "rationale": "I say so.", "cited_clause_keys": ["R-1.1"]}
    assert client.post(reverse("decide-appeal", args=[assignment.pk]), body).status_code == 403
    assert not Decision.objects.exists()
