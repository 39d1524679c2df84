"""Queueing Celery tasks from services, by name, so that services never import tasks (and tasks import services)."""

from core import outbox


def enqueue(task_name: str, *args: object) -> None:
    """Run `task_name(*args)` once the current transaction commits, at least once, even if the broker is away.

    The task is stored in the caller's transaction (see core/outbox.py), so it is queued if and only if the change
    that needs it is committed; args must be JSON values (ids, short strings).
    """
    outbox.add(task_name, list(args))
