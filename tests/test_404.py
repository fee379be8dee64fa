"""The 404 page works under a project sub-path without SITE_URL (GitHub Pages serves /<repo>/404.html for any
missing address below /<repo>/), in real headless Chromium. Its links are also checked, with every other
page's, by test_site.test_internal_links_and_anchors_resolve."""
from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from test_browser import browser  # noqa: F401  (fixture)
from test_site import parse


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site below /repo/ and, like GitHub Pages, 404.html (status 404) for anything missing."""

    site: Path

    def translate_path(self, path: str) -> str:
        rel = path.split("?", 1)[0].split("#", 1)[0]
        if not rel.startswith("/repo/"):
            return str(self.site / "no-such-file")
        return super().translate_path("/" + rel[len("/repo/"):])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.exists():
            body = (self.site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().send_head()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sub_path_server(site: Path):
    handler = type("Handler", (SubPathHandler,), {"site": site})
    handler.__init__ = lambda self, *a, **k: SubPathHandler.__init__(self, *a, directory=str(site), **k)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_404_page_has_no_root_absolute_or_protocol_relative_links(site: Path):
    for page in (site / "404.html", site / "en" / "404.html"):
        parsed = parse(page)
        urls = parsed.links + [u for _, u in parsed.resources]
        assert urls and not [u for u in urls if u.startswith("/")], page


@pytest.mark.parametrize("missing", ["/repo/nope", "/repo/plans/no-such-plan/", "/repo/topics/a/b/c/"])
def test_the_404_page_works_under_a_sub_path(browser, sub_path_server, missing: str):  # noqa: F811
    """Styles, scripts, search and links all resolve below /repo/. (Chromium's preload scanner may guess the
    assets' addresses before the <base> is written; those speculative requests are not what the page uses.)"""
    page = browser.new_page()
    xhr_failed: list[str] = []
    page.on("response", lambda r: xhr_failed.append(r.url) if r.status >= 400 and r.request.resource_type in ("xhr", "fetch") else None)
    response = page.goto(sub_path_server + missing, wait_until="networkidle")
    assert response.status == 404
    root = sub_path_server + "/repo/"
    assert page.evaluate("document.baseURI") == root
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert any("/repo/assets/stylesheets/main" in s for s in sheets) and all(s.startswith(root + "assets/") for s in sheets)
    scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    assert scripts and all(s.startswith(root + "assets/") for s in scripts), scripts
    assert page.evaluate("typeof document$") != "undefined", "Material's bundle did not run"
    assert xhr_failed == []  # the search index and sitemaps load from the site root
    assert page.evaluate("document.querySelector('article a').href") == root
    english = page.evaluate("[...document.querySelectorAll('a[hreflang=en]')].map(a => a.href)")
    assert english and set(english) == {root + "en/"}
    page.close()
