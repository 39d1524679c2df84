from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

URL = "/api/v1/auth/token/"


def post(data, **kwargs):
    return APIClient().post(URL, data, format="json", **kwargs)


def test_a_verified_account_gets_a_token(citizen):
    response = post({"email": citizen.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=citizen).key


def test_the_same_token_comes_back_the_second_time(citizen):
    first = post({"email": citizen.email, "password": PASSWORD}).json()["token"]
    assert post({"email": citizen.email, "password": PASSWORD}).json()["token"] == first


def test_a_wrong_password_is_refused(citizen):
    response = post({"email": citizen.email, "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The email or the password is not right."
    assert not Token.objects.exists()


def test_an_unverified_account_is_refused(unverified):
    response = post({"email": unverified.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Verify your email" in response.json()["detail"]
    assert not Token.objects.exists()


def test_missing_fields_are_named(db):
    response = post({})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"email", "password"}
    assert body["detail"].startswith("email:")


def test_malformed_json_is_a_clear_400(db):
    response = APIClient().post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_the_token_authenticates_api_requests(citizen):
    token = post({"email": citizen.email, "password": PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/record/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/record/").status_code == 401


def test_password_guessing_is_throttled_whatever_address_the_client_claims(db):
    answers = [
        post({"email": f"guess{n}@example.org", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(11)
    ]
    assert answers[:10] == [401] * 10
    assert answers[10] == 429
