import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.mail import mail_admins
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.caching import invalidate_after_commit, renew_after_commit
from ledger import merkle, selectors
from ledger.kinds import EntryKind, check_payload
from ledger.models import GENESIS_HASH, Checkpoint, Entry, Head, TreeNode, VerificationRun, canonical_json
from ledger.notes import NoteError, site_signer, verify_note
from ledger.signals import entry_appended

logger = logging.getLogger(__name__)


def append(*, kind: EntryKind, subject: str, payload: dict[str, Any]) -> Entry:
    """Add an event to the public record, in the caller's transaction.

    Call it inside the transaction of the state change it records, so that both
    are stored or neither. The record's head row is locked first (FOR UPDATE), so
    concurrent writers never fork the chain or leave gaps, and it holds everything
    the append needs: one read and one write, whatever the record's size. Once committed,
    the cached pages showing the subject are renewed (core.caching). A kind or a payload that ledger.kinds does
    not declare raises UnknownKind or IncompletePayload, before anything is locked.
    """
    check_payload(kind, payload)
    with transaction.atomic(savepoint=False):
        head = locked_head()
        tree = merkle.unpack_edge(head.size, head.edge)
        entry, nodes = chained(tree, head.last_hash, at=timezone.now(), kind=kind, subject=subject, payload=payload)
        head.size, head.last_hash, head.edge = tree.size, entry.hash, merkle.pack_edge(tree)
        _store(entry, nodes, head)
    invalidate_after_commit(subject=subject, payload=payload)
    # Sent by hand: on PostgreSQL the entry is written by one raw statement, so no post_save fires.
    entry_appended.send(sender=Entry, entry=entry)
    return entry


def chained(
    tree: merkle.Frontier, prev_hash: str, *, at: datetime, kind: EntryKind, subject: str, payload: dict[str, Any]
) -> tuple[Entry, list[TreeNode]]:
    """The next entry after `prev_hash`, hashed, and the tree nodes its leaf completes (added to `tree`): how every
    entry is made, one at a time by `append` or many at once by `ledger.bulk.append_many`, so both refuse a kind or
    a payload that ledger.kinds does not declare."""
    kind = check_payload(kind, payload)
    entry = Entry(
        seq=tree.size + 1, at=at, kind=kind.value, subject=subject, payload=canonical_json(payload), prev_hash=prev_hash
    )
    entry.hash = entry.compute_hash()
    nodes = [
        TreeNode(index=merkle.stored_hash_index(*node), hash=value)
        for node, value in tree.append(merkle.leaf_hash(entry.hash)).items()
    ]
    return entry, nodes


def locked_head() -> Head:
    head = Head.objects.select_for_update().filter(pk=Head.ONLY).first()
    if head is None:
        # A concurrent first append may insert it too: the loser's insert does nothing and it locks the winner's.
        Head.objects.bulk_create([refreshed_head()], ignore_conflicts=True)
        head = Head.objects.select_for_update().get(pk=Head.ONLY)
    return head


def refreshed_head() -> Head:
    """The head as the stored entries and tree nodes say it is; bulk loaders save it after writing the record."""
    size = selectors.tree_size()
    last_hash = Entry.objects.filter(seq=size).values_list("hash", flat=True).first() or GENESIS_HASH
    edge = merkle.right_edge(size)
    stored = selectors.stored_nodes(edge)
    return Head(size=size, last_hash=last_hash, edge=b"".join(stored[node] for node in edge))


_STORE_SQL = """
WITH entry AS (
    INSERT INTO ledger_entry (seq, at, kind, subject, payload, prev_hash, hash)
    VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id
), nodes AS (
    INSERT INTO ledger_treenode ("index", hash) VALUES {nodes}
)
UPDATE ledger_head SET size = %s, last_hash = %s, edge = %s WHERE id = %s RETURNING (SELECT id FROM entry)
"""


def _store(entry: Entry, nodes: list[TreeNode], head: Head) -> None:
    """Write the entry, the tree nodes it completes and the new head: one statement."""
    fields: list[Any] = [entry.seq, entry.at, entry.kind, entry.subject, entry.payload, entry.prev_hash, entry.hash]
    values: list[Any] = [value for node in nodes for value in (node.index, node.hash)]
    sql = _STORE_SQL.format(nodes=", ".join(["(%s, %s)"] * len(nodes)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fields, *values, head.size, head.last_hash, bytes(head.edge), head.pk])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


