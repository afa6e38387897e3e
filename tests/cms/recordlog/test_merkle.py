"""RFC 9162 hashes and proofs against the RFC's own recursive definitions, for every tree
size up to 70 and every leaf and prefix, and proofs that must not verify."""

import pytest

from gongshi.record import merkle

SIZES = range(1, 71)


def leaves(n):
    return [merkle.leaf_hash(f"entry {i}".encode()) for i in range(n)]


def test_the_empty_tree_and_a_leaf_hash_as_the_rfc_defines_them():
    assert merkle.Tree([]).root().hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    # RFC 6962/9162 test vector: the leaf hash of the empty entry
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


@pytest.mark.parametrize("n", SIZES)
def test_roots_and_inclusion_proofs(n):
    hashes = leaves(n)
    tree = merkle.Tree(hashes)
    assert tree.root() == merkle.subtree_root(hashes)
    for index in range(n):
        proof = tree.inclusion_proof(index)
        merkle.verify_inclusion(hashes[index], index, n, proof, tree.root())
        if n > 1:
            with pytest.raises(merkle.ProofInvalid):
                merkle.verify_inclusion(hashes[(index + 1) % n], index, n, proof, tree.root())
            with pytest.raises(merkle.ProofInvalid):
                merkle.verify_inclusion(hashes[index], index, n, proof, merkle.EMPTY_ROOT)


@pytest.mark.parametrize("n", SIZES)
def test_consistency_proofs(n):
    hashes = leaves(n)
    root = merkle.subtree_root(hashes)
    for m in range(1, n + 1):
        old_root = merkle.subtree_root(hashes[:m])
        proof = merkle.consistency_proof(hashes, m) if m < n else []
        merkle.verify_consistency(m, n, old_root, root, proof)
        if m < n:
            rewritten = [*hashes[: m - 1], merkle.leaf_hash(b"rewritten")]
            with pytest.raises(merkle.ProofInvalid):
                merkle.verify_consistency(m, n, merkle.subtree_root(rewritten), root, proof)


def test_a_tree_extended_is_the_tree_of_all_its_leaves():
    """Every size to 70 grown from every smaller size, in one step or leaf by leaf: the
    same levels, root and proofs as the tree built at once."""
    hashes = leaves(70)
    for n in range(0, 71):
        whole = merkle.Tree(hashes[:n])
        for m in range(0, n + 1):
            grown = merkle.Tree(hashes[:m])
            grown.extend(hashes[m:n])
            assert grown.levels == whole.levels, (m, n)
        stepped = merkle.Tree([])
        for leaf in hashes[:n]:
            stepped.extend([leaf])
        assert stepped.levels == whole.levels and stepped.root() == merkle.subtree_root(hashes[:n])
