"""nginx from deploy/nginx.conf.in, for real, in front of a real gunicorn in production mode on this test's database.

Each stack is nginx (deploy/nginx_conf.py's LocalNginx, its own port and directories) proxying to a gunicorn of its
own; the requests come from other loopback addresses than nginx's own (127.0.0.2, 127.0.0.3) so that the address
the app counts can be told from the proxy's.
"""

import fcntl
import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import User
from deploy.nginx_conf import LocalNginx, free_port, wait_for_port
from tests.consultation.factories import consultation
from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.real_services import nginx_path
from tests.workers import test_database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
READER = "127.0.0.2"
OTHER_READER = "127.0.0.3"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "nginx-tests-" + "0123456789abcdef" * 4,
    "RECORD_SIGNING_KEY": "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    "ALLOWED_HOSTS": "127.0.0.1",
    # Plain HTTP on the loopback, as .ci/fuzz and bench/run.sh serve production mode.
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    # nginx reaches the app from 127.0.0.1: the app believes its X-Forwarded-For, and nobody else's.
    "TRUSTED_PROXIES": "127.0.0.1",
    "API_ANON_RATE": "3/minute",
    "LOG_LEVEL": "ERROR",
}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


def fetch(base: str, path: str, *, method="GET", source=READER, headers=None, form=None) -> Answer:
    """One request from the loopback address `source`, on a connection of its own; redirects are not followed."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    body = urlencode(form) if form is not None else None
    sent = {**({"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}), **(headers or {})}
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode(errors="replace"))
    finally:
        connection.close()


def cookie(answer: Answer, name: str) -> str:
    found = next(c for c in answer.headers.get_all("Set-Cookie") or [] if c.startswith(f"{name}="))
    return found.split(";")[0]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, worker_id) -> Path:
    """collectstatic's output in production mode (hashed names), which nginx serves and the pages name: once per run,
    shared by the xdist workers that run these tests (this run's temporary directory, under a lock)."""
    nginx_path()
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # pytest-N/, whose popen-gwN/ are the workers' own
    root = shared / "nginx-static"
    with open(shared / "nginx-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            env = {**os.environ, **PRODUCTION_ENV, "STATIC_ROOT": str(root), "VAR_DIR": str(shared / "static-var")}
            command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
            subprocess.run(command, cwd=ROOT, env=env, check=True)
    return root


class Stack:
    """gunicorn (one worker, four threads: one process, so one in-memory cache and rate count) behind nginx."""

    def __init__(self, directory: Path, static_root: Path, **env: str) -> None:
        self.app_port = free_port()
        # The embedded Celery and in-memory caches: this stack's counts and pages are its own. No replica: CI's
        # names the CI database, not this test's, so the app would read pages of rows it cannot see.
        own = {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_REPLICA_URL"}
        inherited = {k: v for k, v in os.environ.items() if k not in own}
        self.env = {
            **inherited,
            **PRODUCTION_ENV,
            "DATABASE_URL": test_database_url(),
            "STATIC_ROOT": str(static_root),
            "VAR_DIR": str(directory / "var"),
            **env,
        }
        self.log = directory / "gunicorn.log"
        self.app: subprocess.Popen[bytes] | None = None
        upstream = f"127.0.0.1:{self.app_port}"
        self.nginx = LocalNginx(directory / "nginx", upstreams=[upstream], static_root=static_root)

    def start_app(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.app_port}"]
        command += ["--workers", "1", "--threads", "4", "--no-control-socket", "--error-logfile", str(self.log)]
        self.app = subprocess.Popen(command, cwd=ROOT, env=self.env)
        wait_for_port(self.app_port, seconds=60)

    def stop_app(self) -> None:
        if self.app is not None:
            self.app.terminate()
            self.app.wait(timeout=30)
            self.app = None

    @property
    def url(self) -> str:
        return self.nginx.url

    def __enter__(self) -> "Stack":
        self.start_app()
        self.nginx.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.nginx.stop()
        self.stop_app()


@pytest.fixture(scope="module")
def stack(django_db_setup, static_root, tmp_path_factory):
    # The app's micro-cache lifetime, long enough here that a slow machine never sees a page expire between two
    # requests of one test (the stale test below runs with the default second).
    with Stack(tmp_path_factory.mktemp("nginx-stack"), static_root, PAGE_CACHE_S_MAXAGE="60") as running:
        yield running


@pytest.fixture
def version():
    """Under an organization of its own: the stack's in-memory page cache outlives each test's rows."""
    return consultation(OrganizationFactory(slug=f"org-{uuid.uuid4().hex[:12]}", name="Acme AI"))


def test_an_anonymous_page_is_served_from_the_micro_cache_the_second_time(stack, version):
    first = fetch(stack.url, version.get_absolute_url())
    second = fetch(stack.url, version.get_absolute_url())
    assert first.status == second.status == 200
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.text == first.text
    assert version.guideline.title in second.text


def test_a_post_is_never_answered_from_the_cache_and_django_still_checks_its_csrf_token(stack, version):
    url = version.get_absolute_url()
    fetch(stack.url, url)
    assert fetch(stack.url, url).cache == "HIT"
    refused = fetch(stack.url, url, method="POST", form={"body": "Served from a cache?"})
    assert refused.status == 403
    assert "CSRF" in refused.text
    assert refused.cache != "HIT"
    # With its token, a POST reaches the app and gets its answer: here, the sign-in form's refusal of a bad password.
    form_page = fetch(stack.url, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.text).group(1)
    bad_password = {"csrfmiddlewaretoken": token, "login": "nobody@example.org", "password": "not-it-at-all"}
    answer = fetch(stack.url, "/accounts/login/", method="POST", form=bad_password,
                   headers={"Cookie": cookie(form_page, "csrftoken")})  # fmt: skip
    assert answer.status == 200
    assert "not correct" in answer.text
    assert answer.cache is None or answer.cache == "BYPASS"


def sign_in(stack: Stack, email: str) -> str:
    """Through nginx, as a person would: the form, its CSRF cookie and token, then the session cookie it gives."""
    form_page = fetch(stack.url, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.text).group(1)
    csrf = cookie(form_page, "csrftoken")
    answer = fetch(
        stack.url,
        "/accounts/login/",
        method="POST",
        form={"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD},
        headers={"Cookie": csrf},
    )
    assert answer.status == 302, answer.text[:500]
    return f"{csrf}; {cookie(answer, 'sessionid')}"


def test_a_signed_in_reader_is_never_served_nor_stored_in_the_micro_cache(stack, version):
    person = UserFactory(display_name="Ada Lovelace-Nginx")
    # Hashed as the app in production mode checks it (the tests' own hasher is a fast one it does not know).
    User.objects.filter(pk=person.pk).update(password=PBKDF2PasswordHasher().encode(PASSWORD, "nginxtestsalt"))
    url = version.get_absolute_url()
    assert fetch(stack.url, url).cache == "MISS"
    cookies = sign_in(stack, person.email)
    theirs = fetch(stack.url, url, headers={"Cookie": cookies})
    assert theirs.status == 200
    assert "Ada Lovelace-Nginx" in theirs.text
    assert theirs.cache == "BYPASS"
    assert "private" in theirs.headers["Cache-Control"]
    after = fetch(stack.url, url)
    assert after.cache == "HIT"
    assert "Ada Lovelace-Nginx" not in after.text
    assert "Signed in as" not in after.text


@pytest.mark.parametrize(
    "personal",
    [
        {"Authorization": "Token not-a-real-one"},
        {"Cookie": "csrftoken=abcdefghijklmnopqrstuvwxyz012345"},
        {"Cookie": "theme=dark; messages=a-pending-message"},
        {"HX-Request": "true"},
    ],
    ids=["api-credentials", "csrf-cookie", "messages-cookie", "htmx"],
)
def test_requests_of_ones_own_skip_the_micro_cache(stack, version, personal):
    url = version.get_absolute_url()
    fetch(stack.url, url)
    assert fetch(stack.url, url).cache == "HIT"
    assert fetch(stack.url, url, headers=personal).cache == "BYPASS"


def test_static_files_are_served_by_nginx_with_a_years_cache(stack, static_root, version):
    page = fetch(stack.url, version.get_absolute_url())
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    css = fetch(stack.url, stylesheet)
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css"
    assert "max-age=31536000" in css.headers.get_all("Cache-Control")
    assert "public, immutable" in css.headers.get_all("Cache-Control")
    # A file the app has never seen (WhiteNoise reads STATIC_ROOT once, at start): only nginx can serve it.
    name = f"nginx-{uuid.uuid4().hex}.txt"
    (static_root / name).write_text("served by nginx\n")
    assert fetch(stack.url, f"/static/{name}").text == "served by nginx\n"


def test_the_app_counts_the_readers_address_not_nginxs_nor_a_forged_one(stack):
    path = "/api/v1/record/checkpoints/"
    statuses = [fetch(stack.url, path, source=READER).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert fetch(stack.url, path, source=READER).status == 429
    # What a client writes into X-Forwarded-For is not believed: it is still counted as itself.
    assert fetch(stack.url, path, source=READER, headers={"X-Forwarded-For": "198.51.100.7"}).status == 429
    # Another address has its own count, though both reach the app from nginx's address.
    assert fetch(stack.url, path, source=OTHER_READER).status == 200


def test_when_no_app_answers_a_cached_page_is_served_stale(django_db_setup, static_root, tmp_path, version):
    with Stack(tmp_path, static_root) as stack:  # the app's own lifetime for its pages: one second
        url = version.get_absolute_url()
        first = fetch(stack.url, url)
        assert first.cache == "MISS"
        stack.stop_app()
        time.sleep(1.5)  # past the page's second in the micro-cache
        stale = fetch(stack.url, url)
        assert stale.status == 200
        assert stale.cache in {"STALE", "UPDATING"}
        assert stale.text == first.text
        # A page nginx never kept has nothing to fall back on.
        assert fetch(stack.url, "/guidelines/").status == 502
