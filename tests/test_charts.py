"""Charts (issue #12): round ticks, no negative axis for a quantity that cannot be negative, no two labels
overlapping (measured in Chromium with getBBox on every chart of every indicator page and the home timeline,
both languages), comparators visible, text readable on a phone, every horizon on the timeline."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from test_browser import browser, server, visit  # noqa: F401  (fixtures)

from policy_compare.chart import nice_ticks, period_label, spread, tick_label

ROOT = Path(__file__).resolve().parent.parent


def is_round_step(step: float) -> bool:
    mag = 10 ** math.floor(math.log10(step) + 1e-9)
    return any(abs(step - m * mag) < 1e-9 * max(1, step) for m in (1, 2, 2.5, 5, 10))


@pytest.mark.parametrize("lo,hi", [(0.519, 8.03), (4.08, 5.12), (6.79, 13.1), (77.6, 80), (0, 0), (95, 95),
                                   (0.1, 0.3), (800, 2000), (-3, 4), (14.47, 14.47), (1.2, 1000)])
def test_ticks_are_round_steps_covering_the_values(lo, hi):
    ticks = nice_ticks(lo, hi, floor_zero=lo >= 0)
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1 and is_round_step(steps.pop()), ticks
    assert ticks[0] <= lo and ticks[-1] >= hi
    assert 2 <= len(ticks) <= 12
    if lo >= 0:
        assert ticks[0] >= 0, "a quantity that cannot be negative gets no negative tick"
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", tick_label(t)) for t in ticks)


def test_labels_are_spread_at_least_a_gap_apart_within_bounds():
    out = spread([10, 11, 12, 200, 201], 18, 0, 300)
    assert all(b - a >= 18 - 1e-9 for a, b in zip(out, out[1:]))
    out = spread([290, 295, 299], 18, 0, 300)
    assert out[-1] <= 300 and all(b - a >= 18 - 1e-9 for a, b in zip(out, out[1:]))


def test_one_year_plan_period_reads_as_one_year(plans):
    lishui = next(lp.plan for lp in plans if lp.plan.id == "lishui-2021")
    assert period_label(lishui) == "2021"


def indicator_paths() -> list[str]:
    import yaml
    ids = [i["id"] for i in yaml.safe_load((ROOT / "data" / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]]
    return [f"{lang}indicators/{i}/" for lang in ("", "en/") for i in ids]


BOXES = """svg => [...svg.querySelectorAll('text')].map(t => {
  const b = t.getBBox(); const m = t.getCTM();
  return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height};
})"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5 and \
               a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5:
                found.append((a["text"], b["text"]))
    return found


def test_no_chart_labels_overlap_and_ticks_are_round_on_every_indicator_page(browser, server, site):
    """Every chart of every indicator page and the home timeline, both languages, laid out by Chromium in one
    real page of the site (same fonts and styles): the boxes of no two text labels intersect."""
    charts = []
    for path in indicator_paths() + ["", "en/"]:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        charts += [(path, svg) for svg in re.findall(r"<svg class=\"(?:ind|timeline)-chart\".*?</svg>", html, re.S)]
    assert len(charts) >= 30, len(charts)
    page, _ = visit(browser, server + "indicators/infant-mortality/")
    page.evaluate("""charts => { const main = document.querySelector('article');
        main.innerHTML = charts.map(([p, svg]) => `<div class="chart-wrap" data-path="${p}">${svg}</div>`).join(''); }""",
                  charts)
    problems = []
    for wrap in page.locator(".chart-wrap").element_handles():
        path = wrap.get_attribute("data-path")
        svg = wrap.query_selector("svg")
        for a, b in overlaps(svg.evaluate(BOXES)):
            problems.append(f"{path}: {a!r} overlaps {b!r}")
        if "ind-chart" in (svg.get_attribute("class") or ""):
            ticks = svg.evaluate("""svg => [...svg.querySelectorAll('text[text-anchor=end]')]
                .map(t => t.textContent).filter(s => /^-?[0-9.]+$/.test(s)).map(Number)""")
            steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
            if len(steps) != 1 or not is_round_step(steps.pop()):
                problems.append(f"{path}: ticks not round {ticks}")
            if ticks and ticks[0] < 0:
                problems.append(f"{path}: negative tick {ticks[0]}")
    page.close()
    assert problems == []


def test_chart_text_is_readable_on_a_phone(browser, server):
    page, _ = visit(browser, server + "indicators/infant-mortality/", width=375)
    heights = page.eval_on_selector("svg.ind-chart", """svg => [...svg.querySelectorAll('text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width)""")
    assert heights and min(heights) >= 11, min(heights)
    page.close()


def test_comparators_are_drawn_and_explained(site):
    html = (site / "indicators" / "infant-mortality" / "index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg class=\"ind-chart\".*?</svg>", html, re.S).group(0)
    assert 'class="cmp cmp--ceiling"' in svg  # Ordos: 婴儿死亡率 ≤ 7.5‰ (2022), ≤ 5‰ (2030)
    assert "≤7.5" in svg or "≤5" in svg
    assert "不超过（上限 ≤）" in svg and "不低于（下限 ≥）" in svg
    en = (site / "en" / "indicators" / "health-literacy" / "index.html").read_text(encoding="utf-8")
    assert 'class="cmp cmp--floor"' in en and "at least (floor, ≥)" in en


def test_timeline_has_every_horizon_and_one_year_periods(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg class=\"timeline-chart\".*?</svg>", html, re.S).group(0)
    assert "2035 远景" in svg  # Jiamusi's long-term horizon
    assert "2021–2021" not in html and "2021–2021" not in (site / "plans" / "lishui-2021" / "index.html").read_text(encoding="utf-8")
    assert "规划期 2021," in svg
