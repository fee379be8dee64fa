#!/usr/bin/env python3
"""Cross-link quality against pairs labelled by reading, and cross-linking time on synthetic corpora.

    python bench/tune_links.py                                   # the tuning files, current settings
    python bench/tune_links.py --fit                             # fit links.WEIGHTS and THRESHOLD on them
    python bench/tune_links.py --grid                            # ... or a grid of the other settings
    python bench/tune_links.py --sample bench/links_sample_2026-12b.yaml  # the held-out sample (measure only)
    python bench/tune_links.py --scale 5 100 300                 # time compute_links on N synthetic plans

Tuning files: tests/links_labelled.yaml (partly drawn by an older scorer, so its recall is optimistic),
bench/links_random_sample.yaml (80 random same-topic pairs) and bench/links_sample_2026-12.yaml (500 random
same-topic pairs; the held-out sample of the previous scorer, a tuning file since it was scored).
bench/links_sample_2026-12b.yaml (500 random same-topic pairs, disjoint from all three, labelled before any
score was computed on it) is the held-out sample: it is measured with the settings chosen on the tuning
files, and never used to choose them.

Figures: recall = linked matches / matches; "unrelated linked" = linked non-matches / non-matches (the share
of unrelated pairs that get a link); precision = linked matches / linked pairs.

--scale builds N plans from the five real ones (each synthetic plan is a real plan with its provisions
perturbed: sentences shuffled and dropped, characters replaced, so no two plans are copies) and prints the
wall time and peak memory of compute_links for each N, one process per N.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_compare import links  # noqa: E402

TUNING = (ROOT / "tests" / "links_labelled.yaml", ROOT / "bench" / "links_random_sample.yaml",
          ROOT / "bench" / "links_sample_2026-12.yaml")
HELD_OUT = ROOT / "bench" / "links_sample_2026-12b.yaml"


def corpus():
    from policy_compare.compare import build_corpus
    from policy_compare.pipeline import validate_all
    plans, _, cats = validate_all(ROOT / "data")
    return build_corpus(plans, ROOT / "data", cats), cats


def linked_pairs(c, cats) -> set[frozenset]:
    from policy_compare.search import user_words
    found = links.compute_links(c.provisions, cats.pins, cats.suppress, words=tuple(user_words(c)))
    return {frozenset((a, l.target)) for a, ls in found.items() for l in ls}


def figures(pairs, linked) -> dict:
    pred = [frozenset((p["a"], p["b"])) in linked for p in pairs]
    tp = sum(1 for x, p in zip(pred, pairs) if x and p["match"])
    fp = sum(1 for x, p in zip(pred, pairs) if x and not p["match"])
    pos = sum(1 for p in pairs if p["match"])
    neg = len(pairs) - pos
    return {"recall": tp / pos if pos else 1.0, "unrelated": fp / neg if neg else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "tp": tp, "fp": fp, "pos": pos, "neg": neg}


def show(name, f) -> str:
    return (f"{name}: recall {f['recall']:.2f} ({f['tp']}/{f['pos']}), unrelated linked {f['unrelated']:.3f} "
            f"({f['fp']}/{f['neg']}), precision {f['precision']:.2f}")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]


def quality(files, grid: bool) -> None:
    c, cats = corpus()
    sets = {f.name: load(f) for f in files}
    linked = linked_pairs(c, cats)
    for name, pairs in sets.items():
        print(show(name, figures(pairs, linked)))
    if not grid:
        return
    current = (links.THRESHOLD, links.MAX_DF, links.TOP_K)
    print("threshold  max_df  top_k  " + "  ".join(f"{n[:18]:>18} rec/unrel" for n in sets))
    for th in (0.45, 0.5, 0.55, 0.61, 0.65, 0.7):  # on the score's scale (a probability, links.score)
        for md in (0.1, 0.2, 0.4):
            for k in (3, 5):
                links.THRESHOLD, links.MAX_DF, links.TOP_K = th, md, k
                linked = linked_pairs(c, cats)
                cells = "  ".join(f"{f['recall']:18.2f} {f['unrelated']:.3f}"
                                  for f in (figures(p, linked) for p in sets.values()))
                mark = "*" if (th, md, k) == current else " "
                print(f"{th:9.2f}  {md:6.1f}  {k:5d}  {cells} {mark}")
    links.THRESHOLD, links.MAX_DF, links.TOP_K = current


def pair_features(c, cats, pairs) -> tuple[list, list]:
    """(provision cosine, best sentence cosine, rarity) and the label of every labelled pair, computed
    exactly (not through the candidate search)."""
    import numpy as np
    from policy_compare.search import user_words
    items = sorted((r for r in c.provisions if links.eligible(r)), key=lambda r: r.id)
    index = links.Index(items, tuple(user_words(c)))
    pos = {r.id: i for i, r in enumerate(items)}
    first = index.first_sentence
    X, y, found = [], [], []
    for p in pairs:
        i, j = pos.get(p["a"]), pos.get(p["b"])
        if i is None or j is None:
            continue
        pc = float(index.P[i].multiply(index.P[j]).sum())
        si = list(range(first[i], first[i] + len(index.sents[i])))
        sj = list(range(first[j], first[j] + len(index.sents[j])))
        sc = float((index.S[si] @ index.S[sj].T).toarray().max()) if si and sj else 0.0
        X.append((pc, sc))
        found.append((i, j))
        y.append(bool(p["match"]))
    rarity = index.rarity_of(np.array([i for i, _ in found], dtype=np.int64), np.array([j for _, j in found], dtype=np.int64))
    return [(pc, sc, r) for (pc, sc), r in zip(X, rarity.tolist())], y


def fit(files) -> None:
    """Fit links.WEIGHTS (logistic regression, classes balanced) on the tuning files and print the threshold
    that links 5% of their unrelated pairs."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    c, cats = corpus()
    X, y = pair_features(c, cats, [p for f in files for p in load(f)])
    X, y = np.array(X), np.array(y)
    m = LogisticRegression(max_iter=2000, class_weight="balanced").fit(X, y)
    b, (wp, ws, wr) = float(m.intercept_[0]), m.coef_[0].tolist()
    prob = m.predict_proba(X)[:, 1]
    th = float(np.quantile(prob[~y], 0.95))
    print(f"{len(y)} pairs, {int(y.sum())} matches")
    print(f"WEIGHTS = ({b:.2f}, {wp:.2f}, {ws:.2f}, {wr:.2f})  # b, w_p, w_s, w_r")
    print(f"THRESHOLD = {th:.2f}  (recall {np.mean(prob[y] >= th):.2f} on these pairs, exact features)")


