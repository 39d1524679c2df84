"""Appending many events to the record at once, for seeding large sites (manage.py seed_scale, bench/).

Each entry is made by `ledger.services.chained`, as `ledger.services.append` makes it, in Python, and
written in batches (COPY on PostgreSQL), so the chain and the stored Merkle tree stay valid: `verify_record`
passes afterwards. Not for requests: one append per state change stays in `services.append`.
"""

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ledger import merkle
from ledger.kinds import EntryKind
from ledger.models import Entry, TreeNode
from ledger.services import chained, locked_head

Event = tuple[EntryKind, str, dict[str, Any]]  # kind, subject, payload


def append_many(events: Iterable[Event], *, start: datetime | None = None, batch: int = 20_000) -> int:
    """Add `events` in order, the first at `start` (default now) and each a millisecond after the one before.

    Holds the record's head row locked for the whole transaction, so no request appends in between, and leaves
    it at the new end. Returns how many.
    """
    added = 0
    with transaction.atomic():
        head = locked_head()
        prev_hash = head.last_hash
        tree = merkle.unpack_edge(head.size, head.edge)
        at = start or timezone.now()
        events = iter(events)
        while chunk := list(itertools.islice(events, batch)):
            entries, nodes = [], []
            for kind, subject, payload in chunk:
                moment = at + timedelta(milliseconds=added)
                entry, completed = chained(tree, prev_hash, at=moment, kind=kind, subject=subject, payload=payload)
                entries.append(entry)
                nodes += completed
                prev_hash = entry.hash
                added += 1
            _write(entries, nodes)
        head.size, head.last_hash, head.edge = tree.size, prev_hash, merkle.pack_edge(tree)
        head.save(update_fields=["size", "last_hash", "edge"])
    return added


def _write(entries: list[Entry], nodes: list[TreeNode]) -> None:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy("COPY ledger_entry (seq, at, kind, subject, payload, prev_hash, hash) FROM STDIN") as copy:
            for e in entries:
                copy.write_row((e.seq, e.at, e.kind, e.subject, e.payload, e.prev_hash, e.hash))
        with cursor.copy('COPY ledger_treenode ("index", hash) FROM STDIN') as copy:
            for node in nodes:
                copy.write_row((node.index, node.hash))
