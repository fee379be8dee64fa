"""Each row's best rows of other plans in a sparse TF-IDF matrix (the candidates of :mod:`.links`).

For every row: a probe list (its ``2k`` best rows by the probe copy's product, see :func:`probe`) and, from
it, its ``k`` best rows by exact cosine. Both are ordered best first, ties by row number (rows are in stable
ID order). :func:`compute` makes the lists of every row; :func:`update` makes the same lists after an edit
from the last build's ones, recomputing only the rows the edit can reach:

- the rows whose vector changed (``dirty``);
- the rows whose probe list held a dirty row;
- the rows a dirty row now enters: its probe value against them (the product is symmetric) beats the last
  entry of their probe list, or their list is not full.

Any other row's probe list and exact list are unchanged: every product involved is the same sum of the same
terms in the same order (a row's nonzeros by column), so the floats are equal bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROBE_TERMS = 8  # candidates are found through each row's strongest words only ...
PROBE_POSTINGS = 1000  # ... and words held by at most this many rows (exact scores are computed after)
CHUNK = 512  # rows per sparse product
BUCKETS = 256  # value buckets of _may_be_among_best


@dataclass
class Lists:
    """Per row, best first: probe entries (``pr``, ``pc``, ``pv``; up to 2k a row) and exact entries (``er``,
    ``ec``, ``ev``; up to k a row). Arrays sorted by row."""

    pr: np.ndarray
    pc: np.ndarray
    pv: np.ndarray
    er: np.ndarray
    ec: np.ndarray
    ev: np.ndarray

    @classmethod
    def empty(cls) -> "Lists":
        i, f = np.zeros(0, np.int64), np.zeros(0, np.float32)
        return cls(i, i, f, i, i, f)

    def compact(self) -> "Lists":
        """The same lists with 32-bit row numbers (to keep between builds)."""
        return Lists(*(a.astype(np.int32) if a.dtype == np.int64 else a
                       for a in (self.pr, self.pc, self.pv, self.er, self.ec, self.ev)))

    def rows_having(self, cols_mask: np.ndarray) -> np.ndarray:
        """The rows with a probe entry whose column is in the mask."""
        return np.unique(self.pr[cols_mask[self.pc]])

    def without_rows(self, rows_mask: np.ndarray) -> "Lists":
        kp, ke = ~rows_mask[self.pr], ~rows_mask[self.er]
        return Lists(self.pr[kp], self.pc[kp], self.pv[kp], self.er[ke], self.ec[ke], self.ev[ke])

    def remapped(self, new_row: np.ndarray, n_new: int) -> tuple["Lists", np.ndarray]:
        """The lists in another numbering (``new_row[old]``, -1 for a row that is gone), and a mask of the rows
        (new numbering) that lost a probe entry to a row that is gone (their lists must be made again)."""
        kp = (new_row[self.pr] >= 0) & (new_row[self.pc] >= 0)
        ke = (new_row[self.er] >= 0) & (new_row[self.ec] >= 0)
        lost = np.zeros(n_new, bool)
        gone = (new_row[self.pr] >= 0) & (new_row[self.pc] < 0)
        lost[new_row[self.pr[gone]]] = True
        return Lists(new_row[self.pr[kp]], new_row[self.pc[kp]], self.pv[kp],
                     new_row[self.er[ke]], new_row[self.ec[ke]], self.ev[ke]), lost


def probe(X, excluded_words: np.ndarray):
    """A copy of X for finding candidates: each row keeps its PROBE_TERMS heaviest words (ties by column),
    and the excluded words (held by more than PROBE_POSTINGS rows) are left out, so each row meets a bounded
    number of others."""
    X = X.tocsr(copy=True)
    X.sort_indices()
    X.data[excluded_words[X.indices]] = 0
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    order = np.lexsort((X.indices, -X.data, rows))
    rank = np.empty(len(order), np.int64)
    rank[order] = _rank_in_row(rows[order])
    X.data[rank >= PROBE_TERMS] = 0
    X.eliminate_zeros()
    return X


def excluded(X) -> np.ndarray:
    """The words (columns) held by more than PROBE_POSTINGS rows of X."""
    return np.bincount(X.indices, minlength=X.shape[1]) > max(PROBE_POSTINGS, 1)


def exact(X, rows, cols, chunk: int = 200_000):
    """Cosine of X[rows[n]] and X[cols[n]] for every n, in bulk."""
    out = np.empty(len(rows), dtype=np.float32)
    for lo in range(0, len(rows), chunk):
        hi = lo + chunk
        out[lo:hi] = np.asarray(X[rows[lo:hi]].multiply(X[cols[lo:hi]]).sum(axis=1)).ravel()
    return out


def _may_be_among_best(rows, vals, n_rows: int, keep: int):
    """A mask of the entries that may be among the ``keep`` largest values of their row (all of those, and
    the others of the bucket the keep-th falls in): values are counted in BUCKETS buckets per row, so only
    a few dozen entries a row are sorted instead of hundreds. The sort after it gives the same order."""
    if not len(rows):
        return np.zeros(0, bool)
    bucket = BUCKETS - 1 - np.clip((vals * BUCKETS).astype(np.int64), 0, BUCKETS - 1)  # 0: the largest values
    counts = np.bincount(rows * BUCKETS + bucket, minlength=n_rows * BUCKETS).reshape(n_rows, BUCKETS)
    running = np.cumsum(counts, axis=1)
    limit = np.where(running[:, -1] >= keep, np.argmax(running >= keep, axis=1), BUCKETS - 1)
    return bucket <= limit[rows]


def _by_row_best_first(rows, cols, vals, n_cols: int):
    """The order of (rows, cols, vals) by row, then value (largest first), then column: what
    ``np.lexsort((cols, -vals, rows))`` gives, by one sort of a 64-bit key (row, inverted value bits, column)
    where it fits (values are non-negative float32, whose bit patterns order like the values)."""
    col_bits = max(1, int(n_cols - 1).bit_length())
    row_bits = max(1, int(rows.max()).bit_length()) if len(rows) else 1
    if row_bits + 32 + col_bits > 64:
        return np.lexsort((cols, -vals, rows))
    inverted = (~vals.astype(np.float32).view(np.uint32)).astype(np.uint64)
    key = (rows.astype(np.uint64) << np.uint64(32 + col_bits)) | (inverted << np.uint64(col_bits)) | cols.astype(np.uint64)
    return np.argsort(key, kind="stable")


def _rank_in_row(rows):
    """Each entry's place in its row (0 for the first) when the entries are sorted by row."""
    if not len(rows):
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    return np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))


