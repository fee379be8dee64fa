#!/usr/bin/env python3
"""Benchmark: build time and site size (figures for notes; never asserted in tests).

    python bench/bench_build.py [--runs 3]

Prints wall-clock build time (min/median of N full builds into a temp folder), the number of
HTML pages, total site size, the largest pages and the search index, raw and gzip-compressed.
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        for _ in range(args.runs):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if proc.returncode:
                print(proc.stderr)
                return 1
        files = [p for p in out.rglob("*") if p.is_file()]
        html = [p for p in files if p.suffix == ".html"]
        total = sum(p.stat().st_size for p in files)
        print(f"build time: min {min(times):.2f}s, median {statistics.median(times):.2f}s over {args.runs} runs")
        print(f"site: {len(files)} files, {len(html)} HTML pages, {total / 1024:.0f} KB total")
        print("largest pages (raw KB / gzip KB):")
        for p in sorted(html, key=lambda p: p.stat().st_size, reverse=True)[:5]:
            print(f"  {p.relative_to(out)}: {p.stat().st_size / 1024:.0f} / {gz(p) / 1024:.0f}")
        index = [p for p in (out / "search").rglob("*") if p.is_file()]  # policy_compare/search.py's shards
        if index:
            print(f"search index (zh, all shards; a search loads a few): {len(index)} files, "
                  f"{sum(p.stat().st_size for p in index) / 1024:.0f} KB raw, {sum(gz(p) for p in index) / 1024:.0f} KB gzip")
        for name in ("plans.json", "provisions.json", "targets.csv"):
            p = out / "data" / name
            print(f"export {name}: {p.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
