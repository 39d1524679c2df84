"""Password guessing is stopped on the sign-in page and the API's token endpoint alike: per email and per address."""

from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"


def token(email, password, **extra):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json", **extra)


def test_a_wrong_password_for_a_token_is_a_401_that_says_how_to_authenticate(citizen):
    response = token(citizen.email, "nope")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_after_five_failures_for_one_email_even_the_right_password_is_refused(citizen):
    answers = [token(citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]
    response = token(citizen.email, PASSWORD, REMOTE_ADDR="10.0.0.99")
    assert answers == [401] * 5
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many failed login attempts. Try again later."


def test_one_address_guessing_many_emails_is_refused_after_ten_failures(db, monkeypatch):
    # The endpoint's request throttle (10 a minute) would stop this first; the failure count must hold without it.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "1000/minute")
    people = UserFactory.create_batch(11)
    answers = [token(person.email, "guess").status_code for person in people[:10]]
    assert answers == [401] * 10
    assert token(people[10].email, PASSWORD).status_code == 429


def test_a_successful_token_request_does_not_use_up_the_failure_count(citizen):
    for _ in range(6):
        assert token(citizen.email, PASSWORD).status_code == 200


def test_the_sign_in_page_stops_after_five_failures_for_one_email(client, citizen):
    for n in range(5):
        client.post("/accounts/login/", {"login": citizen.email, "password": f"guess-{n}"})
    response = client.post("/accounts/login/", {"login": citizen.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
