"""Reads of the record's Merkle tree: roots and proofs from O(log n) stored nodes, in one query each."""

from ledger import merkle
from ledger.models import Entry, TreeNode


def record_page(*, before: int | None, size: int = 50) -> tuple[list[Entry], int | None]:
    """Up to `size` entries older than `before` (newest first), and the seq to page on from, if there are more."""
    entries = Entry.objects.order_by("-seq")
    if before is not None:
        entries = entries.filter(seq__lt=before)
    page = list(entries[: size + 1])
    return page[:size], page[size - 1].seq if len(page) > size else None


def tree_size() -> int:
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def stored_nodes(wanted: set[merkle.Node] | list[merkle.Node]) -> dict[merkle.Node, bytes]:
    if not wanted:
        return {}
    where = {merkle.stored_hash_index(*node): node for node in wanted}
    return {
        where[index]: bytes(value) for index, value in TreeNode.objects.filter(pk__in=where).values_list("pk", "hash")
    }


def _range_hashes(ranges: list[merkle.Range]) -> list[bytes]:
    return merkle.range_hashes(ranges, stored_nodes)


def root_at(size: int) -> bytes:
    """The Merkle root of the first `size` entries (size at most the tree's size)."""
    return _range_hashes([(0, size)])[0] if size else merkle.EMPTY_ROOT


def inclusion_proof(*, seq: int, size: int) -> list[bytes]:
    """RFC 6962 audit path of entry `seq` (leaf seq - 1) in the tree of the first `size` entries."""
    return root_and_inclusion_proof(seq=seq, size=size)[1]


def root_and_inclusion_proof(*, seq: int, size: int) -> tuple[bytes, list[bytes]]:
    """The root of the tree of `size` entries and the audit path of entry `seq` in it, in one query."""
    root, *proof = _range_hashes([(0, size), *merkle.inclusion_ranges(seq - 1, 0, size)])
    return root, proof


def consistency_proof(*, old: int, new: int) -> list[bytes]:
    """RFC 6962 proof that the tree of `old` entries is a prefix of the tree of `new` entries."""
    if old == new:
        return []
    return _range_hashes(merkle.consistency_ranges(old, 0, new))
