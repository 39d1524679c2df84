"""One signed POST to an endpoint, per the Standard Webhooks spec (https://www.standardwebhooks.com): the headers
`webhook-id`, `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 of "id.timestamp.body", by the
`standardwebhooks` package), a short timeout (WEBHOOK_TIMEOUT_SECONDS to connect and for each read), no
redirects, and at most RESPONSE_READ_BYTES of the answer read.

The connection goes to the address `addresses.resolve` checked, with the URL's host name for TLS and the Host
header, so DNS cannot swap in a private address between the check and the call.
"""

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from standardwebhooks import Webhook

from webhooks import addresses
from webhooks.models import ERROR_MAX, RESPONSE_EXCERPT_MAX

RESPONSE_READ_BYTES = 4096
USER_AGENT = "WhoDecides-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    response_excerpt: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def encode(body: dict) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def signature_headers(*, secrets: list[str], message_id: str, at: datetime, payload: str) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret, space-separated, as the spec allows during a
    rotation."""
    at = at.astimezone(UTC)
    signatures = " ".join(Webhook(secret).sign(message_id, at, payload) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), timeout=self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS, the certificate checked against the URL's host name."""

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(*, url: str, secrets: list[str], message_id: str, payload: str, at: datetime) -> Outcome:
    started = time.monotonic()
    try:
        scheme, host, port, address = addresses.resolve(url)
    except ValidationError as refused:
        return Outcome(None, refused.messages[0][:ERROR_MAX], "", 0)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signature_headers(secrets=secrets, message_id=message_id, at=at, payload=payload),
    }
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    path = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
    try:
        # http.client never follows redirects: a 3xx is an answer, and not a success.
        connection.request("POST", path, body=payload.encode(), headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_READ_BYTES).decode("utf-8", "replace")[:RESPONSE_EXCERPT_MAX]
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, TLS, a garbled answer
        return Outcome(None, _describe(error), "", _since(started))
    finally:
        connection.close()
    return Outcome(response.status, "", excerpt, _since(started))


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "The endpoint did not answer in time."
    return f"Could not reach the endpoint: {error}"[:ERROR_MAX]


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
