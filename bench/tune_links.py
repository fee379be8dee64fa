#!/usr/bin/env python3
"""Precision/recall of cross-links against labelled pairs for a grid of thresholds.

    python bench/tune_links.py                                          # tests/links_labelled.yaml
    python bench/tune_links.py --sample bench/links_random_sample.yaml  # the random sample

tests/links_labelled.yaml was drawn partly by the scorer itself (top pairs, a score band), so its recall is
optimistic; bench/links_random_sample.yaml was drawn at random among pairs sharing a specific topic, without
scores, and gives an unbiased recall estimate for such pairs. The current settings are marked with *.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_compare import links  # noqa: E402
from policy_compare.compare import build_corpus  # noqa: E402
from policy_compare.pipeline import validate_all  # noqa: E402


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=Path, default=ROOT / "tests" / "links_labelled.yaml")
    args = ap.parse_args()
    plans, _, cats = validate_all(ROOT / "data")
    pairs = yaml.safe_load(args.sample.read_text(encoding="utf-8"))["pairs"]
    current = (links.THRESHOLD, links.THRESHOLD_ANY, links.TOP_K)
    print(f"{args.sample.name}: {len(pairs)} pairs, {sum(1 for p in pairs if p['match'])} labelled as matches")
    corpus = build_corpus(plans, ROOT / "data", cats)
    print("threshold  any    top_k  precision  recall  links")
    for th in (0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22):
        for th_any in (0.30, 0.40):
            for k in (3, 5):
                links.THRESHOLD, links.THRESHOLD_ANY, links.TOP_K = th, th_any, k
                found = links.compute_links(corpus.provisions, cats.pins, cats.suppress)
                linked = {frozenset((a, l.target)) for a, ls in found.items() for l in ls}
                pred = [frozenset((p["a"], p["b"])) in linked for p in pairs]
                tp = sum(1 for x, p in zip(pred, pairs) if x and p["match"])
                fp = sum(1 for x, p in zip(pred, pairs) if x and not p["match"])
                fn = sum(1 for x, p in zip(pred, pairs) if not x and p["match"])
                prec = tp / (tp + fp) if tp + fp else 1.0
                rec = tp / (tp + fn) if tp + fn else 1.0
                mark = "*" if (th, th_any, k) == current else " "
                print(f"{th:9.2f}  {th_any:4.2f}  {k:5d}  {prec:9.2f}  {rec:6.2f}  {len(linked)} {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
