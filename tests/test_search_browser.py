"""The site search in real headless Chromium, on the real site (issues #10 and #12): nothing is loaded before
the box is used; provision-level results open at the provision; Simplified and Traditional queries, and
abbreviations and full forms, find the same results; pages are findable; both interfaces; file://."""
from __future__ import annotations

import re
import zipfile
from urllib.parse import unquote, urlsplit

import pytest

from test_browser import browser, server, visit  # noqa: F401  (fixtures)


def search(page, query: str, expand: bool = True) -> list[str]:
    """Paste a query into the search box (no key press) and return every result link, all groups expanded."""
    page.keyboard.press("s")  # the shortcut opens the search box
    page.fill("input.md-search__input", query)  # sets the text and fires `input`, as a paste does
    page.wait_for_function("q => document.getElementById('pc-search').getAttribute('data-done') === q", arg=query.strip())
    page.wait_for_load_state("networkidle")
    while expand:
        buttons = page.locator("#pc-search .pc-search-more:not([disabled]), #pc-search .pc-search-next:not([disabled])")
        if not buttons.count():
            break
        buttons.first.click()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(50)
    return page.eval_on_selector_all("#pc-search .md-search-result__item a[href]", "els => els.map(e => e.href)")


def plans_hit(links: list[str]) -> set[str]:
    return {m.group(1) for h in links if (m := re.search(r"/plans/([^/]+?)(?:/|\.html)(?:index\.html)?#.", h))}


def provisions_hit(links: list[str]) -> set[str]:
    return {h.split("/plans/", 1)[1] for h in links if "/plans/" in h and "#" in h}


