"""At a glance (issue #4): home coverage matrix and timeline, the responsibility view with its curated
department groups, the glossary, the Adding-a-plan guide, and English labels on the English site."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from conftest import DATA, run_build
from policy_compare.validate import iter_provisions
from test_site import parse

HAN = re.compile(r"[\u3400-\u9fff]")


def bodies_by_plan(plans) -> dict[str, set[str]]:
    return {lp.plan.id: {b for p, _, _ in iter_provisions(lp.plan) for b in (*p.lead, *p.partners)} for lp in plans}


def test_every_named_body_is_in_exactly_one_curated_group(plans):
    groups = yaml.safe_load((DATA / "departments.yaml").read_text(encoding="utf-8"))["departments"]
    named = [n for g in groups for n in g["names"]]
    assert len(named) == len(set(named)), "a body name is in two groups"
    used = set().union(*bodies_by_plan(plans).values())
    assert used == set(named), f"ungrouped: {used - set(named)}; not in any plan: {set(named) - used}"
    health = next(g for g in groups if g["id"] == "health")
    assert {"市卫生健康委员会", "市衛生健康委", "市卫计委"} <= set(health["names"])  # the issue's own example


def test_responsibility_page_keeps_original_names_per_city(site: Path, plans):
    for prefix in ("", "en/"):
        html = (site / prefix / "responsible" / "index.html").read_text(encoding="utf-8")
        page = parse(site / prefix / "responsible" / "index.html")
        for plan_id, names in bodies_by_plan(plans).items():
            if names:
                assert plan_id in page.ids, plan_id
                section = html.split(f'id="{plan_id}"', 1)[1].split("<h3", 1)[0]
                for name in names:
                    assert name in section, (prefix, plan_id, name)
            else:  # plans that name no bodies are said to do so, not silently left out
                city = next(lp.plan for lp in plans if lp.plan.id == plan_id)
                note = html.split('<div class="admonition note">', 1)[1].split("</div>", 1)[0]
                assert (city.city.zh if not prefix else city.city.en) in note, plan_id
    assert "谁来负责" in "".join(parse(site / "responsible" / "index.html").text)
    assert "Who is responsible" in "".join(parse(site / "en" / "responsible" / "index.html").text)


def test_responsibility_counts_match_the_data(site: Path, plans):
    """The health group's lead count per city equals the provisions that name one of its bodies as lead."""
    groups = yaml.safe_load((DATA / "departments.yaml").read_text(encoding="utf-8"))["departments"]
    health = set(next(g for g in groups if g["id"] == "health")["names"])
    html = (site / "responsible" / "index.html").read_text(encoding="utf-8")
    for lp in plans:
        led = sum(1 for p, _, _ in iter_provisions(lp.plan) if health & set(p.lead))
        if not led:
            continue
        section = html.split(f'id="{lp.plan.id}"', 1)[1].split("<h3", 1)[0]
        row = next(r for r in section.split("<tr>") if 'href="#dept-health"' in r)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert int(cells[2]) == led, lp.plan.id


def test_responsibility_overview_counts_leads_per_city(site: Path, plans):
    groups = yaml.safe_load((DATA / "departments.yaml").read_text(encoding="utf-8"))["departments"]
    health = set(next(g for g in groups if g["id"] == "health")["names"])
    html = (site / "responsible" / "index.html").read_text(encoding="utf-8")
    overview = html.split('id="overview"', 1)[1].split('id="by-city"', 1)[0]
    row = next(r for r in overview.split("<tr>") if 'href="#dept-health"' in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1:]
    ordered = sorted(plans, key=lambda lp: (lp.plan.date_written, lp.plan.id))
    for lp, cell in zip(ordered, cells):
        led = sum(1 for p, _, _ in iter_provisions(lp.plan) if health & set(p.lead))
        assert (f">{led}</a>" in cell) if led else ("—" in cell), (lp.plan.id, cell)


