"""Inline SVG charts built at build time: no JavaScript, no CDN, prints sharply, readable without colour.

Indicator charts: each city is one line from its baselines to its targets, told apart by dash pattern, marker
shape and a label in the right margin (not by colour alone). The same numbers are shown as a table on the page.

Steps of :func:`line_chart`:
1. collect each city's numeric, non-relative values (one point per year and kind; a value stated twice counts once);
2. pick round axis ticks (1, 2, 2.5 or 5 × 10ⁿ) that hold every value, never below 0 for a quantity that
   cannot be negative;
3. label only the years that fit without touching each other;
4. stack the city labels in the right margin, at least a line apart, with a leader to the line's last point;
5. mark each target's comparator: an arrow up from a floor (≥, >), down from a ceiling (≤, <), explained in a
   legend under the plot.

Text is 14 units high in a 640-unit-wide drawing that CSS keeps at least 520 px wide (scrolling sideways on a
phone), so no chart text renders below 11 px.
"""
from __future__ import annotations

import math

from markupsafe import Markup

from .compare import Corpus, IndicatorView
from .filters import COMPARATOR_SYMBOLS, num
from .filters import md as escape  # the SVG sits in Markdown: data is escaped for both (see filters.md)
from .i18n import ZH, Lang

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 340, 64, 170, 28, 64
FONT = 14
LINE = FONT * 1.6        # minimum vertical distance between two stacked labels (CJK fonts are tall)
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 5"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]
FLOORS, CEILINGS = (">=", ">"), ("<=", "<")


def text_width(text: str, size: float = FONT) -> float:
    """Conservative width of a label: CJK characters are one em, other characters at most 0.62 em."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.62 for ch in text)


def nice_ticks(lo: float, hi: float, count: int = 5, floor_zero: bool = True) -> list[float]:
    """Round ticks covering [lo, hi]: a step of 1, 2, 2.5 or 5 × 10ⁿ giving about ``count`` intervals.
    With ``floor_zero`` (a quantity that cannot be negative) no tick is below 0."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    if floor_zero:
        lo = max(lo, 0.0)
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw - 1e-12)
    start = math.floor(lo / step + 1e-9) * step
    if floor_zero:
        start = max(start, 0.0)
    ticks = [round(start, 10)]
    while ticks[-1] < hi - step * 1e-6 or len(ticks) < 2:
        ticks.append(round(start + step * len(ticks), 10))
    return ticks


