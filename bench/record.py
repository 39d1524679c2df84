"""How the public record scales: append cost, proof latency and verification speed at a million entries.

    createdb wd_bench   # any empty PostgreSQL database; this script empties the ledger tables in it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench .venv/bin/python bench/record.py [--entries 1000000]

Entries and tree nodes are seeded with COPY, computed by the same code as ledger.services.append, so the chain and
the tree stay valid (the script checks the stored root against one computed in memory). Appends are then timed
through ledger.services.append itself, proofs through the API as a client calls them.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from verify_record import Tree, entry_hash  # noqa: E402

from ledger import merkle  # noqa: E402
from ledger.models import GENESIS_HASH, Entry, TreeNode  # noqa: E402
from ledger.selectors import root_at  # noqa: E402
from ledger.services import append  # noqa: E402

APPENDS = 300
PROOFS = 1000
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def empty_ledger() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET ledger.allow_truncate = 'on'")
        cursor.execute("TRUNCATE ledger_cosignature, ledger_checkpoint, ledger_treenode, ledger_entry")


def seed(until: int, chunk: int = 50_000) -> None:
    """Add entries up to `until`, continuing the chain and the tree from what is stored, with COPY."""
    last = Entry.objects.order_by("-seq").first()
    size = last.seq if last else 0
    prev_hash = last.hash if last else GENESIS_HASH
    # The right edge of the stored tree: the only nodes later leaves need as left siblings.
    last_at_level = {}
    for level, n in merkle.stored_nodes(0, size):
        last_at_level[level] = (n, bytes(TreeNode.objects.get(pk=merkle.stored_hash_index(level, n)).hash))
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        for first in range(size + 1, until + 1, chunk):
            rows, nodes = [], []
            for seq in range(first, min(first + chunk, until + 1)):
                entry = Entry(
                    seq=seq,
                    at=START + datetime.timedelta(milliseconds=seq),
                    kind="bench.event",
                    subject=f"bench:{seq % 1000}",
                    payload=json.dumps({"n": seq, "text": "an event of the public record"}, separators=(",", ":")),
                    prev_hash=prev_hash,
                )
                entry.hash = prev_hash = entry.compute_hash()
                rows.append(
                    (entry.seq, entry.at, entry.kind, entry.subject, entry.payload, entry.prev_hash, entry.hash)
                )
                siblings = {(level, position): value for level, (position, value) in last_at_level.items()}
                for (level, position), value in merkle.new_nodes(
                    seq - 1, merkle.leaf_hash(entry.hash), siblings
                ).items():
                    last_at_level[level] = (position, value)
                    nodes.append((merkle.stored_hash_index(level, position), value))
            with cursor.copy("COPY ledger_entry (seq, at, kind, subject, payload, prev_hash, hash) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY ledger_treenode (index, hash) FROM STDIN") as copy:
                for row in nodes:
                    copy.write_row(row)
            print(f"\rseeded {rows[-1][0]:,} entries", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def time_appends() -> float:
    """Median milliseconds of one append in its own transaction, as a state change makes it."""
    timings = []
    for n in range(APPENDS):
        started = time.perf_counter()
        append(kind="bench.append", subject=f"bench:{n}", payload={"n": n})
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def time_proofs(size: int) -> tuple[float, float]:
    """p95 milliseconds of inclusion and of consistency proofs through the API."""
    client = Client(HTTP_HOST="127.0.0.1")
    inclusion, consistency = [], []
    for _ in range(PROOFS):
        cache.clear()  # the anonymous throttle would stop a benchmark, not a client
        seq, upto = sorted(random.sample(range(1, size + 1), 2))
        started = time.perf_counter()
        response = client.get(f"/api/v1/record/{seq}/proof/", {"size": upto})
        inclusion.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        started = time.perf_counter()
        response = client.get("/api/v1/record/consistency/", {"from": seq, "to": upto})
        consistency.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return statistics.quantiles(inclusion, n=20)[-1], statistics.quantiles(consistency, n=20)[-1]


def verification_speed() -> tuple[int, float]:
    """Entries per second of the standalone verifier's hashing (chain and tree), one core, on API-shaped entries."""
    tree, prev, elapsed = Tree(), GENESIS_HASH, 0.0
    rows = Entry.objects.order_by("seq").values_list("seq", "at", "kind", "subject", "payload", "hash")
    batch = []
    for row in rows.iterator(chunk_size=20000):
        batch.append(row)
        if len(batch) == 100_000:
            prev, elapsed = _hash_batch(batch, tree, prev, elapsed)
            batch = []
    prev, elapsed = _hash_batch(batch, tree, prev, elapsed)
    assert tree.root() == root_at(tree.size), "the stored tree does not match the recomputed one"
    return tree.size, tree.size / elapsed


def _hash_batch(rows, tree, prev, elapsed):
    entries = [
        {"seq": seq, "at": at.isoformat().replace("+00:00", "Z"), "kind": kind, "subject": subject,
         "payload": json.loads(payload), "hash": hash_}
        for seq, at, kind, subject, payload, hash_ in rows
    ]  # fmt: skip
    started = time.perf_counter()
    for entry in entries:
        if entry_hash(prev, entry) != entry["hash"]:
            raise AssertionError(f"entry #{entry['seq']} does not hash")
        tree.append(entry["hash"])
        prev = entry["hash"]
    return prev, elapsed + time.perf_counter() - started


def tree_storage() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM ledger_treenode), pg_total_relation_size('ledger_treenode'), "
            "pg_total_relation_size('ledger_entry')"
        )
        return cursor.fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database (see the docstring).")
    empty_ledger()
    seed(1000)
    small = time_appends()
    print(f"append at 1k entries: {small:.2f} ms (median of {APPENDS})", flush=True)
    started = time.perf_counter()
    seed(args.entries)
    print(f"seeded {args.entries:,} entries and their tree in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_entry")
        cursor.execute("VACUUM ANALYZE ledger_treenode")
    large = time_appends()
    print(f"append at {args.entries:,} entries: {large:.2f} ms (median of {APPENDS}); ratio {large / small:.2f}")
    size = Entry.objects.count()
    inclusion, consistency = time_proofs(size)
    print(f"proof latency p95 at {size:,} entries, through the API: inclusion {inclusion:.1f} ms, "
          f"consistency {consistency:.1f} ms ({PROOFS} each)")  # fmt: skip
    checked, rate = verification_speed()
    print(f"standalone verification hashing: {rate:,.0f} entries/s on one core ({checked:,} entries)")
    nodes, tree_bytes, entry_bytes = tree_storage()
    print(f"stored tree: {nodes:,} nodes, {tree_bytes / 2**20:.0f} MiB with its index "
          f"(entries: {entry_bytes / 2**20:.0f} MiB)")  # fmt: skip


if __name__ == "__main__":
    main()