def test_unknown_department_name_is_reported_with_its_line(tmp_path: Path):
    import shutil
    from conftest import MINI
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "departments.yaml").write_text(
        "departments:\n- id: health\n  name_zh: 卫生健康部门\n  name_en: Health commission\n"
        "  names:\n  - 市卫生健康委员会\n  - 市卫生健康委员\n", encoding="utf-8")
    proc = run_build("check", "--data", str(data))
    assert proc.returncode == 1
    line = next(ln for ln in proc.stderr.splitlines() if "unknown_body" in ln)
    assert line.endswith("departments.yaml:7: departments[0].names[1]: '市卫生健康委员' is not a lead or partner body in any "
                         "plan. Did you mean '市卫生健康委员会'? [unknown_body]")


def test_glossary_terms_occur_in_the_plans_and_have_both_languages(site: Path, plans):
    from policy_compare.links import to_simplified
    terms = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    corpus = "".join(re.sub(r"\s", "", lp.source_text) for lp in plans)
    for key in ("三减三健", "医共体", "DRG", "医养结合", "预期性", "约束性"):  # the examples
        assert any(key in t["term_zh"] or key in t["term_en"] or key in "".join(t["variants"]) for t in terms), key
    zh, en = parse(site / "glossary" / "index.html"), parse(site / "en" / "glossary" / "index.html")
    for t in terms:
        assert any(w in corpus or to_simplified(w) in to_simplified(corpus) for w in (t["term_zh"], *t["variants"])), t["id"]
        for v in t["variants"]:
            assert v in corpus, f"variant {v} of {t['id']} does not occur in any plan"
        assert t["id"] in zh.ids and t["id"] in en.ids
        assert t["definition_zh"].strip() and t["definition_en"].strip()
    assert terms[0]["definition_en"][:30] in "".join(en.text)


def test_home_matrix_links_every_cell_and_shows_not_addressed(site: Path, plans):
    html = (site / "index.html").read_text(encoding="utf-8")
    matrix = html.split('id="coverage"', 1)[1]
    topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    for t in topics:
        for lp in plans:
            n = sum(1 for p, _, _ in iter_provisions(lp.plan) if t["id"] in p.topics)
            link = f'href="topics/{t["id"]}/#city-{lp.plan.id}"'
            assert (link in matrix) == bool(n), (t["id"], lp.plan.id)
            if n:
                assert re.search(re.escape(link) + r"[^>]*>" + str(n) + r"\b", matrix), (t["id"], lp.plan.id)
    assert "未涉及" in matrix


def test_home_timeline_shows_every_plan_period_and_target_year(site: Path, plans):
    html = (site / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg class="timeline-chart".*?</svg>', html, re.S).group(0)
    assert "<title" in svg and "<desc" in svg
    assert svg.count('class="tl-plan"') == len(plans)
    for lp in plans:
        p = lp.plan
        assert f"{p.city.zh} {p.date_written.year}" in svg
        assert f"{p.period.start}–{p.period.end}" in svg  # in the description
        for y in p.target_years:
            assert f">{y} (" in svg
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "Timeline of plan periods and target years" in en


def test_guide_has_a_generated_schema_reference_and_a_real_example(site: Path, plans):
    from policy_compare.model import Plan, Provision, Target
    for prefix in ("", "en/"):
        html = (site / prefix / "guide" / "index.html").read_text(encoding="utf-8")
        for model in (Plan, Provision, Target):
            assert f'id="schema-{model.__name__.lower()}"' in html
            for name in model.model_fields:
                assert f"<code>{name}</code>" in html, (model.__name__, name)
        assert "build.py check" in html and "[not_verbatim]" in html
        example = re.search(r'<code class="language-yaml">(.*?)</code>', html, re.S) or re.search(r"language-yaml.*?<code>(.*?)</code>", html, re.S)
        assert example, "worked example missing"
    import html as html_lib
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", example.group(1)))
    doc = yaml.safe_load(text)
    plan = next(lp for lp in plans if lp.plan.id == doc["id"])
    node = doc["sections"][0]
    while "sections" in node:
        node = node["sections"][0]
    provision = node["provisions"][0]
    assert provision["text"].replace(" ", "") in plan.source_text.replace("\n", "").replace(" ", "")


class LabelText(HTMLParser):
    """Text of an English page outside elements marked lang="zh…", skipping scripts and the source code."""

    SKIP = {"script", "style", "code", "pre", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        parent = self.stack[-1] if self.stack else False
        skip = parent or tag in self.SKIP or (a.get("lang") or "").startswith("zh") \
            or {"provision", "dept-note", "defect-notes", "md-select__link", "md-nav--secondary"} & set((a.get("class") or "").split())
        # dept-note, defect-notes: curators' notes quote the Chinese words they explain;
        # md-nav--secondary: the table of contents repeats the document's own (Chinese) headings
        if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "source", "col"):
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "source", "col") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.out.append(data)


