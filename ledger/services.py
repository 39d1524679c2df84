import base64
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ledger import merkle, selectors
from ledger.models import GENESIS_HASH, Checkpoint, Entry, Head, TreeNode, VerificationRun, canonical_json
from ledger.notes import NoteError, site_signer, verify_note


def append(*, kind: str, subject: str, payload: dict) -> Entry:
    """Add an event to the public record, in the caller's transaction.

    Call it inside the transaction of the state change it records, so that both
    are stored or neither. The record's head row is locked first (FOR UPDATE on
    PostgreSQL; SQLite serializes writers by itself), so concurrent writers never
    fork the chain or leave gaps, and it holds everything the append needs: one
    read and one write on PostgreSQL, whatever the record's size.
    """
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry = Entry(
            seq=head.size + 1,
            at=timezone.now(),
            kind=kind,
            subject=subject,
            payload=canonical_json(payload),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        tree = merkle.unpack_edge(head.size, head.edge)
        nodes = [
            TreeNode(index=merkle.stored_hash_index(*node), hash=value)
            for node, value in tree.append(merkle.leaf_hash(entry.hash)).items()
        ]
        head.size, head.last_hash, head.edge = tree.size, entry.hash, merkle.pack_edge(tree)
        _store(entry, nodes, head)
    return entry


def _locked_head() -> Head:
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
    """Write the entry, the tree nodes it completes and the new head: one statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        entry.save()
        TreeNode.objects.bulk_create(nodes)
        head.save(update_fields=["size", "last_hash", "edge"])
        return
    fields = [entry.seq, entry.at, entry.kind, entry.subject, entry.payload, entry.prev_hash, entry.hash]
    values = [value for node in nodes for value in (node.index, node.hash)]
    sql = _STORE_SQL.format(nodes=", ".join(["(%s, %s)"] * len(nodes)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fields, *values, head.size, head.last_hash, head.edge, head.pk])
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
    that is intact as far as it goes.
    """
    pinned = dict(Checkpoint.objects.values_list("size", "root_hash"))
    tree = merkle.Frontier()
    stored = TreeNode.objects.order_by("index").values_list("index", "hash").iterator(chunk_size=4000)
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in Entry.objects.order_by("seq").iterator(chunk_size=2000):
        problem = _problem_with(entry, expected_seq, expected_prev)
        if problem:
            return ChainReport(entries_checked=checked, first_bad_seq=entry.seq, problem=problem)
        # Appends store the nodes in exactly the order the in-memory tree creates them.
        for node, value in tree.append(merkle.leaf_hash(entry.hash)).items():
            index, stored_value = next(stored, (None, None))
            if (index, stored_value and bytes(stored_value)) != (merkle.stored_hash_index(*node), value):
                return ChainReport(
                    entries_checked=checked,
                    first_bad_seq=entry.seq,
                    problem="the stored Merkle tree does not match its hash (proofs served from it would fail)",
                )
        if tree.size in pinned and base64.b64encode(tree.root()).decode() != pinned[tree.size]:
            return ChainReport(
                entries_checked=checked,
                first_bad_seq=entry.seq,
                problem=f"the entries up to it do not hash to the root of the signed checkpoint of {tree.size}",
            )
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    return _check_latest_checkpoint(checked) or ChainReport(entries_checked=checked)


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


def _problem_with(entry: Entry, expected_seq: int, expected_prev: str) -> str:
    if entry.seq != expected_seq:
        return f"expected entry #{expected_seq} here, found #{entry.seq} (a gap)"
    if entry.prev_hash != expected_prev:
        return "its prev_hash does not match the hash of the entry before it"
    if entry.compute_hash() != entry.hash:
        return "its contents do not match its hash (the row was altered)"
    return ""


def verify_record() -> VerificationRun:
    report = check_chain()
    return VerificationRun.objects.create(
        entries_checked=report.entries_checked,
        ok=report.ok,
        first_bad_seq=report.first_bad_seq,
        problem=report.problem,
    )
