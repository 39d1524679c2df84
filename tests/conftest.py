import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests.factories import MembershipFactory, OrganizationFactory, ReviewerProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate limits and cached pages live in the cache; each test starts with a clean slate.
    cache.clear()
    # A replica is another connection, which cannot see the rows of a test's uncommitted transaction;
    # tests/test_replica.py turns reading from it on, with committed rows.
    settings.PAGE_READS_FROM_REPLICA = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let Django's flush between transactional tests empty the record, which PostgreSQL otherwise refuses."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                cursor.execute(f"ALTER DATABASE {name} SET ledger.allow_truncate = 'on'")
                cursor.execute("SET ledger.allow_truncate = 'on'")


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


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
