"""Every task the code queues by name is known from the moment the process starts (core/apps.py), so no request
depends on Celery's lazy discovery, which raced between runserver's threads (NotRegistered after the commit)."""

import json
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SOURCE_DIRS = ["accounts", "appeals", "audits", "consultation", "core", "digests", "ledger", "opendata", "transparency"]
QUEUED = re.compile(r"""enqueue\(\s*["']([\w.]+)["']""")
STARTED_PROCESS = (
    "import django, json; django.setup(); from celery import current_app; print(json.dumps(sorted(current_app.tasks)))"
)


def queued_by_the_code() -> set[str]:
    files = [path for folder in SOURCE_DIRS for path in (Path(settings.BASE_DIR) / folder).rglob("*.py")]
    return {name for path in files for name in QUEUED.findall(path.read_text())}


def registered_in_a_fresh_process() -> set[str]:
    """Asked of a new process that has only started Django, as a web process has before its first request."""
    result = subprocess.run(
        [sys.executable, "-c", STARTED_PROCESS], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_every_task_queued_or_scheduled_is_registered_at_startup():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    queued = queued_by_the_code()
    assert "transparency.tasks.fold_record" in queued  # the finding: queued after commit by transparency/signals.py
    assert queued | scheduled <= registered_in_a_fresh_process()
