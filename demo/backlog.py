"""The background work a bulk load leaves, stated and worked off in the batches the workers use (core/backlog.py).

`seed_scale` writes comments and entries in bulk, as an import would: none clustered, none folded into the
statistics. On a live site the workers work such a backlog off batch by batch; a benchmark that measured before
they had would measure the backlog, not the site. So seed_scale and `manage.py backlog --wait` (bench/run.sh,
before measuring) say what is waiting and wait until it is done: with a broker by queueing each kind's task once and
watching the workers' batches, without one by running the same batches here.
"""

import time
from collections.abc import Callable

from celery import current_app
from django.db import transaction

from consultation.models import Comment
from core import scheduler
from core.queue import enqueue
from ledger.models import Entry, PendingReceipt
from transparency.models import FoldMark

# Each kind: what is waiting, and the task whose batches work it off.
TASKS = {
    "comments to cluster": "consultation.tasks.sweep_unclustered",
    "record entries to fold into the statistics": "transparency.tasks.fold_record",
    "receipts to mail": "ledger.tasks.send_receipts",
}


def waiting() -> dict[str, int]:
    mark = FoldMark.objects.first()
    folded = mark.seq if mark else 0
    return {
        "comments to cluster": Comment.objects.filter(cluster__isnull=True).count(),
        "record entries to fold into the statistics": Entry.objects.filter(seq__gt=folded).count(),
        "receipts to mail": PendingReceipt.objects.count(),
    }


def describe(counts: dict[str, int]) -> str:
    return "; ".join(f"{count:,} {name}" for name, count in counts.items()) if any(counts.values()) else "nothing"


def work_off(*, say: Callable[[str], None], here: bool = False, every_seconds: float = 10.0) -> dict[str, int]:
    """Queue each waiting kind's task once and wait until its batches have done it all; what is left (receipts a
    checkpoint does not cover yet stay, as on a live site). `here` runs the batches in this process even when a
    broker is set (a loader that should not wait for workers that may not be running)."""
    counts = waiting()
    say(f"Background work waiting: {describe(counts)}.")
    kinds = [name for name in ("comments to cluster", "record entries to fold into the statistics") if counts[name]]
    if not kinds:
        return counts
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = eager or here
    try:
        return _work_off(kinds, say, every_seconds)
    finally:
        current_app.conf.task_always_eager = eager


def _work_off(kinds: list[str], say: Callable[[str], None], every_seconds: float) -> dict[str, int]:
    eager = current_app.conf.task_always_eager
    say(f"Working it off in batches {'in this process' if eager else 'through the workers (broker)'}.")
    started = last_said = time.monotonic()
    for name in kinds:
        if eager:  # straight to the batches' runner: a caller's transaction would hold an enqueued task till commit
            scheduler.run_soon(TASKS[name])
        else:
            with transaction.atomic():
                enqueue(TASKS[name])
    beat = scheduler.InProcessBeat({})
    while any(waiting()[name] for name in kinds):
        if eager and not beat.run_next_batches():
            break  # nothing more the batches can do (a comment on a version being deleted): say what is left
        if not eager:
            time.sleep(1)
        if time.monotonic() - last_said >= every_seconds:
            last_said = time.monotonic()
            say(f"  after {last_said - started:.0f} s: {describe(waiting())}")
    counts = waiting()
    say(f"Worked off in {time.monotonic() - started:.0f} s; waiting now: {describe(counts)}.")
    return counts
