"""Queueing Celery tasks from services, by name, so that services never import tasks (and tasks import services)."""

from functools import cache

from celery import current_app

from core import outbox


@cache
def _tasks_registered() -> None:
    # A web process may never have imported the apps' tasks modules; the worker imports them at start.
    current_app.loader.import_default_modules()


def enqueue(task_name: str, *args: object) -> None:
    """Run `task_name(*args)` once the current transaction commits, at least once, even if the broker is away.

    The task is stored in the caller's transaction (see core/outbox.py), so it is queued if and only if the change
    that needs it is committed; args must be JSON values (ids, short strings).
    """
    _tasks_registered()
    outbox.add(task_name, list(args))
