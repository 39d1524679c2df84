"""The outbox behind core.queue.enqueue: a task exists exactly when the change that needs it was committed, and
waits out a broker that does not answer (core/outbox.py). Worker crashes are in tests/test_faults.py."""

import socket
from datetime import timedelta

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from core import outbox
from core.models import OutboxTask
from core.queue import enqueue
from tests.real_services import require_broker
from tests.workers import broker_unreachable

pytestmark = pytest.mark.django_db

RUNS = []


@shared_task(name="tests.test_outbox.remember")
def remember(value: str) -> None:
    RUNS.append(value)


@shared_task(name="tests.test_outbox.fail")
def fail() -> None:
    raise RuntimeError("the task went wrong")


@pytest.fixture(autouse=True)
def runs():
    RUNS.clear()


@pytest.fixture
def broker_away(settings):
    """Tasks go to a broker, as in production, and that broker does not answer."""
    celery_app.conf.task_always_eager = False  # the eager_celery fixture sets it back
    with broker_unreachable():
        yield


@pytest.fixture
def broker(settings):
    require_broker()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.fixture
def silent_broker():
    """A port that accepts connections and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def waiting(task="tests.test_outbox.remember", **fields) -> OutboxTask:
    return OutboxTask.objects.create(task=task, args=["filed"], next_attempt_at=timezone.now(), **fields)


def test_the_task_is_stored_in_the_transaction_of_the_change_that_needs_it(broker_away):
    with transaction.atomic():
        enqueue("tests.test_outbox.remember", "filed")
        assert OutboxTask.objects.filter(task="tests.test_outbox.remember", args=["filed"]).exists()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue("tests.test_outbox.remember", "rolled back")
        1 / 0  # noqa: B018 (the change fails after queueing its task)
    assert list(OutboxTask.objects.values_list("args", flat=True)) == [["filed"]]


def test_without_a_broker_the_task_runs_in_process_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue("tests.test_outbox.remember", "filed")
        assert RUNS == []
    assert RUNS == ["filed"]
    assert not OutboxTask.objects.exists()


def test_an_unknown_task_fails_the_change_that_asked_for_it():
    with pytest.raises(KeyError), transaction.atomic():
        enqueue("appeals.tasks.no_such_task", 1)
    assert not OutboxTask.objects.exists()


def test_a_broker_that_does_not_answer_is_logged_and_the_task_waits(
    broker_away, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.test_outbox.remember", "filed")  # no exception reaches the caller
    row = OutboxTask.objects.get()
    assert (row.state, row.attempts, RUNS) == (OutboxTask.PENDING, 1, [])
    assert "Connection refused" in row.last_error
    assert "Outbox: could not hand over tests.test_outbox.remember('filed',)" in caplog.text


def test_a_broker_that_never_answers_holds_a_request_for_a_second_not_for_ever(
    silent_broker, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_BROKER_TIMEOUT_SECONDS = 1
    celery_app.conf.task_always_eager = False
    with broker_unreachable(silent_broker), django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.test_outbox.remember", "filed")  # returns: the hand-over gave up at its timeout
    row = OutboxTask.objects.get()
    assert (row.state, row.attempts) == (OutboxTask.PENDING, 1)
    assert "Timeout" in row.last_error


def test_the_relay_backs_off_while_the_broker_is_away(broker_away, settings):
    settings.OUTBOX_RETRY_MAX_SECONDS = 300
    row = waiting(attempts=9)
    assert outbox.relay() == 0
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxTask.PENDING, 10)
    assert timedelta(seconds=299) < row.next_attempt_at - timezone.now() <= timedelta(seconds=300)  # not 2**9
    assert outbox.relay() == 0  # not due again yet


def test_the_relay_hands_over_what_waited_once_the_broker_answers(broker, settings):
    settings.OUTBOX_REDELIVER_AFTER_SECONDS = 600
    row = waiting(attempts=3)
    before = timezone.now()
    assert outbox.relay() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxTask.SENT, 4, "")
    assert before + timedelta(seconds=600) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=600)
    assert outbox.relay() == 0


def test_a_task_handed_over_but_never_finished_is_handed_over_again(broker, caplog):
    row = waiting(state=OutboxTask.SENT, attempts=1)  # its redelivery time has come: the worker died with it
    assert outbox.relay() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxTask.SENT, 2)
    assert "was handed over 1 times and never finished; again" in caplog.text


@pytest.mark.errors_after_commit_expected  # the failing task logs its error, as on a worker
def test_the_row_goes_when_its_task_succeeds_and_stays_failed_when_it_raises(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # a worker logs a task's error
    done, failed = waiting(), waiting(task="tests.test_outbox.fail")
    remember.apply_async(["filed"], task_id=f"outbox-{done.pk}")  # as a worker runs them, signals and all
    fail.apply_async([], task_id=f"outbox-{failed.pk}")
    assert list(OutboxTask.objects.values_list("pk", "state")) == [(failed.pk, OutboxTask.FAILED)]
    assert "the task went wrong" in OutboxTask.objects.get().last_error


def test_a_task_that_no_longer_exists_is_set_aside_for_a_person(broker_away, caplog):
    row = waiting(task="appeals.tasks.renamed_since")
    outbox.relay()
    row.refresh_from_db()
    assert (row.state, row.last_error) == (OutboxTask.FAILED, "No such task.")
    assert "names no task this code knows" in caplog.text


def test_an_operator_sends_a_failed_task_again_from_the_admin(admin_client):
    row = waiting(state=OutboxTask.FAILED, attempts=3)
    data = {"action": "hand_over_again", "_selected_action": [row.pk]}
    assert admin_client.post("/admin/core/outboxtask/", data).status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxTask.PENDING, 3)
    assert row.next_attempt_at <= timezone.now()
