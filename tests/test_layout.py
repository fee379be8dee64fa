"""Layout at any corpus size (issues #10 and #12), in real headless Chromium: topic pages that fit a 1366-px
screen and show which cities are hidden, a picker that brings a city in (its provisions load from a fragment
file, from file:// too), the selection kept in the URL and localStorage, phones, the printed handout, the
navigation's overviews, and tables readable at 375 px."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import DATA
from test_browser import browser, server, visit  # noqa: F401  (fixtures)
from policy_compare.validate import iter_provisions

TOPICS = [t["id"] for t in yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]]


def tagged(plans, topic: str) -> dict[str, list[str]]:
    """plan id -> its provision ids on this topic (document order)."""
    return {lp.plan.id: [p.id for p, _, _ in iter_provisions(lp.plan) if topic in p.topics] for lp in plans}


def test_every_topic_page_fits_a_laptop_and_names_the_hidden_cities(browser, server, plans):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    for topic in TOPICS:
        page.goto(server + f"topics/{topic}/", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, topic
        cols = page.locator(".compare-col:visible")
        rights = cols.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        assert rights and max(rights) <= 1366, topic
        assert len(set(cols.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))"))) == 1, \
            f"{topic}: the default cities stand side by side"
        shown = set(cols.evaluate_all("els => els.map(e => e.dataset.plan)"))
        addressing = {k for k, v in tagged(plans, topic).items() if v}
        assert shown <= addressing and len(shown) == min(3, len(addressing)), topic
        status = page.locator(".city-bar .city-status").inner_text()
        assert f"并排显示 {len(shown)} 个城市" in status, status
        for lp in plans:  # the cue names every hidden city
            if lp.plan.id not in shown:
                assert f"{lp.plan.city.zh} {lp.plan.date_written.year}" in status, (topic, lp.plan.id)
    page.close()


def test_topic_page_holds_only_the_default_cities_and_fragments_hold_the_rest(site: Path, plans):
    """The page's weight does not grow with the corpus: other cities' provisions are in per-plan fragments."""
    for topic in ("tobacco-alcohol", "health-literacy"):
        html = (site / "topics" / topic / "index.html").read_text(encoding="utf-8")
        want = tagged(plans, topic)
        in_page = set(re.findall(r'\bid="([a-z0-9_-]+?)--[a-z0-9_-]+"', html))
        assert 0 < len(in_page) <= 3
        for plan, ids in want.items():
            fragment = site / "topics" / topic / f"{plan}.js"
            if plan in in_page or not ids:
                assert not fragment.exists()
                continue
            text = fragment.read_text(encoding="utf-8")
            assert text.startswith(f'pcFragment("{plan}", "') and "</" not in text  # no early </script>
            assert re.findall(r'id=\\"' + re.escape(plan) + r'--([a-z0-9_-]+)\\"', text) == ids
            assert f'data-src="{plan}.js"' in html
        assert "data-src=" in (site / "en" / "topics" / topic / "index.html").read_text(encoding="utf-8")


def hidden_city(page) -> str:
    """A city the page does not show that addresses the topic."""
    return page.evaluate("""() => [...document.querySelectorAll('.compare-col[data-src]')].map(c => c.dataset.plan)[0]""")


def test_picker_brings_in_a_hidden_city_and_keeps_the_choice(browser, server, plans):
    page, requests = visit(browser, server + "topics/tobacco-alcohol/", width=1366)
    plan = hidden_city(page)
    lp = next(lp for lp in plans if lp.plan.id == plan)
    assert page.locator(f".compare-col[data-plan={plan}]").is_hidden()
    page.locator(".city-picker summary").click()
    page.locator(".picker-search").fill(lp.plan.city.en[:4].lower())  # search as you type, by English name too
    labels = page.locator(".picker-group label:visible")
    assert labels.count() >= 1 and all(lp.plan.city.zh in t or lp.plan.city.en in t for t in labels.all_inner_texts())
    page.locator(f".picker-group input[value={plan}]").check()
    col = page.locator(f".compare-col[data-plan={plan}]")
    col.locator(".provision").first.wait_for()
    assert col.locator(".provision").count() == len(tagged(plans, "tobacco-alcohol")[plan])
    assert any(r.endswith(f"/topics/tobacco-alcohol/{plan}.js") for r in requests)
    shared = parse_qs(urlsplit(page.url).query)["cities"][0].split(",")
    assert plan in shared and len(shared) == 4
    assert plan not in page.locator(".hidden-cities").inner_text()
    # the shared address opens the same selection ...
    page.goto(page.url, wait_until="networkidle")
    assert sorted(page.locator(".compare-col:visible").evaluate_all("els => els.map(e => e.dataset.plan)")) == sorted(shared)
    # ... and the reader's choice is remembered on another topic (localStorage)
    page.goto(server + "topics/health-literacy/", wait_until="networkidle")
    assert sorted(page.locator(".compare-col:visible").evaluate_all("els => els.map(e => e.dataset.plan)")) == sorted(shared)
    page.close()


def test_anchor_to_a_hidden_city_brings_it_in(browser, server, plans):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(server + "topics/tobacco-alcohol/", wait_until="networkidle")
    plan = hidden_city(page)
    page.close()
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # a fresh load (a hash change alone is not one)
    page.goto(server + f"topics/tobacco-alcohol/#city-{plan}", wait_until="networkidle")
    page.locator(f".compare-col[data-plan={plan}] .provision").first.wait_for()
    assert page.locator(f".compare-col[data-plan={plan}]").is_visible()
    page.close()


def test_phone_stacks_and_folds_the_cities(browser, server):
    page, _ = visit(browser, server + "topics/health-literacy/", width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    cols = page.locator(".compare-col:visible")
    assert len(set(cols.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().left))"))) == 1
    folded = page.locator(".compare-col.is-folded:visible")
    assert folded.count() == cols.count() - 1  # the first city open, the others folded to their heading
    assert folded.first.locator(".provision").first.is_hidden()
    folded.first.locator(".col-toggle").click()
    assert cols.nth(1).locator(".provision").first.is_visible()
    button = page.locator(".col-toggle").first.bounding_box()
    assert button["width"] >= 24 and button["height"] >= 24
    plan = hidden_city(page)  # a city the reader brings in opens unfolded
    page.locator(".city-picker summary").click()
    page.locator(f".picker-group input[value={plan}]").check()
    page.locator(f".compare-col[data-plan={plan}] .provision").first.wait_for()
    assert not page.locator(f".compare-col[data-plan={plan}]").evaluate("e => e.classList.contains('is-folded')")
    page.close()


def test_handout_prints_only_the_chosen_cities_with_badges_and_paths(browser, server, plans):
    chosen = ["ordos-2020", "lishui-2021"]  # Lishui's column is a fragment by default: printed once loaded
    page, _ = visit(browser, server + f"topics/tobacco-alcohol/?cities={','.join(chosen)}")
    page.locator(".compare-col[data-plan=lishui-2021] .provision").first.wait_for(state="attached")
    page.emulate_media(media="print")
    cols = page.locator(".compare-col:visible")
    assert cols.evaluate_all("els => els.map(e => e.dataset.plan)") == chosen
    tops = cols.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert tops[0] == tops[1], "the two cities print side by side"
    assert page.locator(".city-bar").is_hidden() and page.locator(".col-toggle").first.is_hidden()
    printed = page.locator("article").inner_text()
    for lp in plans:
        summary = f"{lp.plan.city.zh} {lp.plan.date_written.year}"
        assert (summary in printed) == (lp.plan.id in chosen), summary  # only the chosen cities, summaries included
    assert "在规划中查看" not in printed and "原文第" not in printed  # no on-screen link text
    assert page.locator(".col-summary:visible").count() == 2
    by_plan = {lp.plan.id: lp.plan for lp in plans}
    for plan in chosen:
        col = page.locator(f".compare-col[data-plan={plan}]")
        provs = [p for p, _, _ in iter_provisions(by_plan[plan]) if "tobacco-alcohol" in p.topics]
        assert col.locator(".pv-path:visible").count() == len(provs)
        for p in provs:
            assert f"第 {p.source_line} 行" in col.inner_text()  # where each provision stands, with its line
        badges = col.locator(".provision:not(:has(table)) .target")  # badges printed (a table shows its own values)
        assert badges.evaluate_all("els => els.filter(e => !e.checkVisibility()).length") == 0
    assert page.locator(".compare-col:visible .target:visible").count() > 0
    assert page.locator(".print-citation").is_visible()
    pdf = page.pdf(format="A4")
    assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 2
    page.close()


def clipped(page) -> list[str]:
    """Table cells whose value is cut off: overflowing their own box, or outside the screen with no
    scrolling box around them."""
    return page.evaluate("""() => [...document.querySelectorAll('.md-content td')].filter(td => {
        if (!td.offsetParent) return false;
        if (td.scrollWidth > td.clientWidth + 1) return true;
        const r = td.getBoundingClientRect();
        if (r.left >= -1 && r.right <= innerWidth + 1) return false;
        for (let e = td.parentElement; e; e = e.parentElement)
          if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth) return false;
        return true; }).map(td => td.textContent.slice(0, 30))""")


@pytest.mark.parametrize("path", ["indicators/", "indicators/infant-mortality/", "en/indicators/infant-mortality/",
                                  "plans/", ""])
def test_tables_at_phone_width_clip_no_value(browser, server, path):
    page, _ = visit(browser, server + path, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert clipped(page) == []
    if path.startswith(("indicators/", "en/indicators/")):  # stacked: every value in view, labelled by its column
        cells = page.locator(".stack-sm tbody td")
        assert cells.count() > 0
        rights = cells.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        assert max(rights) <= 375
        assert cells.first.get_attribute("data-label")
    page.close()


def test_tabs_open_their_overviews(browser, server, plans):
    for prefix, plans_tab, more_tab in (("", "规划", "更多"), ("en/", "Plans", "Data and guides")):
        page, _ = visit(browser, server + prefix)
        page.locator(".md-tabs__link", has_text=plans_tab).click()
        page.wait_for_load_state("networkidle")
        assert urlsplit(page.url).path == f"/{prefix}plans/"
        links = page.locator("article a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        for lp in plans:
            assert f"../{lp.plan.id}/" in links or f"{lp.plan.id}/" in links, lp.plan.id
        provinces = page.locator("article h2").all_inner_texts()
        assert len(provinces) == len({lp.plan.province.en for lp in plans})  # one group per province
        zhejiang = page.locator("h2", has_text="浙江" if not prefix else "Zhejiang")
        assert zhejiang.count() == 1
        page.locator(".md-tabs__link", has_text=more_tab).click()
        page.wait_for_load_state("networkidle")
        assert urlsplit(page.url).path == f"/{prefix}more/"
        for href in ("../responsible/", "../glossary/", "../sources/", "../data/", "../guide/", "../about/"):
            assert page.locator(f"article a[href='{href}']").count() == 1, href
        page.close()


def test_navigation_does_not_list_every_plan(site: Path, plans):
    for rel in ("about/index.html", "plans/ordos-2020/index.html", "topics/tobacco-alcohol/index.html"):
        html = (site / rel).read_text(encoding="utf-8")
        nav = html.split('<nav class="md-nav md-nav--primary', 1)[1].split('<div class="md-content"', 1)[0]
        assert "md-nav__link" in nav
        for lp in plans:
            assert lp.plan.id not in nav, (rel, lp.plan.id)  # no plan link, no per-city table of contents


def test_anchor_targets_land_below_the_sticky_header(browser, server, plans):
    lp = next(lp for lp in plans if lp.plan.id == "ordos-2020")
    prov = next(p for p, _, _ in iter_provisions(lp.plan) if p.topics)
    for url, selector in ((f"plans/ordos-2020/#{prov.id}", f"[id='{prov.id}']"),
                          ("sources/ordos-2020/#L40", "#L40")):
        page, _ = visit(browser, server + url, width=1366)
        header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
        top = page.evaluate(f"document.querySelector(\"{selector}\").getBoundingClientRect().top")
        assert top >= header - 1, (url, top, header)
        page.close()


def test_tap_targets_small_text_and_header_scopes(browser, server):
    page, _ = visit(browser, server + "indicators/", width=1366)
    for box in page.locator(".sort-btn").evaluate_all("els => els.map(e => [e.offsetWidth, e.offsetHeight])"):
        assert box[0] >= 24 and box[1] >= 24, box
    assert page.locator("th:not([scope])").count() == 0 and page.locator("th[scope]").count() > 0
    page.goto(server, wait_until="networkidle")
    sizes = page.locator(".md-content small").evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12
    page.goto(server + "plans/ordos-2020/", wait_until="networkidle")
    assert page.locator("th:not([scope])").count() == 0
    page.close()


def test_home_matrix_counts_by_province_and_opens_those_cities(browser, server, plans):
    page, _ = visit(browser, server, width=1366)
    matrix = page.locator("#coverage ~ .matrix-wrap table").first
    heads = matrix.locator("thead th").all_inner_texts()
    assert len(heads) == 1 + len({lp.plan.province.en for lp in plans})  # one column per province
    zhejiang = [lp.plan.id for lp in plans if lp.plan.province.en == "Zhejiang"]
    want = [pid for pid in zhejiang if tagged(plans, "tobacco-alcohol")[pid]]
    link = matrix.locator(f"a[href*='tobacco-alcohol/?cities=']", has_text=re.compile(r"\(%d/%d\)" % (len(want), len(zhejiang))))
    assert link.count() == 1
    link.click()
    page.wait_for_load_state("networkidle")
    shown = page.locator(".compare-col:visible").evaluate_all("els => els.map(e => e.dataset.plan)")
    assert sorted(shown) == sorted(want)
    page.close()


def test_offline_bundle_loads_a_hidden_city_from_the_file_system(browser, site, tmp_path):
    with zipfile.ZipFile(site / "downloads" / "policy-compare-offline.zip") as z:
        z.extractall(tmp_path)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto((tmp_path / "policy-compare" / "topics" / "tobacco-alcohol" / "index.html").as_uri(), wait_until="load")
    plan = hidden_city(page)
    page.locator(".city-picker summary").click()
    page.locator(f".picker-group input[value={plan}]").check()
    page.locator(f".compare-col[data-plan={plan}] .provision").first.wait_for()
    link = page.locator(f".compare-col[data-plan={plan}] .pv-meta a").first.get_attribute("href")
    assert link.startswith("../../plans/") and "/index.html#" in link  # file:// links: folders end in index.html
    page.close()


def synthetic_topic_page(plans, n: int, topic: str = "tobacco-alcohol") -> str:
    """The topic page's Markdown for n cities (clones of the real plans in 30 provinces), with the deferred
    columns cut out as the build does: what a first visit downloads, less the theme."""
    from policy_compare import render
    from policy_compare.compare import TopicCoverage, TopicView, _walk
    from policy_compare.i18n import ZH
    from policy_compare.model import Name, TopicCatalogue
    from policy_compare.topicpage import topic_page

    catalogue = TopicCatalogue.model_validate(yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8")))
    coverage = []
    for i in range(n):
        base = plans[i % len(plans)].plan
        plan = base.model_copy(update={"id": f"{base.city_id}{i}-{base.date_written.year}", "city_id": f"{base.city_id}{i}",
                                       "city": Name(zh=f"{base.city.zh}{i}", en=f"{base.city.en}{i}"),
                                       "province": Name(zh=f"省{i % 30}", en=f"Province {i % 30}")})
        refs: list = []
        _walk(plan, plan.sections, (), (), refs)
        on = tuple(r for r in refs if topic in r.provision.topics)
        coverage.append(TopicCoverage(plan, on, sum(len(r.provision.targets) for r in on)))
    view = TopicView(next(t for t in catalogue.topics if t.id == topic), tuple(coverage))
    env = render.environment()
    env.globals.update(ZH.globals())
    env.globals.update(heading_level=render.heading_level, text_lang=render.text_lang,
                       topic_names={t.id: t.name_zh for t in catalogue.topics}, indicator_names={})
    from policy_compare import routes
    rel, page = routes.source("topic", topic), topic_page(view)
    text = env.get_template("topic.md.j2").render(page=page, href=render.href_global(rel),
                                                  columns=render.topic_columns(env, rel, page))
    return re.sub(r'<section (?=[^>]*data-defer="1").*?</section>', "", text, flags=re.S)


def test_topic_page_weight_stays_flat_at_300_cities(plans):
    """At 300 cities the first visit of a topic page stays far below 150 KB gzip: each further city costs
    its picker entry and an empty placeholder, not its provisions."""
    import gzip
    small, large = (len(gzip.compress(synthetic_topic_page(plans, n).encode())) for n in (30, 300))
    per_city = (large - small) / 270
    assert per_city < 100, per_city  # measured: about 20 bytes
    assert large < 40_000, large  # measured: about 9.4 KB; the theme adds about 15 KB gzip


def test_plans_of_one_city_must_name_the_same_city_and_province(plans):
    from dataclasses import replace

    from policy_compare.model import Name
    from policy_compare.topicpage import by_province
    from policy_compare.validate import cross_city_identity

    assert cross_city_identity(plans) == []
    ordos = next(lp for lp in plans if lp.plan.id == "ordos-2020")
    later = replace(ordos, plan=ordos.plan.model_copy(update={"id": "ordos-2025", "province": Name(zh="陕西省", en="Shaanxi")}))
    problems = cross_city_identity([ordos, later])
    assert [(p.code, p.file) for p in problems] == [("city_mismatch", ordos.doc.display)]
    assert "'陕西省' differs from '内蒙古自治区'" in problems[0].message and "city_id 'ordos'" in problems[0].message
    # successive plans of one city sit together in their province
    groups = by_province([lp.plan for lp in plans])
    assert [g.name.en for g in groups] == ["Inner Mongolia", "Heilongjiang", "Jiangsu", "Zhejiang"]  # division-code order
    assert [p.city_id for p in next(g for g in groups if g.name.en == "Zhejiang").plans] == ["quzhou", "lishui"]
