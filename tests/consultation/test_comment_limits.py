import pytest

from consultation.models import Comment
from tests.consultation.factories import auth
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/guidelines/acme/medical/versions/1/comments/"


def post_page(client, person, version, ip="203.0.113.5"):
    client.force_login(person)
    return client.post(
        f"{version.get_absolute_url()}comments/new/", {"body": "Hello", "clause": "general"}, REMOTE_ADDR=ip
    )


def post_api(client, person, ip="203.0.113.5"):
    return client.post(API, {"body": "Hello"}, REMOTE_ADDR=ip, **auth(person))


def test_comments_per_account_are_limited_on_the_page_and_in_the_api(client, citizen, version, settings):
    settings.CONSULTATION_COMMENT_LIMIT = 1
    assert post_page(client, citizen, version).status_code == 302
    refused = post_page(client, citizen, version)
    assert refused.status_code == 400 and "from your account" in refused.content.decode()
    response = post_api(client, citizen)
    assert response.status_code == 429 and "from your account" in response.json()["detail"]
    assert response["Retry-After"] == str(settings.CONSULTATION_COMMENT_WINDOW_SECONDS)
    assert Comment.objects.count() == 1


def test_comments_per_address_are_limited_across_accounts(client, version, settings):
    settings.CONSULTATION_COMMENT_IP_LIMIT = 2
    first, second, third = UserFactory.create_batch(3)
    assert post_api(client, first).status_code == 201
    assert post_api(client, second).status_code == 201
    refused = post_api(client, third)
    assert refused.status_code == 429 and "from your network address" in refused.json()["detail"]
    assert post_api(client, third, ip="198.51.100.7").status_code == 201
    assert Comment.objects.count() == 3


def test_comments_per_email_domain_are_limited_across_accounts_and_addresses(client, version, settings):
    settings.CONSULTATION_COMMENT_DOMAIN_LIMIT = 1
    first, second = UserFactory(email="a@campaign.example"), UserFactory(email="b@campaign.example")
    assert post_api(client, first, ip="203.0.113.1").status_code == 201
    refused = post_api(client, second, ip="203.0.113.2")
    assert refused.status_code == 429 and "from your email domain" in refused.json()["detail"]
    assert post_api(client, UserFactory(email="c@gmail.com"), ip="203.0.113.3").status_code == 201
    assert Comment.objects.count() == 2
