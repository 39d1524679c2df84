"""Citizens' comments and endorsements through the JSON API."""

import pytest

from consultation.models import Comment
from tests.consultation.factories import CommentFactory, auth

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/"


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
    [
        ({"clause": "R-1.1", "body": ""}, "body"),
        ({"clause": "R-9.9", "body": "Hi"}, "clause"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "Hi", "parent": 999999}, "parent"),
    ],
)
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


def test_a_citizen_endorses_through_the_api_once(client, citizen, version):
    comment = CommentFactory(version=version)
    url = f"{API}acme/medical/versions/1/comments/{comment.pk}/endorsements/"
    response = client.post(url, **auth(citizen))
    assert response.status_code == 201 and response.json()["endorsements"] == 1
    again = client.post(url, **auth(citizen))
    assert again.status_code == 400 and "already endorsed" in again.json()["detail"]
    assert client.post(url).status_code == 401
