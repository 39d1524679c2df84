"""Which outside services this run has beyond PostgreSQL (always there: the embedded server or DATABASE_URL):
Redis as the cache, Redis as the Celery broker for a real worker, Chromium, nginx (tests/test_nginx*.py), and the
whole cluster of deploy/cluster (tests/test_cluster.py).

A test that needs one it lacks is skipped with a reason that names its group, so that `make test` can say in one
line which groups it left out; with REQUIRE_SERVICES=1 (as in CI) the missing service fails the test instead.
"""

import glob
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from deploy.nginx_conf import nginx_binary

PG_BASEBACKUP = "/usr/lib/postgresql/*/bin/pg_basebackup"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
# The groups a run may skip, each with what brings it in.
GROUPS = {
    "redis": "REDIS_URL=redis://...",
    "worker": "CELERY_BROKER_URL=redis://... (a real Celery worker)",
    "chromium": "apt-get install chromium",
    "nginx": "apt-get install nginx",
    # A few minutes of a whole cluster (deploy/cluster/up): asked for, never brought in by merely being installable.
    "cluster": "CLUSTER_TESTS=1 with nginx, redis-server and PostgreSQL's server binaries (pg_basebackup)",
}


def _require(available: bool, group: str) -> None:
    if available:
        return
    reason = f"[{group}] this test needs {GROUPS[group]}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def skipped_group(reason: str) -> str | None:
    """The group a skip reason names, if it is one of ours."""
    return next((group for group in GROUPS if f"[{group}]" in reason), None)


def require_broker() -> None:
    _require(settings.CELERY_BROKER_URL.startswith("redis://"), "worker")


def chromium_path() -> str:
    found = next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None) or shutil.which("chromium")
    _require(bool(found), "chromium")
    return found


def require_redis_cache() -> None:
    _require(settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), "redis")


def require_cluster() -> None:
    """tests/test_cluster.py: deploy/cluster/up needs them all, and takes minutes, so it runs only when asked for
    (`make test-all`), even in CI, whose ten minutes it would not fit beside the rest; asked for, it must run."""
    if os.environ.get("CLUSTER_TESTS") != "1":
        pytest.skip(f"[cluster] not asked for: {GROUPS['cluster']}")
    installed = bool(nginx_binary() and shutil.which("redis-server") and glob.glob(PG_BASEBACKUP))
    _require(installed, "cluster")


def nginx_path() -> str:
    found = nginx_binary()
    _require(bool(found), "nginx")
    return found