@dataclass
class ChainReport:
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def check_chain() -> ChainReport:
    """Recompute every hash in order, and the Merkle root at each signed checkpoint; name the first thing wrong.

    Comparing with the checkpoints is what catches a truncated record or a dropped tail, which leave a chain
    that is intact as far as it goes. Rows are read as tuples through server-side cursors and hashed in one
    loop, because at a million entries building model instances cost more than the hashing.
    """
    pinned = dict(Checkpoint.objects.values_list("size", "root_hash"))
    # Appends store tree nodes in exactly the order this loop creates them, numbered 0, 1, 2... (Go's tlog order).
    stored = TreeNode.objects.order_by("index").values_list("index", "hash").iterator(chunk_size=20_000)
    # The time as text from the database: parsing a datetime per row cost more than hashing the row.
    entries = Entry.objects.order_by("seq").annotate(at_iso=RawSQL(_AT_ISOFORMAT, []))  # noqa: S611  a constant, no input
    fields = ("seq", "at_iso", "kind", "subject", "payload", "prev_hash", "hash")
    rows = entries.values_list(*fields).iterator(chunk_size=20_000)
    sha256, encode, fromhex = hashlib.sha256, json.encoder.encode_basestring, bytes.fromhex
    right_edge: list[bytes] = []  # the last complete subtree of each size, largest first
    expected_prev, node_index, size = GENESIS_HASH, 0, 0
    for checked, (seq, at, kind, subject, payload, prev_hash, hash_) in enumerate(rows):
        problem = ""
        if seq != checked + 1:
            problem = f"expected entry #{checked + 1} here, found #{seq} (a gap)"
        elif prev_hash != expected_prev:
            problem = "its prev_hash does not match the hash of the entry before it"
        else:
            if at.__class__ is not str:
                at = at.isoformat()
            elif at.endswith(".000000"):
                at = at[:-7] + "+00:00"
            else:
                at += "+00:00"
            # The stored payload is canonical JSON already, so the hashed content is spelled out around it; a
            # payload stored in another spelling of the same JSON is re-encoded before it counts as altered.
            content = (
                f'{{"at":"{at}","kind":{encode(kind)},"payload":{payload},"seq":{seq},"subject":{encode(subject)}}}'
            )
            if (
                sha256((prev_hash + content).encode()).hexdigest() != hash_
                and _content_hash(seq, at, kind, subject, payload, prev_hash) != hash_
            ):
                problem = "its contents do not match its hash (the row was altered)"
        if problem:
            return ChainReport(entries_checked=checked, first_bad_seq=seq, problem=problem)
        node = sha256(b"\x00" + fromhex(hash_)).digest()
        created, level_size = [node], checked
        while level_size & 1:
            node = sha256(b"\x01" + right_edge.pop() + node).digest()
            created.append(node)
            level_size >>= 1
        right_edge.append(node)
        for value in created:
            index, stored_value = next(stored, (None, None))
            if index != node_index or stored_value is None or bytes(stored_value) != value:
                return ChainReport(
                    entries_checked=checked,
                    first_bad_seq=seq,
                    problem="the stored Merkle tree does not match its hash (proofs served from it would fail)",
                )
            node_index += 1
        if seq in pinned and base64.b64encode(merkle.fold(right_edge)).decode() != pinned[seq]:
            return ChainReport(
                entries_checked=checked,
                first_bad_seq=seq,
                problem=f"the entries up to it do not hash to the root of the signed checkpoint of {seq}",
            )
        expected_prev, size = hash_, seq
    return _check_latest_checkpoint(size) or ChainReport(entries_checked=size)


# The time in UTC as text, which Python's isoformat() then writes with "+00:00" and without a zero fraction.
_AT_ISOFORMAT = """to_char("ledger_entry"."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""


def _content_hash(seq: int, at: str, kind: str, subject: str, payload: str, prev_hash: str) -> str:
    entry = Entry(
        seq=seq, at=datetime.fromisoformat(at), kind=kind, subject=subject, payload=payload, prev_hash=prev_hash
    )
    return entry.compute_hash()


def _check_latest_checkpoint(checked: int) -> ChainReport | None:
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None:
        return None
    if checked < latest.size:
        return ChainReport(
            entries_checked=checked,
            first_bad_seq=checked + 1,
            problem=f"it is missing: checkpoint {latest.size} was signed, so entries #{checked + 1} to "
            f"#{latest.size} were removed",
        )
    try:
        text = verify_note(latest.note, site_signer().verifier)
    except NoteError as error:
        return ChainReport(entries_checked=checked, first_bad_seq=latest.size, problem=f"checkpoint: {error}")
    if text.split("\n")[1:3] != [str(latest.size), latest.root_hash]:
        return ChainReport(
            entries_checked=checked,
            first_bad_seq=latest.size,
            problem=f"checkpoint {latest.size} does not match its signed note",
        )
    return None


def verify_record() -> VerificationRun:
    report = check_chain()
    run = VerificationRun.objects.create(
        entries_checked=report.entries_checked,
        ok=report.ok,
        first_bad_seq=report.first_bad_seq,
        problem=report.problem,
    )
    renew_after_commit("record")
    if not run.ok:
        message = f"Entry #{run.first_bad_seq} of the public record is bad: {run.problem}."
        logger.error("The public record does not verify: %s", message)
        mail_admins("The public record does not verify", message)
    return run
