"""Pages that do not grow with the corpus: beyond a few dozen plans, the home page, the responsibility page,
the indicator index and the indicator charts summarise by province (or draw the latest plans) instead of
listing every city. Rendered in-process (no MkDocs) from a synthetic corpus of 36 plans (bench/corpus.py)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
N = 36


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    import corpus
    from policy_compare import compare, render
    from policy_compare.i18n import ZH
    from policy_compare.pipeline import validate_all

    data = tmp_path_factory.mktemp("scale") / "data"
    corpus.make(N, data, seed=3)
    plans, problems, catalogues = validate_all(data)
    assert not [p for p in problems if p.level == "error"]
    built = compare.build_corpus(plans, data, catalogues)
    docs = data.parent / "docs"
    render.write_pages(built, docs, ZH)
    return built, docs


def test_the_home_page_lists_provinces_not_every_plan(rendered):
    from policy_compare.render import HOME_PLAN_LIMIT
    from policy_compare.topicpage import by_province

    corpus, docs = rendered
    home = (docs / "index.md").read_text(encoding="utf-8")
    provinces = by_province(corpus.plans)
    assert len(corpus.plans) > HOME_PLAN_LIMIT
    assert all(f"(plans/index.md#{g.slug})" in home for g in provinces)
    assert not re.search(r"\(plans/[^)/]+-\d{4}\.md\)", home)  # no row per plan
    assert home.count('<g class="tl-plan">') == HOME_PLAN_LIMIT  # the timeline of the latest plans
    assert f"最近成文的 {HOME_PLAN_LIMIT} 份规划" in home


def test_responsibility_is_by_province_with_a_page_per_province(rendered):
    from policy_compare.topicpage import by_province

    corpus, docs = rendered
    overview = (docs / "responsible.md").read_text(encoding="utf-8")
    for g in by_province(corpus.plans):
        assert f"(responsible/{g.slug}.md)" in overview
        page = (docs / "responsible" / f"{g.slug}.md").read_text(encoding="utf-8")
        stating = [r for r in corpus.responsibility if r.plan in g.plans and r.states_bodies]
        for r in stating:  # each city's section lives on its province's page, linking back to the groups
            assert f"{{ #{r.plan.id} }}" in page
        if stating:
            assert 'href="../#dept-' in page  # the built page responsible/<province>/ to responsible/
    assert not any(f"{{ #{p.id} }}" in overview for p in corpus.plans)  # no city section on the overview


def test_the_indicator_index_has_a_column_per_province(rendered):
    from policy_compare.topicpage import by_province

    corpus, docs = rendered
    index = (docs / "indicators" / "index.md").read_text(encoding="utf-8")
    header = next(line for line in index.splitlines() if line.startswith("| 指标 |"))
    assert header.count("|") - 3 == len(by_province(corpus.plans))
    assert "(../plans/" not in index  # the city-specific list is counted, not listed


def test_indicator_charts_draw_at_most_the_latest_cities(rendered):
    from policy_compare.render import CHART_CITY_LIMIT

    corpus, docs = rendered
    crowded = [v for v in corpus.indicators if v.cities > CHART_CITY_LIMIT]
    assert crowded, "no indicator with more cities than the chart draws: the corpus is too small for this test"
    for view in crowded:
        page = (docs / "indicators" / f"{view.indicator.id}.md").read_text(encoding="utf-8")
        chart = page[page.index("<svg"):page.index("</svg>")]
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.S).group(1)
        assert desc.count("; ") + 1 <= CHART_CITY_LIMIT  # one series per city in the description
        assert f"图中为最近成文的 {CHART_CITY_LIMIT} 份规划的城市" in page
        table_rows = [line for line in page.splitlines() if line.startswith("<tr><td>") and 'href="../../plans/' in line]
        cities = {re.match(r"<tr><td>(.*?)</td>", r).group(1) for r in table_rows}
        assert len(cities) == view.cities  # the table keeps every city
