from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appeals import services
from appeals.models import Appeal, Decision
from tests.appeals.factories import PDF_BYTES, admitted, make_reviewer, screenshot, upload


@pytest.fixture
def api():
    return APIClient()


def payload(**overrides):
    values = {
        "organization": "acme",
        "system": "helper",
        "happened_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "prompt_excerpt": "How do I pick a lock on my own front door?",
        "refusal_excerpt": "I can't help with that.",
        "clause_keys": ["R-2.1"],
        "grounds": "Locksmiths publish this.",
    }
    values.update(overrides)
    return values


def decide(appeal, handle="rae", outcome=Decision.OVERTURNED):
    reviewer = make_reviewer(handle)
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    return services.decide_appeal(
        assignment=assignment,
        by=reviewer.user,
        outcome=outcome,
        rationale="Lock picking is a hobby.",
        cited_clause_keys=["R-1.1"],
    )


def test_a_citizen_files_an_appeal(api, citizen, system, guideline):
    api.force_authenticate(citizen)
    response = api.post("/api/v1/appeals/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["public_id"] == Appeal.objects.get().public_id
    assert body["status"] == "submitted"
    assert body["refusal"]["prompt_excerpt"] is None  # not screened yet
    assert body["timeline"][0]["kind"] == "filed"


def test_a_citizen_files_an_appeal_with_a_screenshot(api, citizen, system, guideline):
    api.force_authenticate(citizen)
    response = api.post("/api/v1/appeals/", payload(attachments=[screenshot()]), format="multipart")
    assert response.status_code == 201, response.json()
    attachment = Appeal.objects.get().attachments.get()
    assert attachment.content_type == "image/png" and not attachment.public  # private until screened


@pytest.mark.parametrize(
    "upload_file",
    [lambda: upload("report.pdf", b"MZ\x90\x00 an executable"), lambda: upload("shot.png", PDF_BYTES)],
    ids=["executable-named-pdf", "pdf-named-png"],
)
def test_an_attachment_is_checked_by_its_content(api, citizen, system, guideline, upload_file):
    api.force_authenticate(citizen)
    response = api.post("/api/v1/appeals/", payload(attachments=[upload_file()]), format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert not Appeal.objects.exists()


def test_filing_needs_a_verified_citizen(api, unverified, system, guideline):
    assert api.post("/api/v1/appeals/", payload(), format="json").status_code == 401
    api.force_authenticate(unverified)
    response = api.post("/api/v1/appeals/", payload(), format="json")
    assert response.status_code == 403
    assert "verified email" in response.json()["detail"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"clause_keys": ["R-7.7"]}, "clause_keys"),
        ({"grounds": "g" * 5001}, "grounds"),
        ({"happened_at": (timezone.now() + timedelta(days=2)).isoformat()}, "happened_at"),
        ({"happened_at": "yesterday"}, "happened_at"),
        ({"system": "nope"}, "system"),
        ({"organization": "nobody"}, "organization"),
        ({"grounds": "nul \x00 byte"}, "grounds"),
        ({"clause_keys": "R-1.1"}, "clause_keys"),
    ],
)
def test_bad_input_is_a_json_400_with_nothing_stored(api, citizen, system, guideline, overrides, field):
    api.force_authenticate(citizen)
    response = api.post("/api/v1/appeals/", payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Appeal.objects.exists()


def test_an_appeal_shows_status_timeline_and_decision(api, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    decision = decide(appeal)
    body = api.get(f"/api/v1/appeals/{appeal.public_id}/").json()
    assert body["status"] == "decided"
    assert body["decision"]["id"] == decision.pk
    assert body["decision"]["votes"] == [{"reviewer": "rae", "outcome": "overturned", "dissent": False}]
    assert [event["kind"] for event in body["timeline"]][:2] == ["filed", "screening"]
    assert api.get("/api/v1/appeals/A-2000-000001/").status_code == 404


def test_decisions_are_filtered_and_cursor_paginated(api, citizen, system, guideline, moderator):
    upheld = decide(admitted(citizen, system, guideline, moderator, refusal_excerpt="a"), "a", Decision.UPHELD)
    overturned = decide(admitted(citizen, system, guideline, moderator, refusal_excerpt="b"), "b")
    body = api.get("/api/v1/decisions/", {"page_size": 1}).json()
    assert [d["id"] for d in body["results"]] == [overturned.pk]
    assert body["next"]
    assert [d["id"] for d in api.get(body["next"]).json()["results"]] == [upheld.pk]
    filtered = api.get("/api/v1/decisions/", {"outcome": "upheld", "organization": "acme", "clause": "R-1.1"})
    assert [d["id"] for d in filtered.json()["results"]] == [upheld.pk]
    assert api.get("/api/v1/decisions/", {"outcome": "maybe"}).status_code == 400
    for bad in [{"q": "dose\x00"}, {"clause": "R-1.1\x00"}, {"q": "x" * 201}]:
        response = api.get("/api/v1/decisions/", bad)
        assert response.status_code == 400 and set(bad) <= set(response.json()["errors"])
    assert api.get("/api/v1/decisions/", {"system": "other"}).json()["results"] == []


def test_an_unknown_parameter_of_a_list_is_a_400_naming_it(api, db):
    response = api.get("/api/v1/decisions/", {"topik": "security"})
    assert response.status_code == 400 and response.json()["detail"] == "Unknown parameter: topik"


def test_the_pager_and_format_parameters_are_known_to_every_list(api, db):
    assert api.get("/api/v1/decisions/", {"page_size": 1, "format": "json", "q": "dose"}).status_code == 200
    assert api.get("/api/v1/record/", {"page_size": 1, "after": 0}).status_code == 200
