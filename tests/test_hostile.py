"""Hostile text in the data renders as text: no script, no event handler, no javascript: link, no markup
from data, on any page of either interface, in the search index and in search results.

The data is tests/hostile.py's copy of data/ with a payload in every text field of one plan and of the
catalogues (the source text holds the same strings, so the verbatim rules pass). One build, shared.
"""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import hostile
from conftest import run_build

TAG = re.compile(r'alert\((["\'])([\w-]+)\1\)')


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    data = hostile.make(base / "data")
    out = base / "site"
    proc = run_build("--data", str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


class Scan(HTMLParser):
    """Collects every place where a payload became live markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "svg", "img", "b") and any(TAG.search(v or "") for _, v in attrs):
            self.live.append(f"<{tag}> element from data")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x> element from data")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert" in value:
                self.live.append(f"{tag}[{name}]={value[:60]}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.live.append(f"{tag}[{name}]={value[:60]}")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and TAG.search(data):
            self.live.append(f"<script> holding {data[:60]}")
        self.text.append(data)


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def test_no_payload_is_live_markup_on_any_page(hostile_site):
    """Every page of both interfaces: no element, attribute or link made from the data."""
    problems, shown = [], 0
    files = pages(hostile_site)
    assert len(files) > 100
    for path in files:
        scan = Scan()
        scan.feed(path.read_text(encoding="utf-8"))
        problems += [f"{path.relative_to(hostile_site)}: {p}" for p in scan.live]
        text = "".join(scan.text)
        shown += text.count('<script>alert("')
    assert not problems, "\n".join(problems[:40])
    assert shown > 50, "the payload should be shown as text on the pages that display the fields"


def test_payload_shown_as_text_where_fields_appear(hostile_site):
    """The hostile strings are displayed literally (as a reader would see them), not dropped."""
    plan = (hostile_site / "plans" / "ordos-2020" / "index.html").read_text(encoding="utf-8")
    scan = Scan()
    scan.feed(plan)
    text = "".join(scan.text)
    for tag in ("title", "doc-number", "issuer", "heading", "text", "body", "partner", "corrected", "defect-desc-0"):
        assert f'<script>alert("{tag}")</script>' in text, tag
    assert "{{ 7*7 }}{% raw %}" in text
    assert '[lnk-text](javascript:alert("text"))' in text


def test_only_web_addresses_become_links(hostile_site):
    """source.url is an http(s) address (the validator refuses others); it links as given."""
    plan = (hostile_site / "plans" / "ordos-2020" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/a?b=1&amp;c=(x)[y]{z}*_~|!#frag"' in plan or \
           "https://example.org/a?b=1&#38;c=(x)&#91;y&#93;&#123;z&#125;&#42;&#95;&#126;&#124;&#33;&#35;frag" in plan


def test_search_index_is_data_only(hostile_site):
    """The search files (policy_compare/search.py) are one ``__pcSearch("key",JSON);`` call each: the data
    sits in JSON strings, which search.js renders as text (never as HTML); the payloads are indexed as text."""
    files = sorted(hostile_site.rglob("search/**/*.js"))
    assert len(files) > 10
    indexed = False
    for path in files:
        raw = path.read_text(encoding="utf-8")
        m = re.fullmatch(r'__pcSearch\(("[\w/]+"),(.*)\);\n', raw, re.S)
        assert m, path  # nothing but the one call: no code from data
        data = json.loads(m.group(2))  # a JSON literal (arrays and strings), inert as script
        assert "\u2028" not in raw and "\u2029" not in raw
        indexed |= "onerror=alert" in json.dumps(data, ensure_ascii=False)
    assert indexed, "the hostile texts are in the index, as text"
    assert "textContent" in (hostile_site / "assets" / "search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in (hostile_site / "assets" / "search.js").read_text(encoding="utf-8")


# ------------------------------------------------------------------ in the browser

def _browser():
    pw = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed")
    return pw


def test_no_dialog_opens_on_any_page_or_search(hostile_site):
    """Real Chromium, every page of both interfaces, then a search for the hostile names: no dialog opens."""
    pw = _browser()
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hostile_site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    dialogs: list[str] = []
    try:
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
            urls = sorted({str(f.relative_to(hostile_site)).replace("index.html", "") for f in pages(hostile_site)
                           if "downloads" not in f.parts and f.name != "404.html"})
            for rel in urls:
                page.goto(base + rel, wait_until="load")
                # hover everything that carries data, as a reader's mouse would (onmouseover payloads)
                page.evaluate("for (const el of document.querySelectorAll('b,img,svg,a')) "
                              "{ el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); }")
            for prefix in ("", "en/"):
                page.goto(base + prefix, wait_until="load")
                for query in ("alert", "script", "鄂尔多斯", "onerror"):
                    box = page.locator("input[type=search], .md-search__input").first
                    box.click()
                    box.fill(query)
                    page.wait_for_timeout(700)
                    assert page.locator(".md-search-result__item, [data-search-result]").count() > 0 or query != "鄂尔多斯"
                    page.keyboard.press("Escape")
            page.wait_for_timeout(300)
            browser.close()
    finally:
        server.shutdown()
    assert not dialogs, "\n".join(dialogs[:20])
    assert len(urls) > 100
