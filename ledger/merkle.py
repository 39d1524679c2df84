"""The record's Merkle tree (RFC 6962 / RFC 9162, as Go's golang.org/x/mod/sumdb/tlog computes it).

Every complete subtree is stored once, when its last leaf is appended. Node (level, n) covers leaves
[n * 2**level, (n + 1) * 2**level) and is stored under stored_hash_index(level, n), as Go's tlog numbers them. Any
other subtree of the tree at any size is the fold of at most log2(size) stored nodes, so roots and proofs read
O(log n) rows and nothing is ever rebuilt.
"""

import hashlib
from collections.abc import Callable, Iterable

Range = tuple[int, int]  # leaves [lo, hi)
Node = tuple[int, int]  # (level, n)


def stored_hash_index(level: int, n: int) -> int:
    """Where node (level, n) is stored: Go's tlog.StoredHashIndex, the order in which appends write hashes."""
    for _ in range(level):
        n = 2 * n + 1
    index = 0
    while n:
        index += n
        n >>= 1
    return index + level


def leaf_hash(entry_hash: str) -> bytes:
    """The leaf of an entry: its chain hash, which already commits to everything in it."""
    return hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(size: int) -> int:
    """The largest power of two smaller than size (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def inclusion_ranges(index: int, lo: int, hi: int) -> list[Range]:
    """The subtrees whose hashes prove leaf `index` in the tree of leaves [lo, hi): RFC 6962 PATH."""
    if hi - lo == 1:
        return []
    k = _split(hi - lo)
    if index < lo + k:
        return inclusion_ranges(index, lo, lo + k) + [(lo + k, hi)]
    return inclusion_ranges(index, lo + k, hi) + [(lo, lo + k)]


def consistency_ranges(old: int, lo: int, hi: int, whole: bool = True) -> list[Range]:
    """The subtrees whose hashes prove the tree of `old` leaves is a prefix of [lo, hi): RFC 6962 SUBPROOF."""
    if old == hi:
        return [] if whole else [(lo, hi)]
    k = _split(hi - lo)
    if old <= lo + k:
        return consistency_ranges(old, lo, lo + k, whole) + [(lo + k, hi)]
    return consistency_ranges(old, lo + k, hi, False) + [(lo, lo + k)]


def stored_nodes(lo: int, hi: int) -> list[Node]:
    """The complete subtrees that make up [lo, hi), largest first; lo is aligned as RFC 6962 splits leave it."""
    nodes = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        while lo % (1 << level):
            level -= 1
        nodes.append((level, lo >> level))
        lo += 1 << level
    return nodes


def fold(hashes: list[bytes]) -> bytes:
    """The hash of a range from its complete subtrees, largest first: each splits off the left of the rest."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def range_hashes(ranges: list[Range], lookup: Callable[[set[Node]], dict[Node, bytes]]) -> list[bytes]:
    """The hash of each range of leaves, folded from the stored complete subtrees `lookup` returns in one go."""
    parts = [stored_nodes(lo, hi) for lo, hi in ranges]
    wanted = {node for nodes in parts for node in nodes}
    found = lookup(wanted) if wanted else {}
    return [fold([found[node] for node in nodes]) for nodes in parts]


def new_nodes(index: int, leaf: bytes, left_siblings: dict[Node, bytes]) -> dict[Node, bytes]:
    """The complete subtrees that appending leaf `index` completes, the leaf's own first."""
    created = {(0, index): leaf}
    level, position, current = 0, index, leaf
    while position % 2:
        current = node_hash(left_siblings[(level, position - 1)], current)
        level, position = level + 1, position // 2
        created[(level, position)] = current
    return created


class Frontier:
    """The right edge of a tree built leaf by leaf in memory: the last node of each level, O(log n) hashes.

    `append` returns the nodes the leaf completes, in the order Go's tlog (and our TreeNode table) stores them, so
    one pass can write a tree or check a stored one.
    """

    def __init__(self, size: int = 0, edge: dict[Node, bytes] | None = None) -> None:
        self.size = size
        self.last: dict[int, tuple[int, bytes]] = {level: (n, value) for (level, n), value in (edge or {}).items()}

    def append(self, leaf: bytes) -> dict[Node, bytes]:
        siblings = {(level, n): value for level, (n, value) in self.last.items()}
        created = new_nodes(self.size, leaf, siblings)
        for (level, n), value in created.items():
            self.last[level] = (n, value)
        self.size += 1
        return created

    def root(self) -> bytes:
        levels = [level for level in reversed(range(self.size.bit_length())) if self.size >> level & 1]
        return fold([self.last[level][1] for level in levels]) if levels else EMPTY_ROOT


def right_edge(size: int) -> list[Node]:
    """The complete subtrees that make up a tree of `size` leaves, largest first: all a next append can need."""
    return stored_nodes(0, size)


def pack_edge(frontier: "Frontier") -> bytes:
    """The right edge of a frontier as the hashes of right_edge(size), concatenated: what the record's head keeps."""
    return b"".join(frontier.last[level][1] for level, _ in right_edge(frontier.size))


def unpack_edge(size: int, packed: bytes | memoryview) -> "Frontier":
    nodes = right_edge(size)
    return Frontier(size, {node: bytes(packed[32 * i : 32 * (i + 1)]) for i, node in enumerate(nodes)})


def root_of(leaves: Iterable[bytes]) -> bytes:
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()
