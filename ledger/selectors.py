"""Reads of the record's Merkle tree: roots and proofs from O(log n) stored nodes, in one query each."""

from django.db.models import Q

from ledger import merkle
from ledger.models import Entry, TreeNode


def tree_size() -> int:
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def _range_hashes(ranges: list[merkle.Range]) -> list[bytes]:
    """The hash of each range of leaves, from the stored complete subtrees that make it up."""
    parts = [merkle.stored_nodes(lo, hi) for lo, hi in ranges]
    wanted = {node for nodes in parts for node in nodes}
    if not wanted:
        return []
    condition = Q()
    for level, index in wanted:
        condition |= Q(level=level, index=index)
    found = {(node.level, node.index): bytes(node.hash) for node in TreeNode.objects.filter(condition)}
    return [merkle.fold([found[node] for node in nodes]) for nodes in parts]


def root_at(size: int) -> bytes:
    """The Merkle root of the first `size` entries (size at most the tree's size)."""
    return _range_hashes([(0, size)])[0] if size else merkle.EMPTY_ROOT


def inclusion_proof(*, seq: int, size: int) -> list[bytes]:
    """RFC 6962 audit path of entry `seq` (leaf seq - 1) in the tree of the first `size` entries."""
    return _range_hashes(merkle.inclusion_ranges(seq - 1, 0, size))


def consistency_proof(*, old: int, new: int) -> list[bytes]:
    """RFC 6962 proof that the tree of `old` entries is a prefix of the tree of `new` entries."""
    if old == new:
        return []
    return _range_hashes(merkle.consistency_ranges(old, 0, new))
