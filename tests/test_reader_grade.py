"""Reader-grade pages (issue #12): numbers that do not mislead, notes written for the public in the interface's
language, text that renders as text, English glosses, what a reader needs to find the official document, and
what search engines and hosts need."""
from __future__ import annotations

import html as htmllib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_browser import browser, server, visit  # noqa: F401  (fixtures)

VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "col", "embed", "param", "track"}
# Curators' vocabulary that must never reach a reader outside the source page's editors' record and the guide.
INTERNAL = ["body_lines", "source.skipped", "section a1", "section a2", "GBK", "mojibake", "GB18030", "byte",
            "data/departments.yaml", "unit_note", "date_published", "doc_number", "U+E2AE"]


class Reader(HTMLParser):
    """The text a reader sees in the page's article, without parts marked lang="en" (and code, scripts)."""

    def __init__(self, skip_english: bool = True):
        super().__init__()
        self.stack, self.out, self.skip, self.inside = [], [], 0, 0
        self.skip_english = skip_english

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        skip = tag in ("code", "script", "style", "pre", "title", "desc") or (
            self.skip_english and (a.get("lang") or "").startswith("en"))
        self.stack.append((tag, skip, tag == "article"))
        self.skip += skip
        self.inside += tag == "article"

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            t, skip, art = self.stack.pop()
            self.skip -= skip
            self.inside -= art
            if t == tag:
                break

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.out.append(data)


def article_text(path: Path, skip_english: bool = True) -> str:
    r = Reader(skip_english)
    r.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(r.out))


def html_pages(site: Path, english: bool | None = None) -> list[Path]:
    out = []
    for p in sorted(site.rglob("*.html")):
        rel = p.relative_to(site).as_posix()
        if rel.startswith(("assets/", "en/assets/", "downloads/")):
            continue
        if english is None or rel.startswith("en/") == english:
            out.append(p)
    return out


