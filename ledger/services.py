from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ledger import merkle
from ledger.models import GENESIS_HASH, Entry, TreeNode, VerificationRun, canonical_json

# Any constant works; it only has to be the same for every process appending.
_APPEND_LOCK_KEY = 7_261_984_031


def append(*, kind: str, subject: str, payload: dict) -> Entry:
    """Add an event to the public record, in the caller's transaction.

    Call it inside the transaction of the state change it records, so that both
    are stored or neither. On PostgreSQL a transaction-scoped advisory lock
    serializes appends, so concurrent writers never fork the chain or leave gaps;
    SQLite serializes writers by itself.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK_KEY])
        last = Entry.objects.order_by("-seq").only("seq", "hash").first()
        entry = Entry(
            seq=last.seq + 1 if last else 1,
            at=timezone.now(),
            kind=kind,
            subject=subject,
            payload=canonical_json(payload),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        _grow_tree(entry)
    return entry


def _grow_tree(entry: Entry) -> None:
    """Store the complete subtrees this entry completes: one read of at most log2(n) nodes, one insert."""
    index = entry.seq - 1
    needed = merkle.left_siblings_of(index)
    siblings = {}
    if needed:
        wanted = Q()
        for level, position in needed:
            wanted |= Q(level=level, index=position)
        siblings = {(node.level, node.index): bytes(node.hash) for node in TreeNode.objects.filter(wanted)}
    created = merkle.new_nodes(index, merkle.leaf_hash(entry.hash), siblings)
    TreeNode.objects.bulk_create(
        TreeNode(level=level, index=position, hash=value) for (level, position), value in created.items()
    )


@dataclass
class ChainReport:
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def check_chain() -> ChainReport:
    """Recompute every hash in order and name the first entry that does not match."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in Entry.objects.order_by("seq").iterator(chunk_size=2000):
        problem = _problem_with(entry, expected_seq, expected_prev)
        if problem:
            return ChainReport(entries_checked=checked, first_bad_seq=entry.seq, problem=problem)
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    return ChainReport(entries_checked=checked)


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