def test_english_pages_label_everything_in_english(site: Path):
    """Outside the original Chinese (marked lang="zh…"), English pages contain no Chinese: every label,
    heading, navigation item, table header and chart label exists in English."""
    pages = ["index.html", "topics/index.html", "topics/tobacco-alcohol/index.html", "indicators/index.html",
             "indicators/infant-mortality/index.html", "responsible/index.html", "plans/ordos-2020/index.html",
             "data/index.html", "about/index.html"]
    for rel in pages:
        parser = LabelText()
        body = (site / "en" / rel).read_text(encoding="utf-8")
        body = body.split('<div class="md-content"', 1)[0].split("<header", 1)[-1] + body.split('<div class="md-content"', 1)[1]
        parser.feed(body)
        leftovers = [s.strip() for s in parser.out if HAN.search(s)]
        allowed = {"中文"}  # the language switch offers Chinese in Chinese
        leftovers = [s for s in leftovers if s not in allowed]
        assert leftovers == [], (rel, leftovers[:10])


def test_english_label_check_can_fail():
    parser = LabelText()
    parser.feed('<h2>Topics 专题</h2><p lang="zh-Hans">原文</p>')
    assert [s for s in parser.out if HAN.search(s)] == ["Topics 专题"]


def test_a_team_adds_one_plan_and_the_city_appears_everywhere(tmp_path: Path):
    """The fork-and-add-a-YAML story: a sixth plan (the mini fixture, tagged) joins every comparison."""
    import shutil
    from conftest import MINI
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(MINI / "sources" / "mini-2020.txt", data / "sources")
    doc = yaml.safe_load((MINI / "plans" / "mini-2020.yaml").read_text(encoding="utf-8"))
    doc["city"] = {"zh": "样例市", "en": "Sample City"}

    def tag(sections):
        for s in sections:
            for p in s.get("provisions") or []:
                p["topics"] = ["tobacco-alcohol"] if "烟" in p["text"] else ["health-literacy"]
            tag(s.get("sections") or [])
    tag(doc["sections"])
    (data / "plans" / "mini-2020.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "site"
    proc = run_build("--data", str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "样例市 2020" in home and 'href="plans/mini-2020/"' in home
    assert home.count('class="tl-plan"') == 6
    topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    for t in topics:
        page = parse(out / "topics" / t["id"] / "index.html")
        assert "city-mini-2020" in page.ids, t["id"]  # shown, addressed or "not addressed"
    assert any(i.startswith("mini-2020--") for i in parse(out / "topics" / "health-literacy" / "index.html").ids)
    assert "Sample City 2020" in (out / "en" / "topics" / "diet" / "index.html").read_text(encoding="utf-8")
    assert "样例市 2020" in (out / "indicators" / "index.html").read_text(encoding="utf-8")
    index = (out / "search" / "meta.js").read_text(encoding="utf-8")
    assert '"plans/mini-2020/","plan"' in index
