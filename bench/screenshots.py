#!/usr/bin/env python3
"""Screenshots for the closing notes of reader-facing work (never asserted in tests): a topic page at 1366 px
and at 375 px, and the first printed page of a two-city handout (A4 PDF, rendered to PNG by Chromium).

    python bench/screenshots.py SITE OUT      # e.g. python bench/screenshots.py site bench/screenshots
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import chromium, served  # noqa: E402

TOPIC = "topics/tobacco-alcohol/"
HANDOUT = TOPIC + "?cities=ordos-2020,quzhou-2020"


def main(site: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with served(site) as base, chromium() as browser:
        for width, height, name in ((1366, 768, "topic-1366.png"), (375, 812, "topic-375.png")):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + TOPIC, wait_until="networkidle")
            page.screenshot(path=str(out / name))
            page.close()
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base + HANDOUT, wait_until="networkidle")
        page.emulate_media(media="print")
        pdf = out / "handout.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
        page.close()
        # the printed page as a reader sees it: open the PDF in Chromium's viewer is not scriptable headless,
        # so the print-media layout at A4 width (794 px at 96 dpi) is captured instead
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.goto(base + HANDOUT, wait_until="networkidle")
        page.emulate_media(media="print")
        page.screenshot(path=str(out / "handout-print-a4.png"))
        page.close()
    for f in sorted(out.iterdir()):
        print(f"{f}  {f.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
