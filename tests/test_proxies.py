"""Forwarded headers are believed only from TRUSTED_PROXIES: a client cannot choose the address it is counted as,
nor make a plain-http request look like https."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from core.proxies import TrustedProxyMiddleware, client_address

NGINX = "127.0.0.1"
STRANGER = "198.51.100.9"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX, "10.0.0.0/8"]


def address(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_by_default_no_proxy_is_trusted_and_the_header_is_ignored():
    assert address(STRANGER, "203.0.113.7") == STRANGER
    assert address(NGINX, "203.0.113.7") == NGINX


def test_an_untrusted_peer_is_the_client_whatever_it_forwards(behind_nginx):
    assert address(STRANGER, "203.0.113.7, 127.0.0.1") == STRANGER


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(behind_nginx):
    assert address(NGINX, "203.0.113.7") == "203.0.113.7"
    # The client's own claims sit left of the address nginx saw, and a trusted hop between is skipped.
    assert address(NGINX, "6.6.6.6, 203.0.113.7, 10.1.2.3") == "203.0.113.7"
    assert address(NGINX, "::ffff:203.0.113.7") == "203.0.113.7"


def test_a_malformed_hop_stops_at_the_last_address_a_trusted_proxy_vouched_for(behind_nginx):
    assert address(NGINX, "203.0.113.7, not-an-address, 10.1.2.3") == "10.1.2.3"
    assert address(NGINX) == NGINX  # a request from the proxy host itself


def test_a_trusted_proxies_entry_that_is_not_an_address_is_named(settings):
    settings.TRUSTED_PROXIES = ["nginx.internal"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        address(NGINX)


def scheme(remote_addr: str, proto: str) -> bool:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO=proto)
    return TrustedProxyMiddleware(lambda request: HttpResponse(request.scheme))(request).content.decode()


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(behind_nginx):
    assert scheme(STRANGER, "https") == "http"
    assert scheme(NGINX, "https") == "https"
    assert scheme(NGINX, "http") == "http"


def test_a_forged_x_forwarded_proto_does_not_escape_the_https_redirect(behind_nginx, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    forged = Client().get("/guidelines/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301
    assert forged["Location"].startswith("https://")
    assert Client().get("/guidelines/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_rotating_x_forwarded_for_does_not_escape_the_api_throttle(behind_nginx, db, monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "5/minute")
    answers = [
        APIClient().get("/api/v1/decisions/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(7)
    ]
    assert answers == [200] * 5 + [429] * 2


def test_readers_behind_the_trusted_proxy_are_throttled_each_on_their_own(behind_nginx, db, monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "5/minute")

    def read(client_address: str) -> int:
        return APIClient().get("/api/v1/decisions/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=client_address).status_code

    assert [read("203.0.113.7") for _ in range(6)] == [200] * 5 + [429]
    assert read("203.0.113.8") == 200
