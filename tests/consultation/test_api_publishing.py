"""The publishers' workflow through the JSON API, and who it refuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import Comment, Guideline, GuidelineVersion
from consultation.services import drafting
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, auth, consultation

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/"


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
    response = client.post(
        API, {"organization": "acme", "slug": "x", "title": "X"}, content_type="application/json", **headers
    )
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
