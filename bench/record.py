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
from contextlib import contextmanager, nullcontext
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
from ledger.kinds import EntryKind  # noqa: E402
from ledger.models import GENESIS_HASH, Entry, TreeNode  # noqa: E402
from ledger.selectors import root_and_inclusion_proof, root_at  # noqa: E402
from ledger.services import append, check_chain  # noqa: E402

APPENDS = 1000
ROUNDS = 10
PROOFS = 1000
WARM_UP = 100
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


SMALL = "bench_small"  # a schema holding a 1k-entry record beside the big one, so both are timed under one load


def empty_ledger() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET ledger.allow_truncate = 'on'")
        cursor.execute("TRUNCATE ledger_cosignature, ledger_checkpoint, ledger_treenode, ledger_entry")
        cursor.execute(f"DROP SCHEMA IF EXISTS {SMALL} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SMALL}")
        for table in ["ledger_entry", "ledger_treenode"]:
            cursor.execute(f"CREATE TABLE {SMALL}.{table} (LIKE public.{table} INCLUDING ALL)")


@contextmanager
def small_record():
    """Point every unqualified table name at the small record for a while."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET search_path TO {SMALL}, public")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET search_path TO public")


def seed(until: int, chunk: int = 50_000) -> None:
    """Add entries up to `until`, continuing the chain and the tree from what is stored, with COPY."""
    last = Entry.objects.order_by("-seq").first()
    size = last.seq if last else 0
    prev_hash = last.hash if last else GENESIS_HASH
    # The right edge of the stored tree: the only nodes later leaves need as left siblings.
    edge = {
        node: bytes(TreeNode.objects.get(pk=merkle.stored_hash_index(*node)).hash)
        for node in merkle.stored_nodes(0, size)
    }
    tree = merkle.Frontier(size, edge)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        for first in range(size + 1, until + 1, chunk):
            rows, nodes = [], []
            for seq in range(first, min(first + chunk, until + 1)):
                entry = Entry(
                    seq=seq,
                    at=START + datetime.timedelta(milliseconds=seq),
                    kind=EntryKind.SCALE_FILLER,
                    subject=f"bench:{seq % 1000}",
                    payload=json.dumps({"n": seq, "text": "an event of the public record"}, separators=(",", ":")),
                    prev_hash=prev_hash,
                )
                entry.hash = prev_hash = entry.compute_hash()
                rows.append(
                    (entry.seq, entry.at, entry.kind, entry.subject, entry.payload, entry.prev_hash, entry.hash)
                )
                for node, value in tree.append(merkle.leaf_hash(entry.hash)).items():
                    nodes.append((merkle.stored_hash_index(*node), value))
            with cursor.copy("COPY ledger_entry (seq, at, kind, subject, payload, prev_hash, hash) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY ledger_treenode (index, hash) FROM STDIN") as copy:
                for row in nodes:
                    copy.write_row(row)
            print(f"\rseeded {rows[-1][0]:,} entries", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def settle() -> None:
    """Write out what COPY left dirty, as a record that grew entry by entry never has it, so commits are timed alone."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_entry")
        cursor.execute("VACUUM ANALYZE ledger_treenode")
        cursor.execute("CHECKPOINT")


def time_appends() -> tuple[float, float]:
    """Median milliseconds of one append, in its own transaction as a state change makes it, to the small record and
    to the big one, in alternating rounds once warm, so that a busy machine slows both alike."""
    small, large = [], []
    for round_ in range(ROUNDS + 1):
        for timings, place in [(small, small_record), (large, nullcontext)]:
            with place():
                for n in range(APPENDS // ROUNDS):
                    started = time.perf_counter()
                    append(kind=EntryKind.SCALE_FILLER, subject=f"bench:{n}", payload={"n": n})
                    if round_:  # the first round only warms up
                        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(small), statistics.median(large)


def time_proof_reads(size: int) -> str:
    """p95 milliseconds of reading an inclusion proof and its root from the stored tree (the database's part)."""
    timings = []
    for n in range(WARM_UP + PROOFS):
        seq, upto = sorted(random.sample(range(1, size + 1), 2))
        started = time.perf_counter()
        root_and_inclusion_proof(seq=seq, size=upto)
        if n >= WARM_UP:
            timings.append((time.perf_counter() - started) * 1000)
    return _p95(timings)


def time_proofs(size: int) -> tuple[str, str]:
    """p95 milliseconds of inclusion and of consistency proofs through the API."""
    client = Client(HTTP_HOST="127.0.0.1")
    inclusion, consistency = [], []
    for n in range(WARM_UP + PROOFS):
        cache.clear()  # the anonymous throttle would stop a benchmark, not a client
        seq, upto = sorted(random.sample(range(1, size + 1), 2))
        started = time.perf_counter()
        response = client.get(f"/api/v1/record/{seq}/proof/", {"size": upto})
        if n >= WARM_UP:
            inclusion.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        started = time.perf_counter()
        response = client.get("/api/v1/record/consistency/", {"from": seq, "to": upto})
        if n >= WARM_UP:
            consistency.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return _p95(inclusion), _p95(consistency)


def _p95(timings: list[float]) -> str:
    return f"p95 {statistics.quantiles(timings, n=20)[-1]:.1f} ms (median {statistics.median(timings):.1f})"


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
        {
            "seq": seq,
            "at": at.isoformat().replace("+00:00", "Z"),
            "kind": kind,
            "subject": subject,
            "payload": json.loads(payload),
            "hash": hash_,
        }
        for seq, at, kind, subject, payload, hash_ in rows
    ]
    started = time.perf_counter()
    for entry in entries:
        if entry_hash(prev, entry) != entry["hash"]:
            raise AssertionError(f"entry #{entry['seq']} does not hash")
        tree.append(entry["hash"])
        prev = entry["hash"]
    return prev, elapsed + time.perf_counter() - started


def check_chain_speed() -> tuple[int, float]:
    """Entries per second of manage.py verify_record itself (ledger.services.check_chain), reading and all: rows
    as tuples from server-side cursors, chain and tree recomputed and compared with the stored tree."""
    started = time.perf_counter()
    report = check_chain()
    assert report.ok, report.problem
    return report.entries_checked, report.entries_checked / (time.perf_counter() - started)


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
    empty_ledger()
    with small_record():
        seed(1000)
    started = time.perf_counter()
    seed(args.entries)
    print(f"seeded {args.entries:,} entries and their tree in {time.perf_counter() - started:.0f} s", flush=True)
    settle()
    small, large = time_appends()
    print(
        f"append (median of {APPENDS}, alternating): {small:.2f} ms at 1k entries, {large:.2f} ms at "
        f"{args.entries:,}; ratio {large / small:.2f}",
        flush=True,
    )
    size = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    reads = time_proof_reads(size)
    inclusion, consistency = time_proofs(size)
    print(
        f"proofs at {size:,} entries ({PROOFS} each), through the API: inclusion {inclusion}, "
        f"consistency {consistency}; inclusion read from the tree: {reads}"
    )
    checked, rate = verification_speed()
    print(f"standalone verification hashing: {rate:,.0f} entries/s on one core ({checked:,} entries)")
    checked, rate = check_chain_speed()
    print(f"verify_record (check_chain, reading included): {rate:,.0f} entries/s ({checked:,} entries)")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {SMALL} CASCADE")
    nodes, tree_bytes, entry_bytes = tree_storage()
    print(
        f"stored tree: {nodes:,} nodes, {tree_bytes / 2**20:.0f} MiB with its index "
        f"(entries: {entry_bytes / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
