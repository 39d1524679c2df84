import os
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app
from tests import after_commit_errors, fast_flush
from tests.factories import MembershipFactory, OrganizationFactory, ReviewerProfileFactory, UserFactory
from tests.real_services import GROUPS, skipped_group


def _mirror_replica() -> None:
    """Every run has a read-replica alias: a second connection to the test database (a TEST MIRROR), so replica
    routing is tested on every machine, not only where DATABASE_REPLICA_URL names one."""
    if "replica" not in settings.DATABASES:
        default = settings.DATABASES["default"]
        settings.DATABASES["replica"] = {**default, "TEST": {**default.get("TEST", {}), "MIRROR": "default"}}


def _own_redis_databases() -> None:
    """Under pytest-xdist each worker has its own test database (pytest-django's suffix) and its own Redis
    databases, so one worker's cache.clear() or Celery worker never touches another's. Set before anything
    connects, and in the environment for the worker processes the tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    shift = 2 * (int(worker[2:]) + 1)  # the broker's and the cache's databases side by side, past CI's 0 and 1

    def shifted(url: str) -> str:
        return re.sub(r"/(\d+)$", lambda m: f"/{int(m.group(1)) + shift}", url) if url else url

    if settings.CELERY_BROKER_URL:
        settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = shifted(settings.CELERY_BROKER_URL)
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    if settings.REDIS_URL:
        settings.REDIS_URL = os.environ["REDIS_URL"] = shifted(settings.REDIS_URL)
        for config in settings.CACHES.values():
            config["LOCATION"] = settings.REDIS_URL


_mirror_replica()
_own_redis_databases()
fast_flush.install()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{after_commit_errors.MARKER}: the test makes an after-commit hook or an eager task fail on purpose "
        "(see no_error_after_commit)",
    )


def pytest_terminal_summary(terminalreporter):
    """One line naming the groups of tests this run skipped for want of a service, and what brings each in."""
    reasons = [str(report.longrepr) for report in terminalreporter.stats.get("skipped", [])]
    counts = Counter(group for group in map(skipped_group, reasons) if group)
    if counts:
        skipped = ", ".join(f"{group} ({count}: {GROUPS[group]})" for group, count in counts.items())
        terminalreporter.write_line(f"Skipped for want of a service: {skipped}. `make test-all` runs them.")


@pytest.fixture(autouse=True)
def fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate limits and cached pages live in the cache; each test starts with a clean slate.
    cache.clear()
    # A replica is another connection, which cannot see the rows of a test's uncommitted transaction;
    # tests/test_replica.py turns reading from it on, with committed rows.
    settings.PAGE_READS_FROM_REPLICA = False
    # A test's own threads are not a flood: admission control stays out of the way (tests/test_admission.py turns
    # it on).
    settings.ADMISSION_HOST_SLOTS = 0
    settings.ADMISSION_GLOBAL_RATE = 0


@pytest.fixture(autouse=True)
def no_error_after_commit(request):
    """Fail a test during which an on_commit hook or an eager task raised (tests/after_commit_errors.py), unless it
    is marked errors_after_commit_expected because it provokes that on purpose."""
    if request.node.get_closest_marker(after_commit_errors.MARKER):
        yield
        return
    with after_commit_errors.failing_on_errors_after_commit():
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the flush between transactional tests (tests/fast_flush.py) empty the record, which PostgreSQL otherwise
    refuses, and commit without waiting for the disk."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET ledger.allow_truncate = 'on'")
        cursor.execute("SET ledger.allow_truncate = 'on'")
        # A test database needs no durability: commits (transactional tests, real workers) return at once.
        cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        cursor.execute("SET synchronous_commit = off")
        fast_flush.remember_migrate_made_rows()


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo, run once per test process and rolled back (tests/demo_data.py)."""
    from tests.demo_data import seed_snapshot

    with django_db_blocker.unblock():
        return seed_snapshot(tmp_path_factory.mktemp("demo-private"))


@pytest.fixture
def demo(db, demo_snapshot, settings, tmp_path):
    """The site as seed_demo leaves it, in this test's transaction: its rows and its private files."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    demo_snapshot.load(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def organization(db):
    return OrganizationFactory(slug="acme", name="Acme AI")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(slug="globex", name="Globex")


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Ada Citizen")


@pytest.fixture
def unverified(db):
    return UserFactory(display_name="Una Verified", verified=False)


@pytest.fixture
def publisher(organization):
    return MembershipFactory(organization=organization, user__display_name="Pat Publisher").user


@pytest.fixture
def moderator(db):
    return UserFactory(display_name="Mo Moderator", is_moderator=True)


@pytest.fixture
def reviewer(db):
    return ReviewerProfileFactory(user__display_name="Rae Reviewer", handle="rae").user


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process, on the Redis broker, using this test's PostgreSQL database."""
    from tests.workers import running_workers

    with running_workers(count=1) as workers:
        yield workers
