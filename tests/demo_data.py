"""The demo data for the tests that read it: seeded once per test process, copied into each such test's transaction.

`manage.py seed_demo` takes seconds; a dozen tests read what it makes. Each test process seeds once, inside a
transaction that is then rolled back, as a test's own call did (so its on-commit hooks never run, exactly as in a
test), and keeps a COPY of every table seeding filled. The `demo` fixture (tests/conftest.py) loads those rows into
the test's transaction with COPY, and the private files seeding wrote into the test's PRIVATE_MEDIA_ROOT, so each
test starts from the same freshly seeded site and rolls its changes back. The tests that prove seed_demo itself
works on an empty database (tests/accounts/test_commands.py, tests/demo/test_seed_demo.py, `make run` in
tests/test_docs_commands.py) still run it.

Sequences are not copied: they only grow (seeding advanced them before its rollback), so rows a test creates
after the load never reuse a loaded id.
"""

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from config.celery import app as celery_app
from tests.fast_flush import MIGRATE_MADE

# What tests/conftest.py's fast_tests sets for every test, and tests/demo/conftest.py for the demo's own tests.
SEEDING_SETTINGS = {
    "DEBUG": True,
    "APPEALS_PER_DAY": 1000,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "PAGE_READS_FROM_REPLICA": False,
}


@dataclass(frozen=True)
class TableCopy:
    table: str
    columns: str  # quoted and comma-separated: the stored columns, generated ones left for PostgreSQL to compute
    rows: bytes  # COPY's text format


@dataclass(frozen=True)
class DemoSnapshot:
    tables: list[TableCopy]
    private_media: Path
    output: str  # what the commands printed

    def load(self, private_media_root: Path) -> None:
        """The demo's rows into the current transaction (its foreign keys are checked at the end, as Django
        declares them deferrable), its files into `private_media_root`."""
        with connection.cursor() as cursor:
            for table in self.tables:
                with cursor.copy(f"COPY {table.table} ({table.columns}) FROM STDIN") as copy:
                    copy.write(table.rows)
        shutil.copytree(self.private_media, private_media_root, dirs_exist_ok=True)


def seed_snapshot(private_media: Path, *commands: list[str], base: DemoSnapshot | None = None) -> DemoSnapshot:
    """Run the commands (seed_demo by default) on this process's empty test database, or on `base` loaded into it,
    copy out what they wrote, and roll it back."""
    leftover = _filled_tables()
    assert not leftover, f"seeding the snapshot needs an empty test database; {leftover} have rows"
    before = _row_counts(set(MIGRATE_MADE))
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    output = io.StringIO()
    try:
        with override_settings(**SEEDING_SETTINGS, PRIVATE_MEDIA_ROOT=private_media), transaction.atomic():
            cache.clear()
            if base is not None:
                base.load(private_media)
            for command in commands or [["seed_demo"]]:
                call_command(*command, stdout=output)
            changed = {table for table, count in _row_counts(set(MIGRATE_MADE)).items() if count != before[table]}
            assert not changed, f"seed_demo changed {changed}, which tests/demo_data.py does not copy"
            tables = [_copy_out(table) for table in _filled_tables()]
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager
        cache.clear()
    return DemoSnapshot(tables=tables, private_media=private_media, output=output.getvalue())


def _row_counts(tables: set[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        return {table: _count(cursor, table) for table in tables}


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
    return cursor.fetchone()[0]


def _filled_tables() -> list[str]:
    """The tables that have rows, but for those `migrate` fills, in one query."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = [name for name in connection.introspection.table_names(cursor) if name not in MIGRATE_MADE]
        checks = ", ".join(f"({i}, EXISTS (SELECT 1 FROM {quote(name)}))" for i, name in enumerate(names))
        cursor.execute(f"SELECT i FROM (VALUES {checks}) AS t (i, filled) WHERE filled ORDER BY i")
        return [names[i] for (i,) in cursor.fetchall()]


def _copy_out(table: str) -> TableCopy:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            [quote(table)],
        )
        columns = ", ".join(quote(name) for (name,) in cursor.fetchall())
        rows = io.BytesIO()
        with cursor.copy(f"COPY {quote(table)} ({columns}) TO STDOUT") as copy:
            for chunk in copy:
                rows.write(chunk)
    return TableCopy(table=quote(table), columns=columns, rows=rows.getvalue())
