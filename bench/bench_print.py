#!/usr/bin/env python3
"""Benchmark: how many A4 pages each two-city handout takes (figures for notes; never asserted in tests).

    python bench/bench_print.py --site site/ [--topics a,b]

For every topic and every pair of cities, prints the topic page with ?cities=a,b in headless Chromium
(print media, A4) and counts the pages; a double-sided handout is at most 2. Prints the distribution and
the pairs that need more.
"""
from __future__ import annotations

import argparse
import collections
import functools
import http.server
import itertools
import json
import re
import threading
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--topics", help="comma-separated topic IDs (default: all)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(args.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    topics = json.loads((args.site / "data" / "topics.json").read_text(encoding="utf-8"))
    plans = [p["id"] for p in json.loads((args.site / "data" / "plans.json").read_text(encoding="utf-8"))]
    wanted = set(args.topics.split(",")) if args.topics else None
    counts: collections.Counter = collections.Counter()
    over = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for t in topics:
            if wanted and t["id"] not in wanted:
                continue
            for a, b in itertools.combinations(plans, 2):
                page.goto(f"{base}topics/{t['id']}/?cities={a},{b}", wait_until="networkidle")
                page.wait_for_function("(c => c && c.dataset.chosen === '2' && !document.querySelector("
                                       "'.compare-col[aria-busy]'))(document.querySelector('.compare'))")
                n = len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))
                counts[n] += 1
                if n > 2:
                    over.append((t["id"], a, b, n))
        browser.close()
    httpd.shutdown()
    total = sum(counts.values())
    print(f"{total} two-city handouts: " + ", ".join(f"{n} page{'s' if n > 1 else ''}: {c}" for n, c in sorted(counts.items())))
    print(f"fit one double-sided sheet (≤ 2 pages): {sum(c for n, c in counts.items() if n <= 2)}/{total}")
    for row in over:
        print("  over 2 pages:", *row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
