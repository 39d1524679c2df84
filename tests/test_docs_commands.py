"""Every command in README.md and docs/ is run: here, or by the test or CI step named beside it.

A shell block (```sh, ```bash, ```console) must be marked ```sh checked```, and each of its commands must be
in RUN_HERE (this file runs it, in a subprocess from the repository root with the venv's Python, DEBUG=1 and
this test's database) or in ELSEWHERE (with the file that runs it, which must still contain it), or be
`make run` (run below). A new command in the docs fails the suite until someone says how it is checked.
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from config.celery import app as celery_app
from tests.real_services import require_broker
from tests.workers import test_database_url

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^[ \t]*```(\w*)([^\n]*)\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
SHELLS = {"sh", "bash", "console", "shell"}

# Run by this file: "once" runs to the end with no database, "db" against this test's database, in the order the
# docs give them; "http" and "log" are servers, started until they answer or log that they are ready, then stopped.
RUN_HERE = {
    "python manage.py migrate --noinput": "db",
    "python manage.py collectstatic --noinput": "once",
    'python manage.py create_organization acme --name "Acme AI" --website https://acme.example': "db",
    "python manage.py create_account pat@acme.example --password 'change-me-9f8e7d' --role publisher "
    '--organization acme --name "Pat"': "db",
    "python manage.py create_account mo@whodecides.example --password 'change-me-9f8e7d' --role moderator": "db",
    "python manage.py record_key": "once",
    "python manage.py publish_checkpoint": "db",
    "python manage.py verify_record": "db",
    "python tools/witness.py --generate witness.example.org/w1 --signing-key var/witness.key": "once",
    "gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 3 --no-control-socket": "http",
    "celery -A config worker --loglevel INFO": "log:ready.",
    "celery -A config beat --loglevel INFO --schedule var/celerybeat-schedule": "log:beat: Starting",
}
MAKE_RUN = "make run"  # test_make_run_migrates_seeds_and_serves_the_demo, below

# Run by CI or by another test: the command, the file that runs it, and a line of that file that does.
ELSEWHERE = {
    # tests/test_cluster.py brings the whole cluster up, reads its status and takes it down.
    "deploy/cluster/up": ("tests/test_cluster.py", 'cluster("deploy/cluster/up")'),
    "deploy/cluster/status": ("tests/test_cluster.py", 'cluster("deploy/cluster/status")'),
    "deploy/cluster/down": ("tests/test_cluster.py", 'cluster("deploy/cluster/down")'),
    # .ci/run runs `make test` with every service, REQUIRE_SERVICES=1 (which includes this file).
    "make test": (".ci/run", "make test"),
    # tests/test_deploy.py runs it under production settings and requires "no issues".
    "python manage.py check --deploy": ("tests/test_deploy.py", '"check", "--deploy"'),
    # tests/test_nginx_conf.py runs nginx -t on deploy/nginx.conf, with its paths moved into a temporary directory.
    "nginx -t -c /etc/nginx/nginx.conf": ("tests/test_nginx_conf.py", '[nginx, "-t", "-c"'),
    # tests/ledger/test_outside_checks.py runs both tools as programs against a live server, with real keys.
    "python tools/witness.py https://whodecides.example.org --key '<site verifier key>' "
    "--signing-key var/witness.key --state var/witness.json": (
        "tests/ledger/test_outside_checks.py",
        '"witness.py", *args, "--state"',
    ),
    "python tools/verify_record.py https://whodecides.example.org --key '<site verifier key>' "
    "--state var/record.json --witness '<witness verifier key>'": (
        "tests/ledger/test_outside_checks.py",
        '"--witness", vkey',
    ),
    # tests/ledger/test_witness_protocol.py serves a witness in a subprocess and pushes it the site's checkpoints.
    "python tools/witness.py serve --listen 127.0.0.1:8400 --signing-key var/witness.key --state var/witness-state "
    "--log 'whodecides.example.org/record=<site verifier key>' "
    "--bootstrap 'whodecides.example.org/record=<size>:<root hash>'": (
        "tests/ledger/test_witness_protocol.py",
        'self.args = ["serve", "--signing-key"',
    ),
}


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def shell_blocks() -> list[tuple[str, list[str], str]]:
    found = []
    for path in doc_files():
        for language, info, body in FENCE.findall(path.read_text()):
            if language in SHELLS:
                found.append((str(path.relative_to(ROOT)), info.split(), body))
    return found


def documented_commands() -> list[str]:
    lines = [line for _, _, body in shell_blocks() for line in body.replace("\\\n", " ").splitlines()]
    return [" ".join(line.split()) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_every_shell_block_is_marked_checked():
    unchecked = [(path, body) for path, info, body in shell_blocks() if "checked" not in info]
    assert not unchecked, "shell blocks not marked ```sh checked```: " + repr(unchecked)


def test_every_checked_command_is_run_here_or_where_it_says():
    known = {*RUN_HERE, *ELSEWHERE, MAKE_RUN}
    documented = documented_commands()
    assert not [c for c in documented if c not in known], "add these to RUN_HERE or ELSEWHERE"
    assert not [c for c in known if c not in documented], "these are no longer in the docs; remove them here"
    for runner, line in ELSEWHERE.values():
        assert line in (ROOT / runner).read_text(), f"{runner} no longer runs {line}"


def test_the_readme_reads_in_five_minutes():
    assert len((ROOT / "README.md").read_bytes()) <= 10_240


def test_the_settings_reference_names_every_variable_the_settings_read():
    read = set(re.findall(r'\benv(?:_bool|_int|_list)?\(\s*"([A-Z0-9_]+)"', (ROOT / "config/settings.py").read_text()))
    reference = (ROOT / "docs/reference/settings.md").read_text()
    assert read and not [name for name in sorted(read) if f"`{name}`" not in reference]


def test_links_between_docs_point_at_files_that_exist():
    broken = []
    for path in doc_files():
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", path.read_text()):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert not broken


def environment(tmp_path: Path) -> dict[str, str]:
    # No replica of its own: the run's DATABASE_REPLICA_URL (CI's) names the database the tests do not use.
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL", "DATABASE_REPLICA_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    static = tmp_path / "static"
    return {
        **env,
        "DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(static),
    }


def argv(command: str, tmp_path: Path, port: int = 0) -> list[str]:
    """The command as the docs give it, with the venv's Python, var/ in the temporary directory, a free port."""
    words = [word.replace("var/", f"{tmp_path}/") for word in shlex.split(command)]
    words = [word.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for word in words]
    program = {"python": [sys.executable], "gunicorn": [sys.executable, "-m", "gunicorn"]}
    return program.get(words[0], [sys.executable, "-m", words[0]]) + words[1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_commands_that_run_to_the_end_succeed(tmp_path):
    to_run = [c for c in documented_commands() if RUN_HERE.get(c) in {"once", "db"}]
    assert to_run
    for command in to_run:
        result = subprocess.run(
            argv(command, tmp_path), cwd=ROOT, env=environment(tmp_path), capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def start(command: list[str], tmp_path: Path, log: Path) -> subprocess.Popen:
    """A server in a session of its own (so that stop() ends it and its children), its output in `log`."""
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def serve_until(process: subprocess.Popen, ready, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        assert process.poll() is None, log.read_text()
        time.sleep(0.5)
    pytest.fail(f"not ready after {timeout} s:\n{log.read_text()}")


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False


@pytest.mark.parametrize("command", [c for c, kind in RUN_HERE.items() if kind == "http" or kind.startswith("log:")])
@pytest.mark.django_db(transaction=True)
def test_the_servers_start_and_answer(command, tmp_path):
    kind = RUN_HERE[command]
    if kind.startswith("log:"):
        require_broker()
    port, log = free_port(), tmp_path / "server.log"
    process = start(argv(command, tmp_path, port), tmp_path, log)
    try:
        if kind == "http":
            serve_until(process, lambda: answers(f"http://127.0.0.1:{port}/healthz"), log)
        else:
            serve_until(process, lambda: kind.removeprefix("log:") in log.read_text(), log)
    finally:
        stop(process)
        if kind.startswith("log:"):
            celery_app.control.purge()  # what beat scheduled is for no one


@pytest.mark.django_db(transaction=True)
def test_make_run_migrates_seeds_and_serves_the_demo(tmp_path):
    """`make run` as a newcomer types it, on this test's database; --old-file keeps make from reinstalling the
    virtualenv that is running this test."""
    port, log = free_port(), tmp_path / "make-run.log"
    process = start(["make", "--old-file=.venv/.installed", "run", f"PORT={port}"], tmp_path, log)
    try:
        serve_until(process, lambda: answers(f"http://127.0.0.1:{port}/guidelines/acme-ai/cybersecurity/v1/"), log, 300)
    finally:
        stop(process)
    assert f"Demo data is ready: http://127.0.0.1:{port}/" in log.read_text()
