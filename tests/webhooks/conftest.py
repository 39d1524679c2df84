"""A real HTTP receiver in a thread, answering each POST with the next status of its script, and the actors of the
webhook tests."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.appeals.factories import AISystemFactory, published_guideline
from webhooks.services.endpoints import subscribe_endpoint


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in turn; 200 once they run out
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"thanks" if status < 300 else b"broken")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def local_receivers(settings, tmp_path):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on 127.0.0.1; test_ssrf turns it off
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000


@pytest.fixture
def guideline(organization):
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")


@pytest.fixture
def subscribed(organization, publisher, receiver):
    """An endpoint of the organization listening to every appeal event, and its secret."""
    return subscribe_endpoint(
        organization=organization,
        url=receiver.url,
        event_types=["appeal.filed", "appeal.decided", "appeal.corrected"],
        by=publisher,
    )
