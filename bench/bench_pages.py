#!/usr/bin/env python3
"""Benchmark: what a reader's browser downloads (figures for notes; never asserted in tests).

    python bench/bench_pages.py [--site site/]

Builds the site into a temp folder unless --site is given, serves it locally and opens pages in headless
Chromium (Debian's /usr/bin/chromium via Playwright). For the home page and the largest comparison
(topic) page, in both languages, it prints every resource the page loads (search index and worker included,
since Material fetches them on load), the bytes transferred from the local server (uncompressed), and the
same resources gzip-compressed, which is about what GitHub Pages transfers. It also prints the search index
size per language and the offline bundle size.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB"


def measure(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    topics = sorted((site / "topics").glob("*/index.html"), key=lambda p: p.stat().st_size)
    largest = topics[-1].parent.name
    pages = ["", f"topics/{largest}/", "en/", f"en/topics/{largest}/"]
    print(f"largest comparison page: topics/{largest}/ ({kb(topics[-1].stat().st_size)} HTML)\n")
    print(f"{'page':34} {'requests':>8} {'transferred':>12} {'gzip (Pages)':>13}   search index")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for path in pages:
            page = browser.new_page()
            sizes: list[tuple[str, int]] = []
            page.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)
            raw = sum(n for _, n in sizes)
            zipped = 0
            for url, n in sizes:
                local = site / unquote(urlsplit(url).path).lstrip("/")
                if local.is_dir():
                    local = local / "index.html"
                zipped += len(gzip.compress(local.read_bytes(), 6)) if local.is_file() else n
            index = [n for url, n in sizes if url.endswith("search_index.json")]
            print(f"/{path:33} {len(sizes):>8} {kb(raw):>12} {kb(zipped):>13}   {kb(index[0]) if index else '-'}")
            page.close()
        browser.close()
    httpd.shutdown()
    for prefix in ("", "en/"):
        files = [f for f in (site / prefix / "search").rglob("*.js")]  # sharded: bench/bench_search.py has the detail
        data = [f.read_bytes() for f in files]
        print(f"search index /{prefix}search/ ({len(files)} files, none loaded before a search): "
              f"{kb(sum(map(len, data)))} raw, {kb(sum(len(gzip.compress(d, 6)) for d in data))} gzip")
    bundle = site / "downloads" / "policy-compare-offline.zip"
    if bundle.exists():
        print(f"offline bundle: {kb(bundle.stat().st_size)}")
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    print(f"whole site: {total / 2**20:.1f} MB, {sum(1 for _ in site.rglob('*.html'))} HTML pages")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, help="an already built site (default: build one)")
    args = ap.parse_args()
    if args.site:
        measure(args.site)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr)
            return 1
        measure(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
