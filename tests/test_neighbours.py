"""Neighbour lists kept across an edit (policy_compare/neighbours.py): the lists made again for the rows an
edit reaches, merged with the kept ones, are those of computing every row; in-process on random matrices."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix


def matrix(rng, n: int, words: int = 40, per_row: int = 6):
    rows, cols = [], []
    for r in range(n):
        for c in rng.choice(words, size=per_row, replace=False):
            rows.append(r)
            cols.append(c)
    data = rng.random(len(rows)).astype(np.float32) + 0.1
    X = csr_matrix((data, (rows, cols)), shape=(n, words), dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = csr_matrix(X.multiply(1 / norms[:, None]), dtype=np.float32)
    X.sort_indices()
    return X


def lists(X, owner, plan_of, k):
    from policy_compare import neighbours
    P = neighbours.probe(X, neighbours.excluded(X))
    return neighbours.compute(X, P, owner, plan_of, k), P


def same(a, b):
    for f in ("pr", "pc", "pv", "er", "ec", "ev"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f), err_msg=f)


@pytest.mark.parametrize("seed", range(6))
def test_updated_lists_are_the_computed_ones(seed):
    """Rows edited (new words), one dropped and one added: update() gives what compute() gives, and
    recomputes only some rows."""
    from policy_compare import neighbours
    rng = np.random.default_rng(seed)
    n, k = 300, 3
    X = matrix(rng, n)
    plan_of = rng.integers(0, 12, size=n + 1)
    old, _ = lists(X, np.arange(n), plan_of[:n], k)
    # edit three rows, drop row 7, add a row at the end
    Y = X.tolil(copy=True)
    edited = rng.choice(np.arange(8, n), size=3, replace=False)
    fresh = matrix(rng, 4)
    for m, r in enumerate(edited):
        Y[r] = fresh[m]
    keep = np.array([r for r in range(n) if r != 7])
    Y = csr_matrix(np.vstack([Y.toarray()[keep], fresh[3].toarray()]), dtype=np.float32)
    Y.sort_indices()
    owners = np.arange(Y.shape[0])
    new_plan = np.r_[plan_of[keep], plan_of[n]]
    want, P = lists(Y, owners, new_plan, k)
    remap = np.full(n + 1, -1)
    remap[keep] = np.arange(len(keep))
    dirty = np.zeros(Y.shape[0], bool)
    dirty[remap[edited]] = True
    dirty[-1] = True
    moved, lost = old.remapped(remap, Y.shape[0])
    got, again = neighbours.update(moved, Y, P, owners, new_plan, k, dirty, lost)
    same(got, want)
    assert again.sum() < Y.shape[0] // 2, "only the rows the edit reaches are made again"
    assert lost.any(), "a row lost its entry to the dropped one"
