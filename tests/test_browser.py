"""Real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): what a reader's browser does.

In CI (CI=true) a missing browser is a failure, not a skip: .ci/run installs it.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# CHROMIUM_PATH=playwright uses Playwright's own browser (GitHub-hosted runners, where Chromium is a snap).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _browser_or_skip():
    if CHROMIUM != "playwright" and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install Debian's chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed; it is in requirements.txt")
    return sync_playwright


@pytest.fixture(scope="module")
def server(site: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        exe = {} if CHROMIUM == "playwright" else {"executable_path": CHROMIUM}
        b = p.chromium.launch(args=ARGS, **exe)
        yield b
        b.close()


def visit(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="networkidle")
    return page, requests


@pytest.mark.parametrize("path", ["", "plans/ordos-2020/", "plans/lishui-2021/", "sources/jiamusi-2024/", "data/"])
def test_pages_load_nothing_from_other_hosts(browser, server, path):
    page, requests = visit(browser, server + path)
    own = urlsplit(server).netloc
    foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own]
    assert foreign == []
    assert len(requests) > 3  # the page, its CSS and JS were really requested
    page.close()


def test_reader_goes_from_home_to_a_provision_and_its_source(browser, server):
    page, _ = visit(browser, server)
    page.get_by_role("link", name="鄂尔多斯 2020").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("plans/ordos-2020/")
    assert page.locator("h1").inner_text().startswith("鄂尔多斯 2020")
    literacy = page.locator(".provision", has_text="居民健康素养水平分别不低于22%和30%")
    assert literacy.locator(".target").count() >= 2
    assert literacy.locator(".pv-bodies").inner_text().startswith("牵头 市卫生健康委员会")
    literacy.get_by_role("link", name="原文第").click()
    page.wait_for_load_state("networkidle")
    assert "/sources/ordos-2020/#L" in page.url
    line_id = page.url.rsplit("#", 1)[1]
    assert "居民健康素养水平分别不低于22%和30%" in page.locator(f"#{line_id}").inner_text()
    page.close()


def test_traditional_text_and_correction_are_shown(browser, server):
    page, _ = visit(browser, server + "plans/lishui-2021/")
    garbled = page.locator(".pv-garbled")
    assert garbled.count() == 1
    assert "醫保基金" in page.locator(".pv-correction").inner_text()
    assert page.locator("text=麗水").count() > 0
    page.close()


def test_city_selection_survives_in_the_url(browser, server):
    page, _ = visit(browser, server + "topics/tobacco-alcohol/?cities=ordos-2020,lishui-2021")
    visible = page.locator(".compare-col:visible")
    assert sorted(visible.evaluate_all("els => els.map(e => e.dataset.plan)")) == ["lishui-2021", "ordos-2020"]
    page.locator(".city-picker summary").click()
    page.locator(".city-picker input[value=quzhou-2020]").check()
    from urllib.parse import parse_qs
    shared = parse_qs(urlsplit(page.url).query)["cities"][0].split(",")
    assert sorted(shared) == ["lishui-2021", "ordos-2020", "quzhou-2020"]
    assert page.locator(".compare-col:visible").count() == 3
    page.close()


def test_comparison_page_fits_a_phone(browser, server):
    page, _ = visit(browser, server + "topics/health-literacy/", width=375)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    cols = page.locator(".compare-col:visible")
    xs = cols.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().left))")
    assert len(set(xs)) == 1, "columns should stack on a phone"
    page.close()


def test_indicator_overview_sorts_and_keeps_no_target_last(browser, server):
    page, _ = visit(browser, server + "indicators/")
    overview = page.locator(".matrix-wrap").first
    header = overview.locator("thead th", has_text="鄂尔多斯")
    header.locator(".sort-btn").click()
    column = overview.locator("thead th").evaluate_all(
        "(ths, name) => ths.findIndex(th => th.textContent.includes(name))", "鄂尔多斯")
    cells = overview.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()
    has_value = [not c.startswith("无目标") for c in cells]
    assert has_value == sorted(has_value, reverse=True), "cells without a target must sort last"
    assert header.get_attribute("aria-sort") == "ascending"
    page.close()
