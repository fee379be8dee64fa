"""Readers, trainers and teams (issue #4), in real headless Chromium: the language switch,
accessibility (axe-core), no third-party requests, phones, print, and the offline bundle from file://."""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_browser import browser, server, visit  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / ".cache" / "axe-core" / "package" / "axe.min.js"  # make test fetches it from npm

PAGES = ["", "topics/tobacco-alcohol/", "indicators/infant-mortality/", "plans/lishui-2021/", "responsible/",
         "glossary/", "guide/", "data/", "sources/ordos-2020/"]


@pytest.mark.parametrize("path", PAGES)
def test_language_switch_lands_on_the_same_page(browser, server, path):
    page, _ = visit(browser, server + path)
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/en/" + path
    assert page.evaluate("document.documentElement.lang") == "en"
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=zh]").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/" + path
    assert page.evaluate("document.documentElement.lang").startswith("zh")
    page.close()


def test_english_pages_have_english_labels_and_original_chinese_provisions(browser, server):
    page, _ = visit(browser, server + "en/topics/tobacco-alcohol/")
    assert page.locator("h1").inner_text().startswith("Tobacco and alcohol control")
    assert "Showing 3 cities side by side" in page.locator(".city-status").inner_text()
    assert "Choose cities (by province)" in page.locator(".city-picker summary").inner_text()
    ordos = page.locator(".compare-col[data-plan=ordos-2020]")
    assert ordos.locator(".compare-city[role=heading]").inner_text().startswith("Ordos 2020")
    assert ordos.locator(".pv-text[lang=zh-Hans]").first.inner_text().strip() != ""
    nav = page.locator(".md-tabs").inner_text()
    for label in ("Home", "Topics", "Indicators", "Plans"):
        assert label in nav
    assert not re.search(r"[\u4e00-\u9fff]", nav), "English navigation must not contain Chinese labels"
    page.close()


MAIN_PAGES = ["", "en/", "topics/tobacco-alcohol/", "en/topics/tobacco-alcohol/", "indicators/",
              "indicators/infant-mortality/", "plans/ordos-2020/", "responsible/", "glossary/"]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_serious_accessibility_violations(browser, server, path):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: make test fetches axe-core from the npm registry")
        pytest.skip("axe-core not fetched (run make test)")
    page, _ = visit(browser, server + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                           ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, "
                           "where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    page.close()


@pytest.mark.parametrize("path", ["", "topics/health-literacy/", "indicators/infant-mortality/", "plans/lishui-2021/",
                                  "en/", "en/topics/health-literacy/", "responsible/", "glossary/"])
def test_pages_request_nothing_from_other_hosts(browser, server, path):
    page, requests = visit(browser, server + path)
    page.keyboard.press("s")  # the search loads its index files too
    page.wait_for_timeout(500)
    own = urlsplit(server).netloc
    foreign = [u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != own]
    assert foreign == []
    page.close()


@pytest.mark.parametrize("path", ["topics/health-literacy/", "en/topics/tobacco-alcohol/", "indicators/infant-mortality/",
                                  "", "responsible/"])
def test_phone_width_shows_pages_without_horizontal_scrolling(browser, server, path):
    page, _ = visit(browser, server + path, width=375)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # running text wraps inside the viewport (wide tables scroll inside their own box)
    too_wide = page.evaluate("""() => [...document.querySelectorAll('.md-content p, .provision')]
        .filter(e => e.offsetParent && !e.closest('.matrix-wrap, .pv-table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.textContent.slice(0, 30))""")
    assert too_wide == []
    page.close()


def test_print_hides_navigation_and_prints_the_shown_cities(browser, server, plans):
    page, _ = visit(browser, server + "topics/tobacco-alcohol/")
    shown = page.locator(".compare-col:visible").evaluate_all("els => els.map(e => e.dataset.plan)")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-tabs", ".md-footer", ".city-bar"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator(".compare-col:visible").evaluate_all("els => els.map(e => e.dataset.plan)") == shown
    by_plan = {lp.plan.id: lp.plan for lp in plans}
    for plan in shown:  # every provision of every printed city, its document named in its summary box
        col = page.locator(f".compare-col[data-plan={plan}]")
        for text in col.locator(".pv-text").all_inner_texts():
            assert text.strip()
        assert by_plan[plan].title in col.locator(".col-summary").inner_text()
    citation = page.locator(".print-citation")
    assert citation.is_visible() and "/topics/tobacco-alcohol/" in citation.inner_text()
    assert page.locator(".compare-col .pv-path").first.is_visible()  # and where each provision stands, with its line
    assert "行" in page.locator(".compare-col .pv-path").first.inner_text()
    page.close()


@pytest.mark.parametrize("path", ["indicators/infant-mortality/", "plans/ordos-2020/", "en/indicators/infant-mortality/"])
def test_indicator_and_plan_pages_print_without_chrome(browser, server, path):
    page, _ = visit(browser, server + path)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-tabs", ".md-footer"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator(".print-citation").is_visible()
    if "indicators/" in path:
        chart = page.locator("svg.ind-chart")
        assert chart.is_visible()
        assert chart.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"  # black and white
    else:
        assert page.locator(".provision").count() > 50 and page.locator(".provision").first.is_visible()
    page.close()


def test_two_city_handout_prints_side_by_side_on_a4(browser, server):
    page, _ = visit(browser, server + "topics/tobacco-alcohol/?cities=ordos-2020,quzhou-2020")
    page.emulate_media(media="print")
    cols = page.locator(".compare-col:visible")
    assert cols.count() == 2
    tops = cols.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert tops[0] == tops[1], "the two cities print side by side"
    assert "cities=ordos-2020,quzhou-2020" in page.locator(".print-citation").inner_text().replace("%2C", ",")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"handout takes {pages} A4 pages; it must fit one sheet printed on both sides"
    page.close()


def test_offline_bundle_works_from_the_file_system(browser, site, tmp_path):
    bundle = site / "downloads" / "policy-compare-offline.zip"
    assert bundle.exists()
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path)
    root = tmp_path / "policy-compare"
    assert (root / "index.html").exists() and (root / "en" / "index.html").exists()
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((root / "index.html").as_uri(), wait_until="load")
    page.get_by_role("link", name="控烟限酒").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("topics/tobacco-alcohol/index.html")  # the online pages, folder URLs completed
    # its search from file:// is tested in test_search_browser.py
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    page.close()


def test_home_links_the_offline_bundle_and_at_a_glance_views(site):
    from test_site import parse
    home = parse(site / "index.html")
    text = "".join(home.text)
    assert "时间线" in text and "专题覆盖" in text
    for href in ("responsible/", "glossary/", "guide/", "data/#offline"):
        assert any(h.endswith(href) for h in home.links), href
    assert "downloads/policy-compare-offline.zip" in home.links
    assert "../downloads/policy-compare-offline.zip" in parse(site / "en" / "index.html").links
    data_page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="../downloads/policy-compare-offline.zip"' in data_page
    en_data = (site / "en" / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/policy-compare-offline.zip"' in en_data
