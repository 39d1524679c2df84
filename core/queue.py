"""Queueing Celery tasks from services, by name, so that services never import tasks (and tasks import services)."""

from functools import cache

from celery import current_app
from django.db import transaction


@cache
def _tasks_registered() -> None:
    # A web process may never have imported the apps' tasks modules; the worker imports them at start.
    current_app.loader.import_default_modules()


def enqueue(task_name: str, *args) -> None:
    """Run `task_name(*args)` once the current transaction commits, so a task never looks for rows not yet stored."""
    _tasks_registered()
    transaction.on_commit(lambda: current_app.tasks[task_name].delay(*args))
