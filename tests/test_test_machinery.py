"""The suite's own machinery (tests/conftest.py): it must fail what it is there to catch and leave what it found."""

import pytest
from django.contrib.sites.models import Site
from django.db import connection, transaction

from accounts.models import Organization
from config.celery import app as celery_app
from consultation.services.comments import post_comment
from ledger.models import Entry
from tests import fast_flush
from tests.after_commit_errors import failing_on_errors_after_commit
from tests.consultation.factories import consultation
from tests.factories import OrganizationFactory, UserFactory


def crash():
    raise RuntimeError("the hook went wrong")


@celery_app.task
def crashing_task():
    raise RuntimeError("the task went wrong")


@pytest.mark.errors_after_commit_expected  # caught here, so that the autouse check does not catch it too
def test_a_failing_on_commit_hook_fails_the_test(db, django_capture_on_commit_callbacks):
    failed = pytest.raises(pytest.fail.Exception, match="the hook went wrong")
    with failed, failing_on_errors_after_commit(), django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(crash, robust=True)


@pytest.mark.errors_after_commit_expected
def test_an_eager_task_failing_after_the_commit_fails_the_test(db, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # only logged, as the outbox's tasks are
    failed = pytest.raises(pytest.fail.Exception, match="the task went wrong")
    with failed, failing_on_errors_after_commit(), django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(crashing_task.delay, robust=True)


def test_hooks_that_succeed_pass(db, django_capture_on_commit_callbacks):
    with failing_on_errors_after_commit(), django_capture_on_commit_callbacks(execute=True) as hooks:
        transaction.on_commit(lambda: None, robust=True)
    assert len(hooks) == 1


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_empties_every_table_but_what_migrate_made():
    before = fast_flush._migrate_made_rows("default")
    version = consultation(OrganizationFactory())
    post_comment(version=version, clause=version.clauses.first(), body="Too broad.", by=UserFactory())
    assert Organization.objects.exists() and Entry.objects.exists()
    fast_flush.empty("default")
    tables, _ = fast_flush._tables("default")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT count(*) FROM {connection.ops.quote_name(t)}" for t in tables))
        assert {count for (count,) in cursor.fetchall()} == {0}
    assert fast_flush._migrate_made_rows("default") == before
    assert not Organization.objects.exists() and not Entry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_test_that_changed_what_migrate_made_gets_djangos_own_flush():
    site = Site.objects.get_current()
    Site.objects.filter(pk=site.pk).update(domain="changed.example")
    fast_flush.empty("default")
    Site.objects.clear_cache()
    assert Site.objects.get_current().domain == site.domain
