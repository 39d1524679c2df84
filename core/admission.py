"""Admission control: under a write flood the site sheds what it cannot commit, at once, instead of failing it late.

A costly write (a comment, suggestion, statement, vote, appeal or case comment, on a page form or the API; the URL
names in ADMISSION_URL_NAMES) needs two things before anything else runs, sessions and the database included:

- a slot of this host: at most ADMISSION_HOST_SLOTS costly writes at a time across every process of this process
  group (the gunicorn workers sharing ADMISSION_SLOTS_DIR). Each slot is a file held with flock, so the kernel
  releases it when a process dies mid-request. Fewer slots than workers keeps workers free for reads and for the
  refusals themselves, so a refusal never waits behind the writes it protects (docs/explanations/overload.md);
- a token of the whole site: a token bucket in Redis (core.cache.take_token) filled at ADMISSION_GLOBAL_RATE a
  second, holding at most ADMISSION_GLOBAL_BURST, so hosts added beside each other cannot overrun the database
  together. With Redis away it fails open: each host still holds to its own slots.

Without both, the answer is 503 with Retry-After, at once: JSON for the API, a short page for a form saying nothing
was saved and the text is still in the form one Back away. A refused request did nothing, so a retry is safe; a
retry of an accepted one is answered, not done twice (core.idempotency). Reads are never shed here. This is about
capacity; core.ratelimit is about one person doing too much, and both apply.
"""

import fcntl
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from core.cache import take_token

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
GLOBAL_BUCKET = "admission:global"
BUSY_MESSAGE = (
    "The site is taking more submissions than it can save right now. Nothing was saved: send it again in {seconds} s."
)


class HostSlots:
    """ADMISSION_HOST_SLOTS slots shared by the processes of one host through flock on files in one directory.

    flock belongs to an open file, so each process opens its own files (after any fork) and, within a process,
    a set of the slots its threads hold keeps two threads from taking the same one."""

    def __init__(self, directory: Path, count: int) -> None:
        self.directory, self.count = directory, count
        self._lock = threading.Lock()
        self._files: list[IO[bytes]] = []
        self._held: set[int] = set()
        self._pid = -1

    def take(self) -> int | None:
        """A free slot's number, held until give_back; None when every slot is taken."""
        with self._lock:
            if self._pid != os.getpid():
                self._open()
            for number, file in enumerate(self._files):
                if number in self._held:
                    continue
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                self._held.add(number)
                return number
        return None

    def give_back(self, number: int) -> None:
        with self._lock:
            fcntl.flock(self._files[number], fcntl.LOCK_UN)
            self._held.discard(number)

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._files = [(self.directory / f"slot-{number}").open("ab") for number in range(self.count)]
        self._held, self._pid = set(), os.getpid()


class Backoff:
    """The Retry-After of a host refusal, grown while refusals outpace admissions and shrunk when they do not.

    Refused clients come back after Retry-After; if it stayed at a second, a flood three times the capacity would
    pile up and retry every second, until the refusals alone filled the workers. Every WINDOW_SECONDS the wait is
    multiplied by the square root of refused ÷ admitted in the window, so the retries settle near the rate the host
    admits (the square root damps the loop: the clients answer a window late). Counted per process: each sees a
    sample of the host's traffic, and a ratio needs no more."""

    WINDOW_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window_start = time.monotonic()
        self._admitted = self._refused = 0
        self._seconds = 0.0

    def admitted(self) -> None:
        with self._lock:
            self._roll()
            self._admitted += 1

    def refused(self) -> int:
        """Count a refusal; the seconds to tell the client."""
        low, high = settings.ADMISSION_RETRY_AFTER_SECONDS, settings.ADMISSION_RETRY_AFTER_MAX_SECONDS
        with self._lock:
            self._roll()
            self._refused += 1
            self._seconds = min(max(self._seconds, low), high)
            return math.ceil(self._seconds)

    def _roll(self) -> None:
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed < self.WINDOW_SECONDS:
            return
        if elapsed < 2 * self.WINDOW_SECONDS and self._refused:
            self._seconds *= math.sqrt(self._refused / max(self._admitted, 1))
        else:
            self._seconds = 0.0  # a window without refusals: the flood is over
        self._window_start, self._admitted, self._refused = now, 0, 0


backoff = Backoff()
_host_slots: dict[tuple[Path, int], HostSlots] = {}
_host_slots_lock = threading.Lock()


def host_slots() -> HostSlots:
    """This process's view of the host's slots, as the settings name them now."""
    key = (Path(settings.ADMISSION_SLOTS_DIR), settings.ADMISSION_HOST_SLOTS)
    with _host_slots_lock:
        if key not in _host_slots:
            _host_slots[key] = HostSlots(*key)
        return _host_slots[key]


def is_costly_write(request: HttpRequest) -> bool:
    if request.method not in WRITES:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in settings.ADMISSION_URL_NAMES


def site_wait() -> float:
    """Seconds until the site-wide bucket has a token for this write; 0 when it took one (or is off, or away)."""
    rate = settings.ADMISSION_GLOBAL_RATE
    if rate <= 0:
        return 0.0
    return take_token(caches["default"], GLOBAL_BUCKET, rate=rate, burst=max(settings.ADMISSION_GLOBAL_BURST, 1))


def busy(request: HttpRequest, *, seconds: int) -> HttpResponse:
    """503 with Retry-After, in the shape the client reads. Rendered without the request: nothing past this point
    (sessions, the user) has been looked at, which is the point."""
    message = BUSY_MESSAGE.format(seconds=seconds)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=503)
    else:
        response = HttpResponse(render_to_string("busy.html", {"seconds": seconds}), status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    # Shedding is the site working as meant, not an error: not one log line per refusal in the middle of a flood.
    response._has_been_logged = True  # type: ignore[attr-defined]  # what django.utils.log.log_response checks
    return response


class AdmissionMiddleware:
    """Early in MIDDLEWARE: a refusal costs a URL match and a Redis round trip, not a session or a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_costly_write(request):
            return self.get_response(request)
        if settings.ADMISSION_HOST_SLOTS <= 0:  # no host limit: the site-wide bucket alone
            return self._admit(request)
        slots = host_slots()
        slot = slots.take()
        if slot is None:
            return busy(request, seconds=backoff.refused())
        try:
            return self._admit(request)
        finally:
            slots.give_back(slot)

    def _admit(self, request: HttpRequest) -> HttpResponse:
        wait = site_wait()
        if wait > 0:
            return busy(request, seconds=max(1, math.ceil(wait)))
        backoff.admitted()
        return self.get_response(request)
