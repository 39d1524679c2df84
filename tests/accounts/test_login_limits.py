"""Password guessing is stopped on the sign-in page and the API's token endpoint alike: per address and per (email,
address) pair, never per email alone, so strangers cannot lock the owner out; the owner can always get a code."""

import re

from django.test import Client
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


def test_five_wrong_passwords_from_other_addresses_do_not_lock_the_owner_out(citizen):
    answers = [token(citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]
    assert answers == [401] * 5
    assert token(citizen.email, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 200


def test_after_five_failures_from_one_address_that_address_is_refused_even_the_right_password(citizen):
    answers = [token(citizen.email, f"guess-{n}", REMOTE_ADDR="10.0.0.1").status_code for n in range(5)]
    response = token(citizen.email, PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert answers == [401] * 5
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-ins.")


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


def sign_in(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def test_the_sign_in_page_stops_after_five_failures_and_offers_a_code_by_email(client, citizen):
    for n in range(5):
        sign_in(client, citizen.email, f"guess-{n}")
    response = sign_in(client, citizen.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.text
    assert 'href="/accounts/login/code/"' in response.text
    assert 'href="/accounts/password/reset/"' in response.text
    assert "_auth_user_id" not in client.session


def test_strangers_failing_on_the_sign_in_page_leave_the_owner_able_to_sign_in(client, citizen):
    for n in range(5):
        sign_in(Client(), citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}")
    assert sign_in(client, citizen.email, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_forged_x_forwarded_for_does_not_spread_one_senders_failures(client, citizen, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    answers = [
        "Too many"
        in sign_in(
            client, citizen.email, f"guess-{n}", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).text
        for n in range(14)
    ]
    assert answers == [False] * 5 + [True] * 9


def test_behind_a_trusted_proxy_the_owners_own_address_still_gets_in(client, citizen, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(5):
        sign_in(Client(), citizen.email, f"guess-{n}", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    owner = sign_in(client, citizen.email, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert owner.status_code == 302


def test_the_owner_limited_at_their_own_address_gets_in_with_a_code_by_email(client, citizen, mailoutbox):
    for n in range(6):
        sign_in(client, citizen.email, f"guess-{n}")
    assert "Too many failed sign-ins" in sign_in(client, citizen.email, PASSWORD).text
    asked = client.post("/accounts/login/code/", {"email": citizen.email})
    assert asked.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE).group(1)
    confirmed = client.post(asked["Location"], {"code": code})
    assert confirmed.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def cap_account_failures(settings, rate):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": rate}


def test_failures_at_one_account_from_many_addresses_stop_at_the_loose_account_cap(citizen, settings):
    cap_account_failures(settings, "3/1h/key")
    answers = [token(citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(3)]
    response = token(citizen.email, PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert answers == [401] * 3
    assert response.status_code == 429
    assert "code sent to your email" in response.json()["detail"]


def test_the_default_account_cap_leaves_room_for_strangers_at_several_addresses(client, citizen):
    for n in range(20):
        sign_in(Client(), citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.{n // 5}.1")
    assert sign_in(client, citizen.email, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_past_the_account_cap_the_owner_gets_in_with_a_code_by_email(client, citizen, settings, mailoutbox):
    cap_account_failures(settings, "3/1h/key")
    for n in range(3):
        sign_in(Client(), citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}")
    assert "Too many failed sign-ins" in sign_in(client, citizen.email, PASSWORD).text
    asked = client.post("/accounts/login/code/", {"email": citizen.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE).group(1)
    assert client.post(asked["Location"], {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_a_password_reset_starts_the_account_count_again(client, citizen, settings, mailoutbox):
    cap_account_failures(settings, "3/1h/key")
    for n in range(3):
        sign_in(Client(), citizen.email, f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}")
    client.post("/accounts/password/reset/", {"email": citizen.email})
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form = client.get(link)
    client.post(form["Location"], {"password1": "a-new-pass-2026", "password2": "a-new-pass-2026"})
    assert sign_in(Client(), citizen.email, "a-new-pass-2026", REMOTE_ADDR="203.0.113.5").status_code == 302
