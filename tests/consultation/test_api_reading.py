"""The public JSON API for reading: guidelines, versions, comments and exports."""

import csv
import io
import json

import pytest

from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/"


def test_the_guideline_list_filters_by_organization_and_status(client, version, other_organization):
    consultation(other_organization, closed=True)
    data = client.get(API).json()
    assert {g["organization"] for g in data["results"]} == {"acme", "globex"}
    assert [g["organization"] for g in client.get(f"{API}?organization=acme").json()["results"]] == ["acme"]
    assert len(client.get(f"{API}?status=consultation").json()["results"]) == 2
    assert client.get(f"{API}?status=final").json()["results"] == []
    bad = client.get(f"{API}?status=nonsense")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_a_guideline_lists_versions_and_clause_keys(client, version):
    data = client.get(f"{API}acme/medical/").json()
    assert data["clause_keys"] == ["R-1.1", "R-2.1"]
    assert [v["number"] for v in data["versions"]] == [1]


def test_a_version_has_clauses_and_its_comment_period(client, version):
    data = client.get(f"{API}acme/medical/versions/1/").json()
    assert [c["key"] for c in data["clauses"]] == ["R-1.1", "R-2.1"]
    assert data["comment_period"]["state"] == "open"
    assert data["comment_period"]["closes_at"].endswith("Z") or "+" in data["comment_period"]["closes_at"]


def test_drafts_are_hidden_from_the_api(client, organization):
    from tests.factories import GuidelineVersionFactory

    GuidelineVersionFactory(guideline__organization=organization, guideline__slug="secret", status="draft", number=1)
    assert client.get(f"{API}acme/secret/versions/1/").status_code == 404
    assert client.get(f"{API}acme/secret/").status_code == 404


def test_comments_filter_by_clause_and_show_tombstones(client, version):
    clause = version.clauses.first()
    CommentFactory(version=version, clause=clause, body="Visible")
    CommentFactory(version=version, clause=clause, body="Secret text", status="hidden", hidden_reason="abuse")
    CommentFactory(version=version, body="General")
    data = client.get(f"{API}acme/medical/versions/1/comments/?clause=R-1.1").json()
    assert [c["body"] for c in data["results"]] == ["Visible", None]
    assert data["results"][1]["tombstone"] == "Hidden by moderators: Abuse or harassment"
    assert "Secret text" not in json.dumps(data)
    general = client.get(f"{API}acme/medical/versions/1/comments/?clause=general").json()["results"]
    assert [c["body"] for c in general] == ["General"]


def test_the_exports_stream_every_comment_with_tombstones(client, version):
    CommentFactory(version=version, clause=version.clauses.first(), body="Visible, with a comma")
    CommentFactory(version=version, body="Secret text", status="hidden", hidden_reason="spam")
    response = client.get(f"{API}acme/medical/versions/1/comments/export.csv")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["status"] for r in rows] == ["published", "hidden"]
    assert rows[0]["body"] == "Visible, with a comma" and rows[1]["body"] == "Hidden by moderators: Spam or advertising"
    assert "Secret text" not in body
    response = client.get(f"{API}acme/medical/versions/1/comments/export.json")
    data = json.loads(b"".join(response.streaming_content))
    assert len(data["comments"]) == 2 and "Secret text" not in json.dumps(data)


def test_exports_are_rate_limited_with_a_clear_message(client, version, settings):
    settings.CONSULTATION_EXPORTS_PER_HOUR = 1
    assert client.get(f"{API}acme/medical/versions/1/comments/export.csv").status_code == 200
    response = client.get(f"{API}acme/medical/versions/1/comments/export.json")
    assert response.status_code == 429 and "try again later" in response.json()["detail"]


def test_an_unknown_parameter_of_the_guideline_list_is_a_400_naming_it(client, version):
    response = client.get(API, {"organisation": "acme"})
    assert response.status_code == 400 and response.json()["detail"] == "Unknown parameter: organisation"
    assert client.get(API, {"organization": "acme", "page_size": 5}).status_code == 200