PAGES = ["", "topics/tobacco-alcohol/", "indicators/infant-mortality/", "plans/lishui-2021/", "glossary/",
         "en/", "en/topics/tobacco-alcohol/"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_any_search_file_before_the_box_is_used(browser, server, path):
    page, requests = visit(browser, server + path)
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert [u for u in requests if "/search/" in u] == []
    page.locator("input.md-search__input").focus()
    page.wait_for_load_state("networkidle")
    loaded = [urlsplit(u).path for u in requests if "/search/" in u]
    assert loaded == [("/en" if path.startswith("en/") else "") + "/search/meta.js"]  # meta only, until a query
    page.close()


@pytest.mark.parametrize("lang", ["", "en/"])
def test_a_query_finds_provisions_grouped_by_plan_opening_at_the_provision(browser, server, plans, lang):
    from policy_compare.links import to_simplified
    from policy_compare.validate import iter_provisions
    page, _ = visit(browser, server + lang)
    links = search(page, "控烟")
    expected = {lp.plan.id for lp in plans for p, _, _ in iter_provisions(lp.plan)
                if "控烟" in to_simplified(p.text + "".join(c for r in p.table or [] for c in r))}
    assert "lishui-2021" in expected  # Lishui writes 控煙
    assert plans_hit(links) >= expected
    # results are grouped: each group starts with its plan (or page) and holds its provisions
    heads = page.eval_on_selector_all("#pc-search .md-search-result__item > a:first-child", "els => els.map(e => e.href)")
    assert len(heads) == len(set(heads)), "one group per plan or page"
    first = next(h for h in links if "/plans/" in h and "#" in h)
    page.goto(first, wait_until="networkidle")
    anchor = unquote(urlsplit(first).fragment)
    assert page.locator(f".provision[id='{anchor}']").count() == 1
    assert page.evaluate("location.pathname").startswith("/" + lang + "plans/")
    page.close()


@pytest.mark.parametrize("simple,trad", [("丽水", "麗水"), ("控烟", "控煙"), ("医保", "醫保"), ("家庭医生", "家庭醫生")])
def test_simplified_and_traditional_queries_give_the_same_results(browser, server, simple, trad):
    page, _ = visit(browser, server)
    a = search(page, simple)
    b = search(page, trad)
    assert a == b and len(a) > 3
    page.close()


def test_city_names_in_either_script_find_the_plan_and_its_provisions(browser, server):
    page, _ = visit(browser, server)
    links = search(page, "丽水", expand=False)
    assert "/plans/lishui-2021/" in links[0]
    page.close()


def test_words_inside_compounds_are_found(browser, server):
    page, _ = visit(browser, server)
    assert "quzhou-2020" in plans_hit(search(page, "医生"))  # Quzhou writes 家庭医生
    page.close()


def test_abbreviations_and_full_forms_find_each_other(browser, server):
    page, _ = visit(browser, server)
    drg = search(page, "DRG")
    # Lishui and Quzhou write DRGs; Lianyungang and Ordos only 按疾病诊断相关分组付费
    assert {"lishui-2021", "quzhou-2020", "lianyungang-2017", "ordos-2020"} <= plans_hit(drg)
    assert provisions_hit(search(page, "按疾病诊断相关分组付费")) == provisions_hit(drg)
    assert provisions_hit(search(page, "drgs")) == provisions_hit(drg)
    assert {"jiamusi-2024", "ordos-2020", "quzhou-2020"} <= plans_hit(search(page, "DIP"))
    page.close()


def test_partial_matches_name_only_the_words_a_result_lacks(browser, server):
    page, _ = visit(browser, server)
    search(page, "控烟 火星", expand=False)
    missing = page.locator("#pc-search .pc-search-missing").all_inner_texts()
    assert missing and set(missing) == {"缺少：火星"}
    search(page, "控烟 戒烟", expand=False)  # both occur: no result claims either is missing
    assert page.locator("#pc-search .pc-search-missing").count() == 0
    page.close()


def test_a_table_hit_shows_the_matching_row_not_the_whole_table(browser, server):
    page, _ = visit(browser, server)
    search(page, "居民健康素养水平")
    rows = page.locator("#pc-search .pc-search-row").all_inner_texts()
    assert rows, "a plan-wide indicator table matches"
    for row in rows:
        assert "居民健康素养水平" in row or "居民健康素養水平" in row
        assert len(row) < 200
    page.close()


@pytest.mark.parametrize("lang,query,target", [
    ("", "控烟限酒", "topics/tobacco-alcohol/"), ("", "婴儿死亡率", "indicators/infant-mortality/"),
    ("", "约束性", "glossary/#yueshuxing"), ("en/", "infant mortality", "indicators/infant-mortality/"),
    ("en/", "tobacco", "topics/tobacco-alcohol/")])
def test_topic_indicator_and_glossary_pages_are_found(browser, server, lang, query, target):
    page, _ = visit(browser, server + lang)
    links = search(page, query, expand=False)
    assert any(h.endswith("/" + lang + target) for h in links), links[:8]
    page.close()


def test_results_are_text_never_markup(browser, server):
    page, _ = visit(browser, server)
    search(page, "健康")
    tags = set(page.eval_on_selector_all("#pc-search .md-search-result__list *", "els => els.map(e => e.tagName.toLowerCase())"))
    assert tags <= {"li", "a", "article", "div", "h1", "h2", "p", "mark", "button"}
    assert page.locator("#pc-search mark").count() > 0
    page.close()


def test_search_results_have_no_serious_accessibility_violations(browser, server):
    import os
    from test_reader import AXE
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: make test fetches axe-core from the npm registry")
        pytest.skip("axe-core not fetched (run make test)")
    page, _ = visit(browser, server)
    search(page, "控烟 火星", expand=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document.getElementById('pc-search'), {resultTypes: ['violations']}))"
                           ".violations.map(v => ({id: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    assert [v for v in result if v["impact"] in ("serious", "critical")] == []
    page.close()


def test_the_offline_bundle_searches_from_the_file_system(browser, site, tmp_path):
    with zipfile.ZipFile(site / "downloads" / "policy-compare-offline.zip") as z:
        z.extractall(tmp_path)
    root = tmp_path / "policy-compare"
    for start in (root / "index.html", root / "en" / "topics" / "tobacco-alcohol.html"
                  if (root / "en" / "topics" / "tobacco-alcohol.html").exists()
                  else root / "en" / "topics" / "tobacco-alcohol" / "index.html"):
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(start.as_uri(), wait_until="load")
        links = search(page, "醫保", expand=False)
        assert "lishui-2021" in plans_hit(links)
        first = next(h for h in links if "/plans/" in h and "#" in h)
        page.goto(first, wait_until="load")
        assert page.locator(f".provision[id='{unquote(urlsplit(first).fragment)}']").count() == 1
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
        page.close()


def test_the_online_build_searches_from_the_file_system_too(browser, site, tmp_path):
    """The offline bundle may be the online build with links rewritten to index.html: its search files work
    as they are (results to a folder URL open its index.html from file://)."""
    import shutil
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("downloads"))
    page = browser.new_page()
    page.goto((copy / "en" / "index.html").as_uri(), wait_until="load")
    links = search(page, "控煙", expand=False)
    first = next(h for h in links if "/plans/" in h and "#" in h)
    assert urlsplit(first).path.endswith("/index.html")
    page.goto(first, wait_until="load")
    assert page.locator(f".provision[id='{unquote(urlsplit(first).fragment)}']").count() == 1
    page.close()
