"""Merkle tree hashes and proofs as RFC 9162 (Certificate Transparency 2.0) §2.1 defines them.

A leaf's hash is SHA-256(0x00 || entry), a node's SHA-256(0x01 || left || right); the tree
of n leaves splits at the largest power of two below n. `Tree` keeps every level, built
bottom-up (an odd node at the end of a level is carried up unchanged, which gives the
same tree as the RFC's recursive split), so that the root and each inclusion proof cost
O(log n) once the levels are built, and a site with tens of thousands of entries writes
every item's proof in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class Tree:
    """The Merkle tree of a list of leaf hashes."""

    def __init__(self, leaves: Sequence[bytes]):
        self.levels: list[list[bytes]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            if len(below) % 2:
                above.append(below[-1])
            self.levels.append(above)

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Append leaf hashes: only the nodes on the right edge and above the new leaves
        are computed, so a log that grows by a few entries costs a few hashes per level,
        whatever its size."""
        start = len(self.levels[0])
        self.levels[0].extend(leaves)
        level = 0
        while len(self.levels[level]) > 1:
            below = self.levels[level]
            if level + 1 == len(self.levels):
                self.levels.append([])
            above = self.levels[level + 1]
            start //= 2
            del above[start:]
            above.extend(
                node_hash(below[i], below[i + 1]) for i in range(2 * start, len(below) - 1, 2)
            )
            if len(below) % 2:
                above.append(below[-1])
            level += 1

    @classmethod
    def of_entries(cls, entries: Sequence[bytes]) -> Tree:
        return cls([leaf_hash(entry) for entry in entries])

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def root(self) -> bytes:
        return self.levels[-1][0] if self.size else EMPTY_ROOT

    def inclusion_proof(self, index: int) -> list[bytes]:
        """The audit path of leaf `index` in this tree (RFC 9162 §2.1.3.1)."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        proof = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                proof.append(level[sibling])
            index //= 2
        return proof

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """PROOF(old_size, D[n]) from the kept levels: every subtree the RFC's recursion
        names is a node of a level here or made of a few of them."""
        return _subproof_in(self, old_size, 0, self.size, True)

    def range_root(self, start: int, end: int) -> bytes:
        """MTH of leaves [start, end) where the range is a subtree of the RFC's split:
        aligned, full power-of-two blocks are kept nodes; the rest is split again."""
        size = end - start
        if size == 1:
            return self.levels[0][start]
        if size & (size - 1) == 0 and start % size == 0:
            level = size.bit_length() - 1
            return self.levels[level][start // size]
        k = _largest_power_of_two_below(size)
        return node_hash(self.range_root(start, start + k), self.range_root(start + k, end))


def _subproof_in(tree: Tree, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [tree.range_root(start, end)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof_in(tree, m, start, start + k, complete), tree.range_root(start + k, end)]
    return [*_subproof_in(tree, m - k, start + k, end, False), tree.range_root(start, start + k)]


def subtree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of leaf hashes, by the RFC's recursion (for checks and small trees)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    split = _largest_power_of_two_below(len(leaves))
    return node_hash(subtree_root(leaves[:split]), subtree_root(leaves[split:]))


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1: the tree of the first `old_size` leaves is a
    prefix of the tree of all `leaves`."""
    if not 0 < old_size <= len(leaves):
        raise ValueError("old size out of range")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [subtree_root(leaves)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), subtree_root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), subtree_root(leaves[:k])]


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two k with k < n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class ProofInvalid(Exception):
    """A proof that does not prove what it claims."""


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: leaf hash `leaf` is number `index` of the tree of `size` leaves
    whose root is `root`. Raises ProofInvalid."""
    if not 0 <= index < size:
        raise ProofInvalid("叶子序号超出树的大小")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofInvalid("包含证明过长")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise ProofInvalid("包含证明与树根不符")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: the tree of `old_size` leaves with root `old_root` is a prefix of
    the tree of `new_size` leaves with root `new_root`. Raises ProofInvalid."""
    if not 0 < old_size <= new_size:
        raise ProofInvalid("旧树大小无效")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofInvalid("同样大小的两个树根不同：记录被改写")
        return
    if not proof:
        raise ProofInvalid("一致性证明为空")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root starts the path
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofInvalid("一致性证明过长")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofInvalid("一致性证明不成立：旧的树头不是当前记录的前缀，记录被改写")
