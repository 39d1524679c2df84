import base64
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.caching import invalidate_after_commit, renew_after_commit
from ledger import merkle, selectors
from ledger.models import GENESIS_HASH, Checkpoint, Entry, TreeNode, VerificationRun, canonical_json
from ledger.notes import NoteError, site_signer, verify_note

# Any constant works; it only has to be the same for every process appending.
_APPEND_LOCK_KEY = 7_261_984_031


def append(*, kind: str, subject: str, payload: dict) -> Entry:
    """Add an event to the public record, in the caller's transaction.

    Call it inside the transaction of the state change it records, so that both
    are stored or neither. On PostgreSQL a transaction-scoped advisory lock
    serializes appends, so concurrent writers never fork the chain or leave gaps;
    SQLite serializes writers by itself. Once committed, the cached pages showing
    the subject are renewed (core.caching).
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
    invalidate_after_commit(subject=subject, payload=payload)
    return entry


def _grow_tree(entry: Entry) -> None:
    """Store the complete subtrees this entry completes: one read of at most log2(n) nodes, one insert."""
    index = entry.seq - 1
    siblings = selectors.stored_nodes(merkle.left_siblings_of(index))
    created = merkle.new_nodes(index, merkle.leaf_hash(entry.hash), siblings)
    TreeNode.objects.bulk_create(
        TreeNode(index=merkle.stored_hash_index(*node), hash=value) for node, value in created.items()
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
    run = VerificationRun.objects.create(
        entries_checked=report.entries_checked,
        ok=report.ok,
        first_bad_seq=report.first_bad_seq,
        problem=report.problem,
    )
    renew_after_commit("record")
    return run
