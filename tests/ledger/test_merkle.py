"""The stored tree against a few-line, independent RFC 6962 implementation (MTH, PATH, SUBPROOF, section 2.1)."""

import base64
import hashlib
from functools import cache

import pytest

from ledger import merkle
from ledger.api import CONSISTENCY_EXAMPLE, PROOF_EXAMPLE
from ledger.kinds import EntryKind
from ledger.models import Entry, TreeNode
from ledger.selectors import consistency_proof, inclusion_proof, root_at
from ledger.services import append
from tools.verify_record import verify_consistency, verify_inclusion

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
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    return reference([bytes.fromhex(h) for h in Entry.objects.values_list("hash", flat=True)])


@pytest.fixture
def stored(tree):
    """The stored nodes read once, so every size and pair is checked without a query each."""
    nodes = {node.index: bytes(node.hash) for node in TreeNode.objects.all()}

    def lookup(wanted):
        return {node: nodes[merkle.stored_hash_index(*node)] for node in wanted}

    return lambda ranges: merkle.range_hashes(ranges, lookup)


def test_roots_match_the_reference_at_every_size(tree):
    mth, _, _ = tree
    for size in range(1, LEAVES + 1):
        assert root_at(size) == mth(0, size)


def test_inclusion_proofs_match_the_reference_for_every_entry_and_size(tree, stored):
    _, path, _ = tree
    for size in range(1, LEAVES + 1):
        for index in range(size):
            assert stored(merkle.inclusion_ranges(index, 0, size)) == path(index, 0, size)
    assert [inclusion_proof(seq=seq, size=LEAVES) for seq in (1, 33, 70)] == [path(i, 0, LEAVES) for i in (0, 32, 69)]


def test_consistency_proofs_match_the_reference_for_every_pair_of_sizes(tree, stored):
    _, _, subproof = tree
    for new in range(2, LEAVES + 1):
        for old in range(1, new):
            assert stored(merkle.consistency_ranges(old, 0, new)) == subproof(old, 0, new, True)
    assert [consistency_proof(old=old, new=LEAVES) for old in (1, 32, 69, 70)] == [
        subproof(old, 0, LEAVES, True) for old in (1, 32, 69)
    ] + [[]]


def test_the_outside_verifier_accepts_every_proof_and_refuses_a_wrong_one(tree, stored):
    mth, path, subproof = tree
    for new in range(1, LEAVES + 1):
        for old in range(1, new + 1):
            proof = stored(merkle.consistency_ranges(old, 0, new)) if old < new else []
            assert verify_consistency(old, new, mth(0, old), mth(0, new), proof)
        for index in range(new):
            leaf = mth(index, index + 1)
            assert verify_inclusion(leaf, index, new, stored(merkle.inclusion_ranges(index, 0, new)), mth(0, new))
    assert not verify_consistency(3, 7, mth(0, 4), mth(0, 7), subproof(3, 0, 7, True))
    assert not verify_inclusion(mth(2, 3), 3, 7, path(2, 0, 7), mth(0, 7))


def test_the_stored_tree_holds_each_complete_subtree_once_numbered_as_go_does(tree):
    # 70 leaves: 70 + 35 + 17 + 8 + 4 + 2 + 1 complete subtrees, numbered 0..136 in the order they were written.
    assert list(TreeNode.objects.order_by("index").values_list("index", flat=True)) == list(range(137))
    # Values of Go's tlog.StoredHashIndex.
    nodes = [(0, 0), (0, 1), (1, 0), (0, 2), (2, 0), (0, 7)]
    assert [merkle.stored_hash_index(*node) for node in nodes] == [0, 1, 2, 3, 6, 11]


def test_the_in_memory_frontier_agrees_with_the_reference():
    leaves = [sha(bytes([n])) for n in range(LEAVES)]
    mth, _, _ = reference(leaves)
    frontier = merkle.Frontier()
    for size, leaf in enumerate(leaves, start=1):
        frontier.append(sha(b"\x00" + leaf))
        assert frontier.root() == mth(0, size)


def test_the_proofs_shown_in_the_api_docs_are_real():
    mth, _, _ = reference([sha(str(n).encode()) for n in range(7)])
    example = PROOF_EXAMPLE["hashes"], CONSISTENCY_EXAMPLE["hashes"]
    inclusion, consistency = ([base64.b64decode(value) for value in hashes] for hashes in example)
    assert base64.b64decode(PROOF_EXAMPLE["root_hash"]) == mth(0, 5)
    assert verify_inclusion(mth(2, 3), 2, 5, inclusion, mth(0, 5))
    assert verify_consistency(3, 7, mth(0, 3), mth(0, 7), consistency)