def synthetic(n: int, seed: int = 7) -> list:
    """n plans' provisions made from the real ones, perturbed so that no two plans are copies."""
    c, _ = corpus()
    rng = random.Random(seed)
    real = sorted({r.plan.id for r in c.provisions})
    pool = sorted({ch for r in c.provisions for ch in r.provision.text if "\u4e00" <= ch <= "\u9fff"})
    refs = []
    for k in range(n):
        base = real[k % len(real)]
        plan = SimpleNamespace(id=f"{base}-x{k:03d}", script=next(r.plan.script for r in c.provisions if r.plan.id == base))
        for r in c.provisions:
            if r.plan.id != base:
                continue
            p = r.provision
            text = p.text
            if not p.table and k >= len(real):
                parts = [m.group(0) for m in links._SENTENCE.finditer(text)]
                if len(parts) > 2:
                    rng.shuffle(parts)
                    parts = parts[: max(1, int(len(parts) * rng.uniform(0.6, 1.0)))]
                text = "".join(parts)
                chars = list(text)
                for _ in range(len(chars) // 12):
                    i = rng.randrange(len(chars))
                    if "\u4e00" <= chars[i] <= "\u9fff":
                        chars[i] = rng.choice(pool)
                text = "".join(chars)
            prov = SimpleNamespace(id=p.id, text=text, table=p.table, topics=p.topics,
                                   responsibility_quote=p.responsibility_quote if p.responsibility_quote and p.responsibility_quote in text else None)
            refs.append(SimpleNamespace(id=f"{plan.id}.{p.id}", plan=plan, provision=prov, path=r.path))
    return refs


def scale_one(n: int) -> None:
    refs = synthetic(n)
    t, cpu = time.perf_counter(), time.process_time()
    found = links.compute_links(refs)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:4d} plans  {len(refs):6d} provisions  compute_links {wall:7.1f} s wall, {cpu:7.1f} s cpu  process peak {peak:6.0f} MB  "
          f"links {sum(len(v) for v in found.values())}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=Path, action="append")
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--fit", action="store_true", help="fit links.WEIGHTS on the tuning files")
    ap.add_argument("--scale", type=int, nargs="*")
    ap.add_argument("--scale-one", type=int)
    args = ap.parse_args()
    if args.scale_one:
        scale_one(args.scale_one)
        return 0
    if args.scale:
        for n in args.scale:  # a fresh process each, so peak memory is per N
            subprocess.run([sys.executable, __file__, "--scale-one", str(n)], check=True)
        return 0
    if args.fit:
        fit(args.sample or TUNING)
        return 0
    quality(args.sample or TUNING, args.grid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
