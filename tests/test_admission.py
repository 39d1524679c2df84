"""Admission control (core/admission.py): a costly write the site has no room for is refused at once with 503 and
Retry-After, having done nothing; reads always pass; a slot is given back whatever happens; with Redis away the
host's own limit still holds. Last, a short flood through a real gunicorn: nothing lost, nothing twice, no 5xx.
The timings (refusals under 100 ms, pages while flooded) are bench/flood.py's.

"Another worker holds the slot" is a second open file locked with flock, exactly what another process does."""

import fcntl
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from config.settings import redis_caches
from consultation.models import Comment
from core import admission
from core import cache as cache_backend
from core.idempotency import HEADER, REPLAYED
from tests.consultation.factories import auth, consultation
from tests.real_services import require_redis_cache
from tests.workers import ROOT, test_database_url

COMMENTS = "/api/v1/guidelines/acme/medical/versions/1/comments/"
COMMENT_FORM = "/guidelines/acme/medical/v1/comments/new/"
COMMENT = {"clause": "R-1.1", "body": "Please narrow this."}
KEY_HEADER = f"HTTP_{HEADER.upper().replace('-', '_')}"


@pytest.fixture
def version(organization):
    return consultation(organization)


@pytest.fixture
def one_slot(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(admission, "backoff", admission.Backoff())  # no flood left over from another test
    settings.ADMISSION_HOST_SLOTS = 1
    settings.ADMISSION_SLOTS_DIR = tmp_path / "admission"
    settings.ADMISSION_GLOBAL_RATE = 0
    return settings.ADMISSION_SLOTS_DIR


@contextmanager
def held_elsewhere(directory) -> Iterator[None]:
    """Slot 0 taken by another process of this host (another open file, so flock sees another holder)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "slot-0").open("ab") as file:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def post_comment(client, person, key: str | None = None):
    headers = {KEY_HEADER: key} if key else {}
    return client.post(COMMENTS, COMMENT, content_type="application/json", **auth(person), **headers)


def test_with_every_slot_taken_a_comment_is_refused_with_retry_after_and_nothing_saved(
    one_slot, client, citizen, version
):
    with held_elsewhere(one_slot):
        response = post_comment(client, citizen)
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "Nothing was saved" in response.json()["detail"]
    assert Comment.objects.count() == 0


def test_a_refused_form_says_the_text_is_still_in_the_form(one_slot, client, citizen, version):
    client.force_login(citizen)
    with held_elsewhere(one_slot):
        response = client.post(COMMENT_FORM, COMMENT)
    assert response.status_code == 503 and response["Retry-After"] == "1"
    page = response.content.decode()
    assert "Nothing was saved" in page and "Back button" in page and "still in the form" in page
    assert Comment.objects.count() == 0


def test_with_the_slot_free_again_the_same_comment_is_saved_once(one_slot, client, citizen, version):
    key = "0d6f7a52-2b1c-4c0e-8f4a-flood-retry"
    with held_elsewhere(one_slot):
        assert post_comment(client, citizen, key).status_code == 503
    first = post_comment(client, citizen, key)
    again = post_comment(client, citizen, key)
    assert first.status_code == again.status_code == 201
    assert again[REPLAYED] == "true"
    assert Comment.objects.count() == 1


def test_reads_pass_while_every_slot_is_taken(one_slot, client, version):
    with held_elsewhere(one_slot):
        assert client.get(version.get_absolute_url()).status_code == 200
        assert client.get(COMMENTS).status_code == 200


def test_a_write_that_is_not_costly_passes_while_every_slot_is_taken(one_slot, client, citizen):
    with held_elsewhere(one_slot):
        response = client.post(
            "/api/v1/auth/token/",
            {"email": citizen.email, "password": "wrong password"},
            content_type="application/json",
        )
    assert response.status_code == 401  # the view itself answered: not shed


def test_the_slot_is_given_back_when_the_view_raises(one_slot, version):
    def failing_view(request):
        raise RuntimeError("the view broke")

    middleware = admission.AdmissionMiddleware(failing_view)
    with pytest.raises(RuntimeError):
        middleware(RequestFactory().post(COMMENTS, COMMENT, content_type="application/json"))
    slots = admission.host_slots()
    taken = slots.take()
    assert taken is not None
    slots.give_back(taken)


@pytest.fixture
def redis_away(settings, monkeypatch):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout_seconds=1)
    monkeypatch.setattr(cache_backend, "_outages", {})
    cache.clear()


def test_with_redis_away_the_host_limit_still_refuses(one_slot, settings, redis_away, client, citizen, version):
    settings.ADMISSION_GLOBAL_RATE = 1000
    with held_elsewhere(one_slot):
        assert post_comment(client, citizen).status_code == 503
    assert post_comment(client, citizen).status_code == 201  # the site-wide bucket fails open
    assert Comment.objects.count() == 1


@pytest.mark.services
def test_the_site_wide_bucket_refuses_past_its_rate(one_slot, settings, client, citizen, version):
    require_redis_cache()
    settings.ADMISSION_GLOBAL_RATE = 0.25  # one token every 4 s
    settings.ADMISSION_GLOBAL_BURST = 1
    assert post_comment(client, citizen).status_code == 201
    refused = post_comment(client, citizen)
    assert refused.status_code == 503
    assert refused["Retry-After"] in {"3", "4"}
    assert Comment.objects.count() == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(tmp_path, **env: str) -> Iterator[str]:
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": test_database_url(), "LOG_LEVEL": "WARNING", **env}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [*command, "--no-control-socket"], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def send(url: str, token: str, key: str, body: bytes) -> tuple[int, dict[str, str]]:
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}", HEADER: key}
    request = urllib.request.Request(url, body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_flood_through_gunicorn_is_shed_and_nothing_is_lost_or_doubled(tmp_path, citizen, version):
    """20 submissions from 10 threads at once against one write slot, the slot held elsewhere for the first half
    second; each retried with its key after every refusal, as Retry-After says; then five sent again."""
    slots = tmp_path / "admission"
    token = auth(citizen)["HTTP_AUTHORIZATION"].removeprefix("Token ")
    limits = {"CONSULTATION_COMMENT_LIMIT": "100000", "API_TOKEN_RATE": "100000/minute"}
    admission_env = {"ADMISSION_HOST_SLOTS": "1", "ADMISSION_SLOTS_DIR": str(slots)}
    admission_env["ADMISSION_RETRY_AFTER_MAX_SECONDS"] = "1"  # a short test: the backoff's growth is not what it checks
    answers: list[tuple[int, dict[str, str]]] = []
    accepted: list[int] = []
    record = threading.Lock()

    def body(number: int) -> bytes:
        return json.dumps({"clause": "R-1.1", "body": f"Flood test submission {number}."}).encode()

    with gunicorn(tmp_path, **limits, **admission_env) as base:
        url = f"{base}{COMMENTS}"

        def submit(number: int) -> None:
            for _attempt in range(200):
                status, headers = send(url, token, f"flood-{number}", body(number))
                with record:
                    answers.append((status, headers))
                if status == 201:
                    with record:
                        accepted.append(number)
                    return
                if status not in (429, 503) or "Retry-After" not in headers:
                    return
                time.sleep(float(headers["Retry-After"]))

        with held_elsewhere(slots):
            threads = [threading.Thread(target=lambda n=n: [submit(n), submit(n + 10)]) for n in range(10)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        again = [send(url, token, f"flood-{number}", body(number)) for number in range(5)]

    refusals = [(status, headers) for status, headers in answers if status != 201]
    assert refusals, "the held slot refused the first wave"
    assert {status for status, _ in refusals} <= {429, 503}
    assert all("Retry-After" in headers for _, headers in refusals)
    assert sorted(accepted) == list(range(20))
    assert [status for status, _ in again] == [201] * 5
    assert all(headers.get(REPLAYED) == "true" for _, headers in again)
    saved = Comment.objects.filter(body__startswith="Flood test submission ").values_list("body", flat=True)
    assert sorted(saved) == sorted(f"Flood test submission {number}." for number in range(20))


def test_retry_after_grows_while_refusals_outpace_admissions_and_falls_back_after(settings, monkeypatch):
    settings.ADMISSION_RETRY_AFTER_SECONDS, settings.ADMISSION_RETRY_AFTER_MAX_SECONDS = 1, 60
    clock = [1000.0]
    monkeypatch.setattr(admission.time, "monotonic", lambda: clock[0])
    backoff = admission.Backoff()
    told = []
    for _window in range(4):  # each window: one admitted, sixteen refused
        backoff.admitted()
        told += [backoff.refused() for _ in range(16)]
        clock[0] += admission.Backoff.WINDOW_SECONDS
    assert told[0] == 1 and told[-1] > told[16] > told[0]
    clock[0] += 3 * admission.Backoff.WINDOW_SECONDS  # the flood is over
    assert backoff.refused() == 1


def test_a_refused_form_page_carries_the_sites_security_headers(one_slot, client, citizen, version):
    client.force_login(citizen)
    with held_elsewhere(one_slot):
        response = client.post(COMMENT_FORM, COMMENT)
    assert response.status_code == 503
    assert "Content-Security-Policy" in response and response["Cache-Control"] == "no-store"
