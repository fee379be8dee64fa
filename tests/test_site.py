"""The built site, as readers get it: pages, links, anchors, exports, and no third-party requests."""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from policy_compare.validate import iter_provisions, iter_sections


class Page(HTMLParser):
    """Collects ids, links and resource references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.resources.append((tag, a["src"]))
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {"stylesheet", "icon", "preload", "modulepreload", "manifest"}:
            self.resources.append((tag, a["href"]))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[Path, Page]:
    """Every page, 404.html included (its links are relative to the site root, where it lies)."""
    return {p: parse(p) for p in site.rglob("*.html")}


def target_file(site: Path, page: Path, href: str) -> tuple[Path | None, str]:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None, ""
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        raise AssertionError(f"{page}: root-absolute link {href} breaks under a sub-path")
    dest = (page.parent / path).resolve()
    if dest.is_dir():
        dest = dest / "index.html"
    return dest, parts.fragment


def test_every_plan_has_a_page_with_every_provision(site: Path, plans, pages):
    for lp in plans:
        page = pages[site / "plans" / lp.plan.id / "index.html"]
        text = "".join(page.text)
        assert lp.plan.title in text
        for sec, _ in iter_sections(lp.plan.sections):
            assert sec.id in page.ids
        for prov, _, _ in iter_provisions(lp.plan):
            assert prov.id in page.ids
            assert prov.text in text or prov.table, f"{lp.plan.id} {prov.id} text missing from page"
        source = pages[site / "sources" / lp.plan.id / "index.html"]
        n_lines = len(lp.source_text.rstrip("\n").split("\n"))
        assert {f"L{n}" for n in range(1, n_lines + 1)} <= source.ids


def test_internal_links_and_anchors_resolve(site: Path, pages):
    broken = []
    checked = 0
    for page_path, page in pages.items():
        for href in page.links:
            dest, fragment = target_file(site, page_path, href)
            if dest is None:
                continue
            checked += 1
            if not dest.exists():
                broken.append(f"{page_path.relative_to(site)} -> {href} (no file)")
            elif fragment and dest.suffix == ".html" and fragment not in pages[dest].ids:
                broken.append(f"{page_path.relative_to(site)} -> {href} (no anchor)")
    assert checked > 1000
    assert broken == []


def test_nothing_is_loaded_from_other_hosts(site: Path, pages):
    outside = [(str(p.relative_to(site)), tag, url) for p, page in pages.items() for tag, url in page.resources
               if urlsplit(url).scheme in ("http", "https") or url.startswith("//")]
    assert outside == []
    css_js = [p for p in site.rglob("*") if p.suffix in (".css", ".js")]
    for path in css_js:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_home_page_lists_every_plan_with_counts(site: Path, plans, pages):
    home = pages[site / "index.html"]
    text = "".join(home.text)
    for lp in plans:
        assert lp.plan.city.zh in text
        assert f"plans/{lp.plan.id}/" in " ".join(home.links)


def test_plans_json_agrees_with_data(site: Path, plans):
    records = json.loads((site / "data" / "plans.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in records} == {lp.plan.id for lp in plans}
    required = {"id", "city", "city_en", "province", "title", "doc_number", "issuer", "date_written",
                "target_years", "script", "url"}
    for r in records:
        assert required <= set(r)
        lp = next(lp for lp in plans if lp.plan.id == r["id"])
        assert r["title"] == lp.plan.title
        assert r["date_written"] == lp.plan.date_written.isoformat()
        assert r["target_years"] == lp.plan.target_years
        assert (site / r["url"] / "index.html").exists()


def test_provisions_json_agrees_with_data(site: Path, plans, pages):
    records = json.loads((site / "data" / "provisions.json").read_text(encoding="utf-8"))
    expected = {f"{lp.plan.id}.{p.id}": p for lp in plans for p, _, _ in iter_provisions(lp.plan)}
    for lp in plans:  # same provisions, each plan's in document order
        assert [r["id"] for r in records if r["plan"] == lp.plan.id] == [k for k in expected if k.startswith(lp.plan.id + ".")]
    assert len(records) == len(expected)
    for r in records:
        prov = expected[r["id"]]
        assert {"id", "plan", "city", "path", "text", "lead", "partners", "url"} <= set(r)
        assert r["text"] == prov.text and r["lead"] == prov.lead and r["partners"] == prov.partners
        assert r["path"], r["id"]
        page, _, anchor = r["url"].partition("#")
        assert anchor in pages[site / page / "index.html"].ids


def test_targets_csv_agrees_with_data(site: Path, plans):
    raw = (site / "data" / "targets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing (Excel would garble Chinese)"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = [(lp.plan.id, t) for lp in plans for p, _, _ in iter_provisions(lp.plan) for t in p.targets]
    assert len(rows) == len(expected)
    for col in ("city", "plan", "provision_id", "indicator", "year", "kind", "comparator", "value", "value_max",
                "unit", "nature", "quote", "url"):
        assert col in rows[0]
    by_plan = {}
    for row in rows:
        by_plan.setdefault(row["plan"], []).append(row)
    for plan_id, t in expected:
        assert any(r["quote"] == t.quote and r["year"] == str(t.year) for r in by_plan[plan_id])


def test_a_known_target_reads_right(site: Path):
    """Ordos: '到2022年和2030年,居民健康素养水平分别不低于22%和30%' is two targets."""
    rows = list(csv.DictReader(io.StringIO((site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    literacy = {(r["year"], r["comparator"], r["value"], r["unit"]) for r in rows
                if r["plan"] == "ordos-2020" and r["indicator"] == "居民健康素养水平"}
    assert {("2022", ">=", "22", "%"), ("2030", ">=", "30", "%")} <= literacy


def test_site_works_under_a_sub_path(site: Path, pages):
    """No root-absolute links or resources: the site can live at /<repo>/ on GitHub Pages."""
    for page_path, page in pages.items():
        for href in page.links + [u for _, u in page.resources]:
            assert not (href.startswith("/") and not href.startswith("//")), f"{page_path}: {href}"


def test_404_page_links_use_the_deployment_sub_path(tmp_path: Path):
    """On GitHub Pages (SITE_URL=https://owner.github.io/repo/) the 404 page points into /repo/."""
    import os
    import subprocess
    import sys

    from conftest import ROOT
    out = tmp_path / "site"
    env = dict(os.environ, SITE_URL="https://owner.github.io/repo/")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)], capture_output=True,
                          text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    page = parse(out / "404.html")
    local = [u for u in page.links + [u for _, u in page.resources] if not urlsplit(u).scheme]
    assert local and all(u.startswith("/repo/") for u in local), local[:5]


def test_provisions_are_in_document_order(site: Path):
    """A concluding paragraph after sub-headings (Jiamusi 第一节, line 49) stays after them."""
    records = json.loads((site / "data" / "provisions.json").read_text(encoding="utf-8"))
    by_plan: dict[str, list[int]] = {}
    for r in records:
        by_plan.setdefault(r["plan"], []).append(r["source_line"])
    for plan_id, lines in by_plan.items():
        assert lines == sorted(lines), plan_id


def test_no_markdown_syntax_leaks_into_pages(site: Path, pages):
    """attr_list or link syntax left unprocessed shows up as literal '{: .' or '](' in the text."""
    for page_path, page in pages.items():
        text = "".join(page.text)
        assert "{: ." not in text and "{ ." not in text, page_path
