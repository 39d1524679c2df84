"""The stored tree against a few-line, independent RFC 6962 implementation (MTH, PATH, SUBPROOF, section 2.1)."""

import hashlib
from functools import cache

import pytest

from ledger import merkle
from ledger.models import Entry, TreeNode
from ledger.selectors import consistency_proof, inclusion_proof, root_at
from ledger.services import append

LEAVES = 70


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def reference(leaves: list[bytes]):
    def split(n):
        return 1 << ((n - 1).bit_length() - 1)

    @cache
    def mth(lo, hi):
        if hi - lo == 1:
            return sha(b"\x00" + leaves[lo])
        k = split(hi - lo)
        return sha(b"\x01" + mth(lo, lo + k) + mth(lo + k, hi))

    def path(m, lo, hi):
        if hi - lo == 1:
            return []
        k = split(hi - lo)
        return path(m, lo, lo + k) + [mth(lo + k, hi)] if m < lo + k else path(m, lo + k, hi) + [mth(lo, lo + k)]

    def subproof(m, lo, hi, b):
        if m == hi:
            return [] if b else [mth(lo, hi)]
        k = split(hi - lo)
        if m <= lo + k:
            return subproof(m, lo, lo + k, b) + [mth(lo + k, hi)]
        return subproof(m, lo + k, hi, False) + [mth(lo, lo + k)]

    return mth, path, subproof


@pytest.fixture
def tree(db):
    for n in range(LEAVES):
        append(kind="test.event", subject=f"thing:{n}", payload={"n": n})
    return reference([bytes.fromhex(h) for h in Entry.objects.values_list("hash", flat=True)])


def test_roots_match_the_reference_at_every_size(tree):
    mth, _, _ = tree
    for size in range(1, LEAVES + 1):
        assert root_at(size) == mth(0, size)


def test_inclusion_proofs_match_the_reference_for_every_entry_and_size(tree):
    _, path, _ = tree
    for size in range(1, LEAVES + 1):
        for seq in range(1, size + 1):
            assert inclusion_proof(seq=seq, size=size) == path(seq - 1, 0, size)


def test_consistency_proofs_match_the_reference_for_every_pair_of_sizes(tree):
    _, _, subproof = tree
    for new in range(1, LEAVES + 1):
        for old in range(1, new + 1):
            assert consistency_proof(old=old, new=new) == subproof(old, 0, new, True)


def test_the_stored_tree_holds_each_complete_subtree_once(tree):
    # 70 leaves: 70 + 35 + 17 + 8 + 4 + 2 + 1 complete subtrees.
    assert TreeNode.objects.count() == 137


def test_the_in_memory_frontier_agrees_with_the_reference():
    leaves = [sha(bytes([n])) for n in range(LEAVES)]
    mth, _, _ = reference(leaves)
    frontier = merkle.Frontier()
    for size, leaf in enumerate(leaves, start=1):
        frontier.append(sha(b"\x00" + leaf))
        assert frontier.root() == mth(0, size)