ENGLISH_PROSE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,.;:()/-]+[A-Za-z][A-Za-z'’-]*){3,}")


def test_no_english_prose_on_the_chinese_interface(site: Path):
    """Outside spans marked lang="en" (intentional English: names, the schema reference), the Chinese site
    shows no run of four or more English words."""
    found = []
    for page in html_pages(site, english=False):
        for m in ENGLISH_PROSE.finditer(article_text(page)):
            found.append(f"{page.relative_to(site)}: {m.group(0)[:80]}")
    assert found == []


def test_no_curators_vocabulary_on_reader_pages(site: Path):
    """Plan, topic, indicator and other reader pages carry no internal names; the source pages' editors'
    record and the guide (for teams) may."""
    found = []
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        if "sources/" in rel or "guide/" in rel or rel.endswith("data/index.html"):
            continue
        text = article_text(page, skip_english=False)
        found += [f"{rel}: {word}" for word in INTERNAL if word in text]
    assert found == []


def test_no_page_shows_an_escaped_entity_or_markdown_as_text(site: Path):
    found = []
    for page in html_pages(site):
        text = article_text(page, skip_english=False)
        for bad in ("&#39;", "&\\#39;", "&amp;", "&lt;", "&gt;", "&quot;", "\\#", "\\*", "\\_", "\\["):
            if bad in text:
                found.append(f"{page.relative_to(site)}: {bad!r}")
    assert found == []


def test_lists_do_not_run_into_the_paragraph_above(site: Path):
    """A Markdown list glued to the line above renders as '…术语。- 开放数据' inside one paragraph."""
    found = []
    for page in html_pages(site):
        for para in re.findall(r"<p\b[^>]*>(.*?)</p>", page.read_text(encoding="utf-8"), re.S):
            text = htmllib.unescape(re.sub(r"<[^>]+>", "", para))
            if re.search(r"[。.:：;；)）]\s*\n?\s*- \S", text):
                found.append(f"{page.relative_to(site)}: {text[:60]}")
    assert found == []


def test_reader_notes_are_shown_in_the_interface_language(site: Path, plans):
    """Every defect, correction and skipped range has a short reader note in both languages, and the plan
    page shows the one of its interface (the curators' English stays in data/ and the source page)."""
    from policy_compare.validate import iter_provisions
    for lp in plans:
        plan = lp.plan
        zh = article_text(site / "plans" / plan.id / "index.html")
        en = article_text(site / "en" / "plans" / plan.id / "index.html", skip_english=False)
        for d in plan.defects:
            assert d.note_zh and d.note_en and len(d.note_zh) < 200 and len(d.note_en) < 420, (plan.id, d.where)
            assert d.note_zh in zh and d.note_en in en
            assert d.description not in zh and d.description not in en
        for prov, _, _ in iter_provisions(plan):
            if prov.correction:
                assert prov.correction.note_zh in zh and prov.correction.note_en in en
                assert prov.correction.reason not in zh
        source = article_text(site / "sources" / plan.id / "index.html")
        for s in plan.source.skipped:
            assert s.note_zh and s.note_en and s.note_zh in source


def test_target_counts_summed_over_topics_stay_close_to_each_plans_total(site: Path):
    """A plan-wide indicator table is no longer counted under every topic it touches (was 5.8x for Jiamusi)."""
    plans = {p["id"]: p for p in json.loads((site / "data" / "plans.json").read_text(encoding="utf-8"))}
    topics = json.loads((site / "data" / "topics.json").read_text(encoding="utf-8"))
    for plan_id, plan in plans.items():
        summed_targets = sum(t["coverage"][plan_id]["targets"] for t in topics)
        summed_baselines = sum(t["coverage"][plan_id]["baselines"] for t in topics)
        assert summed_targets <= 1.5 * plan["targets"] and summed_targets >= plan["targets"] * 0.9, plan_id
        assert summed_baselines <= 1.5 * max(plan["baselines"], 1), plan_id


def test_topic_pages_show_only_their_own_table_rows(site: Path):
    """Jiamusi's table of main indicators on the tobacco page shows its smoking-rate row, not all 21 rows."""
    html = (site / "topics" / "tobacco-alcohol" / "index.html").read_text(encoding="utf-8")
    col = html[html.index('id="city-jiamusi-2024"'):]
    col = col[:col.index("</section>")]
    assert "吸烟率" in col and "婴儿死亡率" not in col and "人均预期寿命" not in col
    assert "此表仅列出与本专题相关的" in col
    jiamusi = re.search(r'<p class="col-summary">([^<]*) · <span', col).group(1)
    assert jiamusi == "2 条 · 1 个目标 · 1 个基线", jiamusi


def test_city_matrix_counts_baselines_apart(site: Path):
    """The topics x cities matrix (the home page shows topics x provinces, which counts provisions only)."""
    html = (site / "topics" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"目标 \d+ · 基线 \d+", html)
    en = (site / "en" / "topics" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\d+ targets? · \d+ baselines?", en)


def test_unpublished_attachment_is_told_apart_from_no_target(site: Path):
    """Quzhou's indicator attachment is not in the published page: 'not in the published document', never
    'no target', on its plan page and in every indicator view."""
    assert "不在已公布的文件中" in article_text(site / "plans" / "quzhou-2020" / "index.html")
    assert "Not in the published document" in article_text(site / "en" / "plans" / "quzhou-2020" / "index.html", False)
    overview = (site / "indicators" / "index.html").read_text(encoding="utf-8")
    row = overview[overview.index('href="infant-mortality/"'):]
    row = row[:row.index("</tr>")]
    assert "不在已公布的文件中" in row and "无目标" in row  # Quzhou vs Lishui (which publishes everything)
    for page in (site / "indicators").glob("*/index.html"):
        text = article_text(page)
        if "衢州 2020" in text.split("不在已公布的文件中：")[-1][:40]:
            continue
        assert "无目标： 衢州" not in text and "无目标：衢州" not in text, page
    lifexp = article_text(site / "indicators" / "life-expectancy" / "index.html")
    assert "不在已公布的文件中" in lifexp


def test_indicator_tables_list_each_value_once_and_trust_table_headers(site: Path):
    html = (site / "indicators" / "infant-mortality" / "index.html").read_text(encoding="utf-8")
    table = html[html.index("<table"):html.index("</table>")]
    rows = [re.sub(r"<[^>]+>", "", r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]
    keys = [tuple(c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[:4]) for r in
            re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]
    assert len(keys) == len(set(keys)), keys
    jiamusi_2025 = [k for k in keys if k[0] == "佳木斯 2024" and k[1].startswith("2025")]
    assert jiamusi_2025 and jiamusi_2025[0][1] == "2025"  # the table header says 2025: not inferred


def test_english_counts_are_singular_and_plural(site: Path):
    found = []
    for page in html_pages(site, english=True):
        text = article_text(page, skip_english=False)
        found += re.findall(r"(?<![\d.])1 (?:provisions|targets|baselines|actions|cities)\b", text)
    assert found == []


def test_page_titles_name_the_page(site: Path):
    for page in html_pages(site):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8")).group(1)
        assert not title.startswith("Index"), page


def test_english_site_glosses_qualitative_targets_and_bodies(site: Path):
    text = article_text(site / "en" / "plans" / "lianyungang-2017" / "index.html", skip_english=False)
    assert "保持较好控制水平 (kept under good control)" in text
    assert "市卫计委 (Municipal Health and Family Planning Commission (before 2018))" in text
    zh = article_text(site / "plans" / "lianyungang-2017" / "index.html")
    assert "kept under good control" not in zh


def test_plan_and_source_pages_say_how_to_find_the_official_document(site: Path, plans):
    for lp in plans:
        plan = lp.plan
        for page in (site / "plans" / plan.id / "index.html", site / "sources" / plan.id / "index.html"):
            text = article_text(page)
            for value in (plan.doc_number, plan.index_number, plan.source.site_section, *plan.issuer):
                if value:
                    assert re.sub(r"\s+", " ", value) in text, (page, value)
            assert f"{plan.date_written.year}年{plan.date_written.month}月{plan.date_written.day}日" in text


def test_seo_without_a_site_address(site: Path):
    """A build without SITE_URL knows no host: no 127.0.0.1 anywhere a reader or crawler sees, no canonical,
    an empty sitemap, a robots.txt without a Sitemap line; still a description and OpenGraph data per page."""
    descriptions = set()
    for page in html_pages(site):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert "127.0.0.1" not in head and 'rel="canonical"' not in head, page
        assert "//./" not in head and "//en/" not in head
        descriptions.add(re.search(r'<meta name="description" content="([^"]*)"', head).group(1))
        assert 'property="og:title"' in head and 'property="og:description"' in head
    assert len(descriptions) > 0.9 * len(html_pages(site))
    assert "<loc>" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and "Sitemap" not in robots
    assert "127.0.0.1" not in (site / "plans" / "ordos-2020" / "index.html").read_text(encoding="utf-8")


def test_seo_with_a_site_address(deployed_site: Path):
    from conftest import DEPLOYED_URL
    head = (deployed_site / "plans" / "ordos-2020" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert f'<link rel="canonical" href="{DEPLOYED_URL}plans/ordos-2020/">' in head
    assert f'<link rel="alternate" href="{DEPLOYED_URL}plans/ordos-2020/" hreflang="zh">' in head
    assert f'<link rel="alternate" href="{DEPLOYED_URL}en/plans/ordos-2020/" hreflang="en">' in head
    assert f'<meta property="og:url" content="{DEPLOYED_URL}plans/ordos-2020/">' in head
    en = (deployed_site / "en" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert f'<link rel="alternate" href="{DEPLOYED_URL}" hreflang="zh">' in en
    assert f"<loc>{DEPLOYED_URL}plans/ordos-2020/</loc>" in (deployed_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"Sitemap: {DEPLOYED_URL}sitemap.xml" in (deployed_site / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["topics/tobacco-alcohol/?cities=ordos-2020,jiamusi-2024#city-ordos-2020",
                                  "plans/ordos-2020/#s3-4-1-p1"])
def test_language_switch_keeps_the_selection_and_the_anchor(browser, server, path):
    page, _ = visit(browser, server + path)
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == server + "en/" + path
    page.close()
