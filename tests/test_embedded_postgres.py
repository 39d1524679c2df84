"""The embedded default: with no DATABASE_URL, a command starts PostgreSQL from the wheel, and stops it after.

Run in a subprocess with a var/ of its own, as a newcomer's `make run` would, whatever database this run uses.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(DEBUG="1", VAR_DIR=str(var_dir))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def server_is_running(var_dir: Path) -> bool:
    pid_file = var_dir / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    return Path(f"/proc/{pid}").exists()


def test_a_command_without_database_url_runs_on_the_embedded_postgresql_and_stops_it(tmp_path):
    shown = manage(tmp_path, "shell", "-c", "from django.db import connection; print(connection.pg_version)")
    assert shown.returncode == 0, shown.stderr
    assert int(shown.stdout.split()[-1]) >= 180000
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
    assert not server_is_running(tmp_path)


def test_a_second_command_reuses_the_data(tmp_path):
    migrated = manage(tmp_path, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    planned = manage(tmp_path, "migrate", "--plan")
    assert planned.returncode == 0, planned.stderr
    assert "No planned migration operations." in planned.stdout
