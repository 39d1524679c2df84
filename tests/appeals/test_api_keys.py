"""Organization API keys: made and revoked by publishers, shown once, stored hashed, refused when they should be."""

import hashlib

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey
from tests.appeals.company_api import key_client, make_key, statement
from tests.factories import MembershipFactory

KEYS = "/organizations/acme/api-keys/"
REPORT = "/api/v1/organizations/acme/refusal-statements/"


def test_a_publisher_makes_a_key_sees_it_once_and_only_its_hash_is_stored(client, publisher, organization):
    client.force_login(publisher)
    response = client.post(KEYS, {"name": "pipeline", "scopes": [ApiKey.STATEMENTS_WRITE]}, follow=True)
    page = response.content.decode()
    key = ApiKey.objects.get()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    value = page.split("data-new-key>")[1].split("<")[0]
    assert value.startswith(f"wd_{key.prefix}_")
    secret = value.split("_", 2)[2]
    assert key.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    again = client.get(KEYS).content.decode()
    assert secret not in again and f"wd_{key.prefix}_…" in again


def test_the_form_says_what_is_wrong_and_makes_nothing(client, publisher, organization):
    client.force_login(publisher)
    response = client.post(KEYS, {"name": "", "scopes": []})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "other_publisher", "anonymous"])
def test_only_the_organizations_publishers_see_its_keys(client, organization, other_organization, citizen, who):
    if who == "citizen":
        client.force_login(citizen)
    elif who == "other_publisher":
        client.force_login(MembershipFactory(organization=other_organization).user)
    response = client.get(KEYS)
    assert response.status_code == (302 if who == "anonymous" else 403)


def test_revoking_is_permanent_and_refuses_the_key_at_once(client, publisher, organization, system, guideline):
    key, value = make_key(organization, publisher)
    client.force_login(publisher)
    response = client.post(f"{KEYS}{key.pk}/revoke/", follow=True)
    assert "is revoked" in response.content.decode()
    key.refresh_from_db()
    assert key.is_revoked and key.revoked_by == publisher
    refused = key_client(value).post(REPORT, {"statements": [statement()]}, format="json")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


@pytest.mark.parametrize(
    "header, message",
    [
        ("Bearer wd_0123abcd_" + "x" * 43, "Unknown API key."),
        ("Bearer not-a-key", "This is not an API key"),
        ("Bearer", "Send the API key as"),
    ],
)
def test_unknown_and_malformed_keys_are_refused_with_401(organization, header, message):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.post(REPORT, {"statements": [statement()]}, format="json")
    assert response.status_code == 401 and response.json()["detail"].startswith(message)


def test_a_key_with_the_right_secret_but_wrong_hash_is_unknown(organization, publisher):
    key, value = make_key(organization, publisher)
    forged = value[:-1] + ("A" if value[-1] != "A" else "B")
    response = key_client(forged).post(REPORT, {"statements": [statement()]}, format="json")
    assert response.status_code == 401 and response.json()["detail"] == "Unknown API key."


def test_a_key_without_the_scope_or_of_another_organization_is_refused_with_403(
    organization, other_organization, publisher, system, guideline
):
    _, reader = make_key(organization, publisher, scopes=[ApiKey.APPEALS_READ])
    response = key_client(reader).post(REPORT, {"statements": [statement()]}, format="json")
    assert response.status_code == 403 and "statements:write" in response.json()["detail"]
    other_publisher = MembershipFactory(organization=other_organization).user
    _, theirs = make_key(other_organization, other_publisher)
    response = key_client(theirs).post(REPORT, {"statements": [statement()]}, format="json")
    assert response.status_code == 403 and "another organization" in response.json()["detail"]


def test_a_person_with_a_token_cannot_report_for_the_organization(organization, publisher, system, guideline):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=publisher).key}")
    response = api.post(REPORT, {"statements": [statement()]}, format="json")
    assert response.status_code == 403 and "API keys" in response.json()["detail"]


def test_using_a_key_shows_when_it_was_last_used(client, organization, publisher, system, guideline):
    key, value = make_key(organization, publisher)
    assert key_client(value).post(REPORT, {"statements": [statement()]}, format="json").status_code == 201
    key.refresh_from_db()
    assert key.last_used_at is not None
    client.force_login(publisher)
    assert "Never" not in client.get(KEYS).content.decode().split("<tbody>")[1]


def test_a_key_is_not_a_person_for_anything_else(organization, publisher):
    _, value = make_key(organization, publisher)
    response = key_client(value).get("/api/v1/appeals/A-2026-000001/")
    assert response.status_code == 404  # read like anyone; never an error
    response = key_client(value).post("/api/v1/appeals/", {}, format="json")
    assert response.status_code in (400, 403)


def test_each_key_has_its_own_rate_limit(organization, publisher, system, guideline):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api_key": "2/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        _, value = make_key(organization, publisher)
        _, other = make_key(organization, publisher, name="second")
        codes = [
            key_client(value).post(REPORT, {"statements": [statement(f"t-{n}")]}, format="json").status_code
            for n in range(3)
        ]
        assert codes == [201, 201, 429]
        assert key_client(other).post(REPORT, {"statements": [statement("t-9")]}, format="json").status_code == 201
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
