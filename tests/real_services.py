"""Which real services this run has: PostgreSQL, Redis, Chromium (external servers, not our app's services).

A test that needs one it lacks is skipped with the reason, except when
REQUIRE_SERVICES=1 (as in CI), where the missing service fails the test instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    _require(connection.vendor == "postgresql", "this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


def require_broker() -> None:
    _require(
        settings.CELERY_BROKER_URL.startswith("redis://"),
        "this test needs Redis as the Celery broker (set CELERY_BROKER_URL=redis://...)",
    )


def chromium_path() -> str:
    found = next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None) or shutil.which("chromium")
    _require(bool(found), "no Chromium found (apt-get install chromium)")
    return found


def require_replica() -> None:
    _require(
        connection.vendor == "postgresql" and "replica" in settings.DATABASES,
        "this test needs a replica alias (set DATABASE_REPLICA_URL, which mirrors the default database in tests)",
    )


def require_redis_cache() -> None:
    _require(
        settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
        "this test needs Redis as the cache (set REDIS_URL=redis://...)",
    )
