import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from consultation.models import Comment, Guideline, GuidelineVersion
from consultation.services import drafting
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/"


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def version(organization):
    return consultation(organization)


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


def test_a_citizen_posts_a_comment_with_a_token(client, citizen, version):
    response = client.post(
        f"{API}acme/medical/versions/1/comments/",
        {"clause": "R-1.1", "body": "Please narrow this."},
        content_type="application/json",
        **auth(citizen),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["clause"] == "R-1.1" and response.json()["author"] == "Ada Citizen"
    reply = client.post(
        f"{API}acme/medical/versions/1/comments/",
        {"parent": response.json()["id"], "body": "Seconded."},
        content_type="application/json",
        **auth(citizen),
    )
    assert reply.status_code == 201 and reply.json()["parent"] == response.json()["id"]


@pytest.mark.parametrize(
    "payload, field",
    [({"clause": "R-1.1", "body": ""}, "body"), ({"clause": "R-9.9", "body": "Hi"}, "clause"),
     ({"body": "x" * 5001}, "body"), ({"body": "Hi", "parent": 999999}, "parent")],
)  # fmt: skip
def test_bad_comments_get_a_json_error_and_nothing_is_stored(client, citizen, version, payload, field):
    response = client.post(
        f"{API}acme/medical/versions/1/comments/", payload, content_type="application/json", **auth(citizen)
    )
    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["detail"]
    assert not Comment.objects.exists()


def test_anonymous_and_unverified_posts_are_refused(client, unverified, version):
    url = f"{API}acme/medical/versions/1/comments/"
    assert client.post(url, {"body": "Hi"}, content_type="application/json").status_code == 401
    client.force_login(unverified)
    assert client.post(url, {"body": "Hi"}, content_type="application/json").status_code == 403
    assert not Comment.objects.exists()


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


def test_a_publisher_runs_the_whole_workflow_through_the_api(client, publisher, organization):
    headers = auth(publisher)
    response = client.post(
        API, {"organization": "acme", "slug": "safety", "title": "Safety"}, content_type="application/json", **headers
    )
    assert response.status_code == 201
    clauses = [{"key": "R-1.1", "heading": "Weapons", "text": "No weapons.", "tags": ["security"]}]
    response = client.post(
        f"{API}acme/safety/versions/", {"clauses": clauses}, content_type="application/json", **headers
    )
    assert response.status_code == 201 and response.json()["status"] == "draft"
    closes = (timezone.now() + timedelta(days=31)).isoformat()
    response = client.post(
        f"{API}acme/safety/versions/1/period/", {"closes_at": closes}, content_type="application/json", **headers
    )
    assert response.status_code == 201 and response.json()["comment_period"]["state"] == "open"
    later = (timezone.now() + timedelta(days=40)).isoformat()
    response = client.post(
        f"{API}acme/safety/versions/1/period/extensions/",
        {"closes_at": later, "reason": "Holidays"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["comment_period"]["extensions"][0]["reason"] == "Holidays"
    shorter = client.post(
        f"{API}acme/safety/versions/1/period/extensions/",
        {"closes_at": closes, "reason": "Oops"},
        content_type="application/json",
        **headers,
    )
    assert shorter.status_code == 400 and "closes_at" in shorter.json()["errors"]


def test_publisher_endpoints_refuse_citizens(client, citizen, organization, version):
    headers = auth(citizen)
    response = client.post(API, {"organization": "acme", "slug": "x", "title": "X"}, content_type="application/json",
                           **headers)  # fmt: skip
    assert response.status_code == 403 and response.json()["detail"]
    response = client.post(f"{API}acme/medical/versions/", {}, content_type="application/json", **headers)
    assert response.status_code == 403
    assert Guideline.objects.count() == 1 and GuidelineVersion.objects.count() == 1


def test_responding_and_publishing_final_through_the_api(client, publisher, organization):
    version = consultation(organization, closed=True)
    comment = CommentFactory(version=version, clause=version.clauses.first())
    CommentFactory(version=version, clause=version.clauses.last())
    headers = auth(publisher)
    response = client.post(
        f"{API}acme/medical/versions/1/comments/{comment.pk}/response/",
        {"disposition": "adopted", "text": "Done."},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["response"]["disposition"] == "adopted"
    response = client.post(
        f"{API}acme/medical/versions/1/responses/",
        {"clause": "R-2.1", "disposition": "noted", "text": "Thanks."},
        content_type="application/json",
        **headers,
    )
    assert response.json() == {"answered": 1}
    assert (
        client.post(f"{API}acme/medical/versions/", {}, content_type="application/json", **headers).status_code == 201
    )
    response = client.post(
        f"{API}acme/medical/versions/2/final/",
        {"summary_of_changes": "Final.", "statements": {"R-1.1": {"text": "Kept", "comments": [comment.pk]}}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "final"
    assert response.json()["statement_of_changes"][0]["comments"] == [comment.pk]


def test_every_public_change_is_in_the_record(client, citizen, publisher, organization):
    drafting.create_guideline(organization=organization, slug="g", title="G", by=publisher)
    assert not Entry.objects.exists()  # a guideline becomes public with its first comment period


def test_exports_are_rate_limited_with_a_clear_message(client, version, settings):
    settings.CONSULTATION_EXPORTS_PER_HOUR = 1
    assert client.get(f"{API}acme/medical/versions/1/comments/export.csv").status_code == 200
    response = client.get(f"{API}acme/medical/versions/1/comments/export.json")
    assert response.status_code == 429 and "try again later" in response.json()["detail"]


def test_a_citizen_endorses_through_the_api_once(client, citizen, version):
    comment = CommentFactory(version=version)
    url = f"{API}acme/medical/versions/1/comments/{comment.pk}/endorsements/"
    response = client.post(url, **auth(citizen))
    assert response.status_code == 201 and response.json()["endorsements"] == 1
    again = client.post(url, **auth(citizen))
    assert again.status_code == 400 and "already endorsed" in again.json()["detail"]
    assert client.post(url).status_code == 401


@pytest.mark.parametrize("who", ["citizen", "moderator", "other_publisher"])
def test_publisher_endpoints_refuse_everyone_but_the_organizations_publishers(
    client, request, who, publisher, organization
):
    closed = consultation(organization, closed=True)
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    entries, closes_at = Entry.objects.count(), closed.comment_period.closes_at
    later = (timezone.now() + timedelta(days=60)).isoformat()
    # The public version refuses them; the draft (version 2) is not theirs to see, so it is missing.
    attempts = [
        ("versions/", {}, 403),
        ("versions/1/comments/{comment}/response/", {"disposition": "adopted", "text": "Yes."}, 403),
        ("versions/1/responses/", {"clause": "R-1.1", "disposition": "noted", "text": "Thanks."}, 403),
        ("versions/1/period/extensions/", {"closes_at": later, "reason": "More time"}, 403),
        ("versions/2/period/", {"closes_at": later}, 404),
        ("versions/2/final/", {"summary_of_changes": "Final.", "statements": {}}, 404),
    ]
    headers = auth(request.getfixturevalue(who))
    for path, body, refusal in attempts:
        url = f"{API}acme/medical/{path.format(comment=comment.pk)}"
        response = client.post(url, body, content_type="application/json", **headers)
        assert response.status_code == refusal, url
        assert response.json()["detail"]
    assert Entry.objects.count() == entries
    assert GuidelineVersion.objects.filter(status=GuidelineVersion.DRAFT).count() == 1
    assert GuidelineVersion.objects.count() == 2
    assert not Comment.objects.filter(response__isnull=False).exists()
    closed.comment_period.refresh_from_db()
    assert closed.comment_period.closes_at == closes_at


def test_a_final_version_citing_an_impossible_comment_number_is_refused(client, publisher, organization):
    closed = consultation(organization, closed=True)
    drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    response = client.post(
        f"{API}acme/medical/versions/2/final/",
        {"summary_of_changes": "Final.", "statements": {"R-1.1": {"text": "x", "comments": [10**30]}}},
        content_type="application/json",
        **auth(publisher),
    )
    assert response.status_code == 400 and "statements" in response.json()["errors"]
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT
