#!/usr/bin/env python3
"""Draw provision pairs at random for labelling cross-link quality by reading (no scores involved).

    python bench/links_sample.py draw --n 500 --out bench/links_sample_2026-12.yaml   # skeleton, match: null
    python bench/links_sample.py show bench/links_sample_2026-12.yaml 0 50           # texts to read, pairs 0..49

Population: every pair of provisions from two different plans that share a substantive topic (a topic other
than overview/governance), tables excluded (indicator tables are not linked by design), short provisions
included. Pairs already in the older labelled files (tests/links_labelled.yaml, bench/links_random_sample.yaml,
used for tuning) are left out, so the new sample is disjoint from everything the scorer was tuned on.
The population is listed in a stable order (sorted IDs) and shuffled with a fixed seed; the first N pairs are
the sample. Nothing here computes a similarity score.

Label "match: true" when the two provisions commit to the same specific measure, programme or target (both
set up cessation clinics; both screen newborns for hearing loss), inside an omnibus paragraph or not; "false"
when they only share a broad topic. Each label carries a one-line reason ("why").
"""
from __future__ import annotations

import argparse
import random
import sys
from itertools import combinations
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_compare.compare import build_corpus  # noqa: E402
from policy_compare.links import GENERIC_TOPICS  # noqa: E402
from policy_compare.pipeline import validate_all  # noqa: E402

SEED = 20261202
# every file labelled earlier: a new draw is disjoint from all of them (bench/links_sample_2026-12.yaml became a
# tuning file once it had been scored; bench/links_sample_2026-12b.yaml, seed 20261203, is the held-out sample)
OLD = tuple(ROOT / f for f in ("tests/links_labelled.yaml", "bench/links_random_sample.yaml",
                               "bench/links_sample_2026-12.yaml"))


def corpus():
    plans, _, cats = validate_all(ROOT / "data")
    return build_corpus(plans, ROOT / "data", cats)


def population(refs) -> list[tuple[str, str]]:
    old = {frozenset((p["a"], p["b"])) for f in OLD if f.exists()
           for p in yaml.safe_load(f.read_text(encoding="utf-8"))["pairs"]}
    items = sorted((r for r in refs if not r.provision.table), key=lambda r: r.id)
    out = []
    for a, b in combinations(items, 2):
        if a.plan.id == b.plan.id or frozenset((a.id, b.id)) in old:
            continue
        if (set(a.provision.topics) & set(b.provision.topics)) - GENERIC_TOPICS:
            out.append((a.id, b.id))
    return out


def draw(n: int, seed: int = SEED) -> list[tuple[str, str]]:
    pop = population(corpus().provisions)
    rng = random.Random(seed)
    order = list(range(len(pop)))
    rng.shuffle(order)
    pairs = [pop[i] for i in order[:n]]
    # randomise which side is "a" too, so neither city order nor ID order carries information
    return [(a, b) if rng.random() < 0.5 else (b, a) for a, b in pairs], len(pop)


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--n", type=int, default=500)
    d.add_argument("--seed", type=int, default=SEED)
    d.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("show")
    s.add_argument("file", type=Path)
    s.add_argument("start", type=int)
    s.add_argument("stop", type=int)
    args = ap.parse_args()
    if args.cmd == "draw":
        pairs, size = draw(args.n, args.seed)
        head = (f"# Random sample for cross-link quality: {len(pairs)} of the {size} cross-city provision pairs that\n"
                f"# share a substantive topic (bench/links_sample.py, seed {args.seed}), labelled by reading both texts\n"
                "# before any score was computed on them. match = both commit to the same specific measure,\n"
                "# programme or target. python bench/tune_links.py --sample <this file>\n")
        body = yaml.safe_dump({"pairs": [{"a": a, "b": b, "match": None, "why": ""} for a, b in pairs]},
                              allow_unicode=True, sort_keys=False, width=200)
        args.out.write_text(head + body, encoding="utf-8")
        print(f"{len(pairs)} pairs of {size} written to {args.out}")
        return 0
    by_id = corpus().by_id
    pairs = yaml.safe_load(args.file.read_text(encoding="utf-8"))["pairs"]
    seen: set[str] = set()  # print each text once per batch
    for i in range(args.start, min(args.stop, len(pairs))):
        p = pairs[i]
        print(f"=== {i}")
        for side in ("a", "b"):
            r = by_id[p[side]]
            print(f"[{side}] {r.id} | {' > '.join(r.path)}")
            print(f"    {r.provision.text}" if r.id not in seen else "    (text above)")
            seen.add(r.id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
