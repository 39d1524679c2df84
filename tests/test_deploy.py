import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-and-random-9f8e7d6c5b4a3",
    "ALLOWED_HOSTS": "whodecides.example.org",
    "SITE_URL": "https://whodecides.example.org",
    "RECORD_SIGNING_KEY": "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # The browser tests allow the ORM inside Playwright's loop; production never does.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "VAR_DIR": str(tmp_path)}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_connections_are_persistent_and_checked_by_default(tmp_path):
    """A new connection per request costs more than a small page; a stale one is replaced before it is used."""
    settings_dict = "from django.db import connection; d = connection.settings_dict; "
    show = settings_dict + "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    result = manage("shell", "--verbosity", "0", "-c", show, env={**PRODUCTION_ENV, "VAR_DIR": str(tmp_path)})
    assert result.stdout.split() == ["60", "True"], result.stderr


def test_production_refuses_the_retired_behind_tls_proxy_and_names_its_replacement(tmp_path):
    result = manage("check", env={**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "1", "VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Set TRUSTED_PROXIES" in result.stderr


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    result = manage("check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "nginx.internal", "VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx.internal'" in result.stderr


def test_the_procfile_serves_gunicorn_on_the_loopback_unless_told_otherwise():
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = "echo " + web.removeprefix("web:").strip()

    def bind(**env: str) -> str:
        words = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True, check=True).stdout
        return words.split("--bind ")[1].split()[0]

    assert bind() == "127.0.0.1:8000"
    assert bind(PORT="5000") == "127.0.0.1:5000"
    assert bind(WEB_BIND="10.0.0.11:8000") == "10.0.0.11:8000"
