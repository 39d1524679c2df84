"""The embedded default's periodic jobs (core/scheduler.py): without a broker, the serving process runs the beat
schedule itself, so offers lapse, overdue appeals are flagged and /data/ has its files with no `celery beat`."""

import logging
import signal
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import runserver
from django.urls import reverse
from django.utils import autoreload, timezone

from appeals import services
from appeals.models import Appeal, Assignment
from core import scheduler
from opendata.files import latest_export
from tests.appeals.factories import AISystemFactory, admitted, decided, file, make_reviewer, published_guideline


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "open_data": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def no_thread_left():
    yield
    for thread in threading.enumerate():
        if isinstance(thread, scheduler.BeatThread):
            thread.stop()


def beat_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == scheduler.THREAD_NAME and thread.is_alive()]


@pytest.mark.django_db
def test_every_beat_task_runs_once_at_start(caplog):
    beat = scheduler.InProcessBeat(settings.CELERY_BEAT_SCHEDULE)
    with caplog.at_level(logging.ERROR):
        assert beat.run_due() == list(settings.CELERY_BEAT_SCHEDULE)
    assert [record.getMessage() for record in caplog.records] == []
    assert {job.task for job in beat.jobs} == {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.django_db
def test_a_job_runs_again_only_when_its_time_has_come():
    beat = scheduler.InProcessBeat({"relay": {"task": "core.tasks.relay_outbox", "schedule": 300}})
    assert beat.run_due() == ["relay"]
    assert beat.run_due() == []
    assert 0 < beat.seconds_until_next() <= scheduler.LONGEST_NAP_SECONDS
    beat.jobs[0].last_run_at = beat.app.now() - timedelta(seconds=301)
    assert beat.run_due() == ["relay"]


def test_loading_the_wsgi_application_as_gunicorn_does_starts_no_thread():
    """Only runserver starts it; neither the tests nor a WSGI process (gunicorn loads config.wsgi) ever do."""
    import config.wsgi

    assert config.wsgi.application is not None
    assert beat_threads() == []


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_others_still_run(caplog, monkeypatch):
    from ledger import tasks

    def broken():
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(tasks.verify_record, "run", broken)
    with caplog.at_level(logging.ERROR):
        ran = scheduler.InProcessBeat(settings.CELERY_BEAT_SCHEDULE).run_due()
    assert ran == list(settings.CELERY_BEAT_SCHEDULE)
    assert "verify-public-record" in caplog.text and "the disk is full" in caplog.text


def test_a_stale_demo_is_fresh_after_the_first_run(client, citizen, organization, moderator):
    system, guideline = AISystemFactory(organization=organization), published_guideline(organization)
    decided(citizen, system, guideline, moderator)
    offered = admitted(citizen, system, guideline, moderator)
    make_reviewer("kit")
    services.route_appeal(appeal=offered)
    lapsed = offered.assignments.get()
    Assignment.objects.filter(pk=lapsed.pk).update(offer_expires_at=timezone.now() - timedelta(hours=1))
    late = file(citizen, system, guideline)
    Appeal.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=3))
    assert "No files have been written yet" in client.get(reverse("open-data")).content.decode()

    scheduler.InProcessBeat(settings.CELERY_BEAT_SCHEDULE).run_due()

    lapsed.refresh_from_db()
    assert lapsed.status == Assignment.EXPIRED
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None
    assert latest_export() is not None
    assert "decisions.jsonl.gz" in client.get(reverse("open-data")).content.decode()


def test_the_thread_runs_the_schedule_once_per_process(monkeypatch, no_thread_left):
    passes = threading.Semaphore(0)
    monkeypatch.setattr(scheduler.InProcessBeat, "run_due", lambda beat: passes.release())
    first = scheduler.start_in_process_beat()
    assert scheduler.start_in_process_beat() is first
    assert passes.acquire(timeout=10)
    assert beat_threads() == [first]
    first.stop()
    assert beat_threads() == []


def test_no_thread_when_a_broker_is_set(settings, no_thread_left):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6399/0"
    assert scheduler.start_in_process_beat() is None
    assert beat_threads() == []


@pytest.fixture
def starts(monkeypatch) -> list[str]:
    """Runserver with the server itself left out: the calls it made to start the periodic jobs."""
    started: list[str] = []
    monkeypatch.setattr(scheduler, "start_in_process_beat", lambda: started.append("started"))
    monkeypatch.setattr(runserver, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # the reloader's SIGTERM handler, not for pytest
    return started


@pytest.mark.django_db
def test_runserver_without_the_reloader_starts_the_jobs(starts):
    call_command("runserver", "127.0.0.1:8999", use_reloader=False, skip_checks=True)
    assert starts == ["started"]


@pytest.mark.django_db
def test_under_the_autoreloader_only_the_serving_child_starts_the_jobs(starts, monkeypatch):
    monkeypatch.delenv(autoreload.DJANGO_AUTORELOAD_ENV, raising=False)
    monkeypatch.setattr(autoreload, "restart_with_reloader", lambda: 0)
    with pytest.raises(SystemExit):
        call_command("runserver", "127.0.0.1:8999", skip_checks=True)
    assert starts == []  # the watching parent

    monkeypatch.setenv(autoreload.DJANGO_AUTORELOAD_ENV, "true")
    monkeypatch.setattr(autoreload, "start_django", lambda reloader, main, *args, **kwargs: main(*args, **kwargs))
    call_command("runserver", "127.0.0.1:8999", skip_checks=True)
    assert starts == ["started"]  # the child it started, which serves
