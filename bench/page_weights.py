#!/usr/bin/env python3
"""Page weights of a built site (figures, never asserted): for every HTML page, its own bytes gzip-compressed,
plus the same-origin CSS and JS it references (gzip, each counted once per page): an upper bound of what a
first visit transfers besides images and fonts, without a browser. The largest pages per kind are listed.

    python bench/page_weights.py SITE [--top 3] [--budget 150]

``bench/bench_scale.py`` measures real first visits in Chromium for the home page and the largest topic
page; this scan finds which page of any kind is the heaviest, so none is missed.
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
from functools import lru_cache
from pathlib import Path

ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+href)="([^"#?]+\.(?:js|css))')


@lru_cache(maxsize=None)
def gz_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def weigh(site: Path, page: Path) -> tuple[int, int]:
    html = page.read_text(encoding="utf-8")
    own = len(gzip.compress(html.encode("utf-8"), 6))
    assets = 0
    for ref in dict.fromkeys(ASSET.findall(html)):
        if ref.startswith(("http:", "https:", "//")):
            continue
        target = (page.parent / ref).resolve()
        if target.is_file() and target.is_relative_to(site.resolve()):
            assets += gz_size(target)
    return own, assets


def kind(site: Path, page: Path) -> str:
    parts = page.relative_to(site).parts
    lang = "en/" if parts[0] == "en" else ""
    parts = parts[1:] if lang else parts
    if len(parts) == 1:
        return lang + "home"
    if len(parts) == 2:
        return lang + parts[0]
    return lang + parts[0] + "/*"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("--top", type=int, default=1)
    ap.add_argument("--budget", type=float, default=150.0, help="KB gzip per first visit")
    args = ap.parse_args()
    rows: dict[str, list] = {}
    for page in sorted(args.site.rglob("*.html")):
        own, assets = weigh(args.site, page)
        rows.setdefault(kind(args.site, page), []).append((own + assets, own, page.relative_to(args.site).as_posix()))
    print(f"| kind | pages | heaviest page | HTML gz KB | with CSS+JS gz KB |\n|---|---:|---|---:|---:|")
    over = 0
    for k in sorted(rows):
        for total, own, rel in sorted(rows[k], reverse=True)[:args.top]:
            flag = " **over**" if total / 1024 > args.budget else ""
            over += bool(flag)
            print(f"| {k} | {len(rows[k])} | `{rel}` | {own / 1024:.1f} | {total / 1024:.1f}{flag} |")
    print(f"\n{over} page kinds over {args.budget:g} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