def _lists_of(X, P, PT, owner, plan_of, k: int, rows, chunk: int = CHUNK) -> Lists:
    """The lists of the given rows (ascending) of X, through its probe copy P (and P's transpose PT)."""
    R, Cs, Vs = [], [], []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        C = (P[part] @ PT).tocoo()
        keep = plan_of[owner[C.col]] != plan_of[owner[part[C.row]]]
        r, c, v = C.row[keep].astype(np.int64), C.col[keep].astype(np.int64), C.data[keep]
        likely = _may_be_among_best(r, v, len(part), 2 * k)
        r, c, v = r[likely], c[likely], v[likely]
        order = _by_row_best_first(r, c, v, X.shape[0])
        r, c, v = r[order], c[order], v[order]
        take = _rank_in_row(r) < 2 * k  # a margin: the probe's order is close to, not the same as, the exact one
        R.append(part[r[take]])
        Cs.append(c[take])
        Vs.append(v[take])
    pr = np.concatenate(R) if R else np.zeros(0, np.int64)
    pc = np.concatenate(Cs) if Cs else np.zeros(0, np.int64)
    pv = np.concatenate(Vs) if Vs else np.zeros(0, np.float32)
    cos = exact(X, pr, pc)
    order = np.lexsort((pc, -cos, pr))
    er, ec, ev = pr[order], pc[order], cos[order]
    take = _rank_in_row(er) < k
    return Lists(pr, pc, pv, er[take], ec[take], ev[take])


def compute(X, P, owner, plan_of, k: int) -> Lists:
    """The lists of every row of X (P: its probe copy)."""
    return _lists_of(X, P, P.T.tocsr(), owner, plan_of, k, np.arange(X.shape[0]))


def reached(old: Lists, P, PT, owner, plan_of, k: int, dirty: np.ndarray) -> np.ndarray:
    """A mask of the rows whose lists an edit can change: ``old`` are the last build's lists in this build's
    numbering (without the rows and columns that are gone), ``dirty`` a mask of the rows whose vector changed
    or that are new."""
    n = P.shape[0]
    out = dirty.copy()
    out[old.rows_having(dirty)] = True
    # the last entry of each full probe list (the bar a newcomer must beat)
    bar_v = np.full(n, -1.0, np.float32)  # -1: the list is not full, any entry enters
    bar_c = np.full(n, -1, np.int64)
    if len(old.pr):
        rank = _rank_in_row(old.pr)
        last = rank == 2 * k - 1
        bar_v[old.pr[last]], bar_c[old.pr[last]] = old.pv[last], old.pc[last]
    d = np.flatnonzero(dirty)
    if len(d):
        C = (P[d] @ PT).tocoo()  # row: a dirty row, column: any row r; the value of (r, dirty row)
        src, r, v = d[C.row], C.col.astype(np.int64), C.data
        keep = (plan_of[owner[src]] != plan_of[owner[r]]) & ~dirty[r]
        src, r, v = src[keep], r[keep], v[keep]
        enters = (bar_v[r] < 0) | (v > bar_v[r]) | ((v == bar_v[r]) & (src < bar_c[r]))
        out[r[enters]] = True
    return out


def update(old: Lists, X, P, owner, plan_of, k: int, dirty: np.ndarray, lost: np.ndarray) -> tuple[Lists, np.ndarray]:
    """The lists of every row of X after an edit (see :func:`reached`; ``lost``: the rows whose lists lost
    an entry to a row that is gone), and the mask of rows recomputed."""
    PT = P.T.tocsr()
    again = reached(old, P, PT, owner, plan_of, k, dirty) | lost
    fresh = _lists_of(X, P, PT, owner, plan_of, k, np.flatnonzero(again))
    kept = old.without_rows(again)
    merged = []
    for a, b in (("pr", "pc"), ("er", "ec")):
        r = np.concatenate([getattr(kept, a), getattr(fresh, a)])
        order = np.argsort(r, kind="stable")  # rows are disjoint; each row's entries keep their order
        merged.append((r, order))
    (pr, po), (er, eo) = merged
    cat = np.concatenate
    return Lists(pr[po], cat([kept.pc, fresh.pc])[po], cat([kept.pv, fresh.pv])[po],
                 er[eo], cat([kept.ec, fresh.ec])[eo], cat([kept.ev, fresh.ev])[eo]), again