def tick_label(v: float) -> str:
    """1 -> '1', 2.5 -> '2.5', 0.05 -> '0.05', 1000 -> '1000' (no exponent, no float noise)."""
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def spread(wanted: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Positions as close as possible to ``wanted`` (sorted ascending) but at least ``gap`` apart, within [lo, hi]."""
    out: list[float] = []
    for w in wanted:
        out.append(max(w, out[-1] + gap) if out else max(w, lo))
    overflow = out[-1] - hi if out else 0
    if overflow > 0:  # push the stack back up, keeping the gaps
        out = [v - overflow for v in out]
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    return out


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="currentColor" stroke-width="1.5"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="currentColor"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f}Z" fill="currentColor"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f}Z" fill="#fff" stroke="currentColor"/>'
    return f'<path d="M{x - 4:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 4:.1f} M{x + 4:.1f} {y - 4:.1f} L{x - 4:.1f} {y + 4:.1f}" stroke="currentColor" stroke-width="2"/>'


def _arrow(x: float, y: float, up: bool) -> str:
    """A short arrow from a target's marker: up for a floor (at least), down for a ceiling (at most)."""
    d = -1 if up else 1
    tip = y + d * 16
    return (f'<path class="cmp cmp--{"floor" if up else "ceiling"}" d="M{x:.1f} {y + d * 6:.1f} L{x:.1f} {tip:.1f} '
            f'M{x - 3.5:.1f} {tip - d * 5:.1f} L{x:.1f} {tip:.1f} L{x + 3.5:.1f} {tip - d * 5:.1f}" '
            f'fill="none" stroke="currentColor" stroke-width="1.5"/>')


Point = tuple[int, float, str, str]  # year, value, kind, comparator


def series(view: IndicatorView, lang: Lang = ZH) -> list[tuple[str, list[Point]]]:
    """Per city: (label, [(year, value, kind, comparator)]) for numeric, non-relative values, one per year
    and kind (a plan stating the same value in its text and its table gives one point)."""
    out = []
    for plan, refs in view.rows:
        points: dict[tuple[int, str], Point] = {}
        for t in refs:
            tg = t.target
            if tg.value is not None and not tg.relative:
                points.setdefault((tg.year, tg.kind), (tg.year, tg.value, tg.kind, tg.comparator or "="))
        if points:
            out.append((lang.place(plan.city), sorted(points.values())))
    return out


def _year_labels(years: list[int], x) -> list[int]:
    """The years to label: left to right, skipping any that would touch the previous label."""
    shown: list[int] = []
    for yr in sorted(set(years)):
        if not shown or x(yr) - x(shown[-1]) >= text_width(str(yr)) + 6:
            shown.append(yr)
    return shown


def line_chart(view: IndicatorView, lang: Lang = ZH) -> Markup:
    data = series(view, lang)
    if not data:
        return Markup("")
    years = [p[0] for _, pts in data for p in pts]
    values = [p[1] for _, pts in data for p in pts]
    y0, y1 = min(years), max(years)
    ticks = nice_ticks(min(values), max(values), floor_zero=min(values) >= 0)
    v0, v1 = ticks[0], ticks[-1]
    plot_r = W - PAD_R

    def x(year): return PAD_L + 12 + (plot_r - PAD_L - 24) * ((year - y0) / ((y1 - y0) or 1))
    def y(v): return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - v0) / ((v1 - v0) or 1))

    ind = view.indicator
    unit = lang.unit(ind.unit)
    title = f"{lang.name(ind)} ({unit})"
    desc = "; ".join(f"{label}: " + ", ".join(f"{yr} {lang.term(k)} {COMPARATOR_SYMBOLS.get(c, '')}{num(v)}" for yr, v, k, c in pts)
                     for label, pts in data)
    parts = [f'<svg class="ind-chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="chart-title chart-desc" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">',
             f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>',
             f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{plot_r}" y2="{H - PAD_B}" stroke="currentColor"/>',
             f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="currentColor"/>']
    for yr in _year_labels(years, x):
        parts.append(f'<text class="lbl" x="{x(yr):.1f}" y="{H - PAD_B + FONT + 6}" text-anchor="middle" fill="currentColor">{yr}</text>')
    for v in ticks:
        parts.append(f'<text class="lbl" x="{PAD_L - 6}" y="{y(v) + FONT * 0.35:.1f}" text-anchor="end" fill="currentColor">{tick_label(v)}</text>')
        parts.append(f'<line x1="{PAD_L}" y1="{y(v):.1f}" x2="{plot_r}" y2="{y(v):.1f}" stroke="currentColor" stroke-opacity=".15"/>')
    parts.append(f'<text class="lbl" x="{PAD_L + 6}" y="{PAD_T - 10}" fill="currentColor">{escape(unit)}</text>')
    ends = []
    for n, (label, pts) in enumerate(data):
        line = [p for p in pts]
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(p[0]):.1f} {y(p[1]):.1f}" for j, p in enumerate(line))
        dash = DASHES[n % len(DASHES)]
        parts.append(f'<g class="series"><path d="{path}" fill="none" stroke="currentColor" stroke-width="1.8"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for yr, v, kind, cmp in line:
            parts.append(_marker(MARKERS[n % len(MARKERS)], x(yr), y(v)))
            if kind == "target" and cmp in FLOORS + CEILINGS:
                parts.append(_arrow(x(yr), y(v), up=cmp in FLOORS))
        parts.append("</g>")
        yr, v, _, cmp = line[-1]
        ends.append((y(v), x(yr), f"{label} {COMPARATOR_SYMBOLS.get(cmp, '')}{num(v)}", MARKERS[n % len(MARKERS)]))
    ends.sort()
    placed = spread([e[0] for e in ends], LINE, PAD_T, H - PAD_B)
    lx = plot_r + 14
    for (py, px, text, _), ly in zip(ends, placed):
        parts.append(f'<path d="M{px + 6:.1f} {py:.1f} L{lx - 3:.1f} {ly:.1f}" stroke="currentColor" stroke-opacity=".5" fill="none"/>'
                     f'<text class="lbl" x="{lx}" y="{ly + FONT * 0.35:.1f}" fill="currentColor">{escape(text)}</text>')
    parts.append(_legend(lang))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(lang: Lang) -> str:
    """Under the plot: what the arrows mean."""
    ly = H - 14
    up = lang.t("不低于（下限 ≥）", "at least (floor, ≥)")
    down = lang.t("不超过（上限 ≤）", "at most (ceiling, ≤)")
    x1 = PAD_L
    x2 = x1 + 14 + text_width(up) + 24
    return (f'<g class="chart-legend">{_arrow(x1 + 4, ly + 4, True)}<text class="lbl" x="{x1 + 14}" y="{ly}" fill="currentColor">{escape(up)}</text>'
            f'{_arrow(x2 + 4, ly - 14, False)}<text class="lbl" x="{x2 + 14}" y="{ly}" fill="currentColor">{escape(down)}</text></g>')


def period_label(plan) -> str:
    """'2021' for a one-year plan, '2020–2030' otherwise."""
    return str(plan.period.start) if plan.period.start == plan.period.end else f"{plan.period.start}–{plan.period.end}"


def timeline(corpus: Corpus, lang: Lang = ZH, plans=None) -> Markup:
    """One row per plan (``plans``, by default every plan): its period as a bar, the year written as a dot,
    its target years as diamonds labelled with how many targets fall in that year, long-term horizons
    without targets as open circles. Years run left to right; prints in black."""
    plans = corpus.plans if plans is None else plans
    if not plans:
        return Markup("")
    per_year: dict[tuple[str, int], int] = {}
    shown = {p.id for p in plans}
    for t in corpus.targets:
        if t.target.kind == "target" and t.ref.plan.id in shown:
            key = (t.ref.plan.id, t.target.year)
            per_year[key] = per_year.get(key, 0) + 1
    years = [y for p in plans for y in (p.period.start, p.period.end, p.date_written.year, *p.target_years, *p.vision_years)]
    y0, y1 = min(years) - 1, max(years) + 1
    left, right, row_h, top = 150, 24, 40, 30
    width = 720
    height = top + row_h * len(plans) + 24

    def x(year: float) -> float:
        return left + (width - left - right) * (year - y0) / (y1 - y0)

    title = lang.t("规划期与目标年份时间线", "Timeline of plan periods and target years")
    desc = "; ".join(
        f"{lang.city(p)}: {lang.t('规划期', 'period')} {period_label(p)}, "
        f"{lang.t('成文', 'written')} {p.date_written.year}, {lang.t('目标年份', 'target years')} "
        + ", ".join(f"{y} ({per_year.get((p.id, y), 0)})" for y in p.target_years)
        + "".join(f", {lang.t('远景', 'long-term horizon')} {y}" for y in p.vision_years) for p in plans)
    parts = [f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg" font-size="13">',
             f'<title id="timeline-title">{escape(title)}</title><desc id="timeline-desc">{escape(desc)}</desc>']
    step = 5 if y1 - y0 > 12 else 1
    for yr in range(y0 + (-y0) % step, y1 + 1, step):
        parts.append(f'<line x1="{x(yr):.1f}" y1="{top - 8}" x2="{x(yr):.1f}" y2="{height - 20}" stroke="currentColor" stroke-opacity=".15"/>'
                     f'<text class="lbl" x="{x(yr):.1f}" y="{top - 12}" text-anchor="middle" fill="currentColor">{yr}</text>')
    for i, p in enumerate(plans):
        cy = top + row_h * i + row_h / 2 - 4
        parts.append(f'<g class="tl-plan"><text class="lbl" x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="currentColor">{escape(lang.city(p))}</text>')
        parts.append(f'<rect x="{x(p.period.start):.1f}" y="{cy - 5:.1f}" width="{max(x(p.period.end + 1) - x(p.period.start), 2):.1f}" '
                     f'height="10" fill="currentColor" fill-opacity=".25" stroke="currentColor"><title>{escape(period_label(p))}</title></rect>')
        parts.append(f'<circle cx="{x(p.date_written.year + 0.5):.1f}" cy="{cy:.1f}" r="4" fill="currentColor"/>')
        marks = [(yr, f"{yr} ({per_year.get((p.id, yr), 0)})", True) for yr in p.target_years]
        marks += [(yr, f"{yr} {lang.t('远景', 'vision')}", False) for yr in p.vision_years if yr not in p.target_years]
        last_right = -1e9
        for yr, label, is_target in sorted(marks):
            tx = x(yr + 0.5)
            if is_target:
                parts.append(f'<path d="M{tx:.1f} {cy - 7:.1f} L{tx + 6:.1f} {cy:.1f} L{tx:.1f} {cy + 7:.1f} L{tx - 6:.1f} {cy:.1f}Z" '
                             f'fill="#fff" stroke="currentColor" stroke-width="1.5"/>')
            else:
                parts.append(f'<circle cx="{tx:.1f}" cy="{cy:.1f}" r="5" fill="#fff" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2 2"/>')
            half = text_width(label, 11) / 2
            lx = max(tx, last_right + half + 4)  # never onto the previous label of the row
            last_right = lx + half
            parts.append(f'<text class="lbl" x="{lx:.1f}" y="{cy + 21:.1f}" text-anchor="middle" fill="currentColor" font-size="11">{escape(label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
