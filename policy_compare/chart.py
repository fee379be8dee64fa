"""Inline SVG line charts built at build time: no JavaScript, no CDN, prints sharply, readable without colour.

Each city is one line from its baselines to its targets, told apart by dash pattern, marker shape and a
text label at its last point (not by colour alone). The same numbers are shown as a table on the page.
"""
from __future__ import annotations

from markupsafe import Markup

from .compare import Corpus, IndicatorView
from .filters import md as escape  # the SVG sits in Markdown: data is escaped for both (see filters.md)
from .i18n import ZH, Lang

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 300, 56, 130, 20, 36
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 5"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]


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


def series(view: IndicatorView, lang: Lang = ZH) -> list[tuple[str, list[tuple[int, float, str]]]]:
    """Per city: (label, [(year, value, kind)]) for numeric, non-relative values."""
    out = []
    for plan, refs in view.rows:
        points = [(t.target.year, t.target.value, t.target.kind) for t in refs
                  if t.target.value is not None and not t.target.relative]
        if points:
            out.append((lang.place(plan.city), points))
    return out


def line_chart(view: IndicatorView, lang: Lang = ZH) -> Markup:
    data = series(view, lang)
    if not data:
        return Markup("")
    years = [y for _, pts in data for y, _, _ in pts]
    values = [v for _, pts in data for _, v, _ in pts]
    y0, y1 = min(years), max(years)
    v0, v1 = min(values), max(values)
    if v0 == v1:
        v0, v1 = v0 * 0.9, v1 * 1.1 + (1 if v1 == 0 else 0)
    pad = (v1 - v0) * 0.1
    v0, v1 = v0 - pad, v1 + pad

    def x(year): return PAD_L + (W - PAD_L - PAD_R) * ((year - y0) / ((y1 - y0) or 1))
    def y(v): return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - v0) / (v1 - v0))

    ind = view.indicator
    title = f"{lang.name(ind)} ({lang.unit(ind.unit)})"
    desc = "; ".join(f"{label}: " + ", ".join(f"{yr} {lang.term(k)} {v:g}" for yr, v, k in pts)
                     for label, pts in data)
    parts = [f'<svg class="ind-chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="chart-title chart-desc" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12">',
             f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>',
             f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="currentColor"/>',
             f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="currentColor"/>']
    for yr in sorted(set(years)):
        parts.append(f'<text x="{x(yr):.1f}" y="{H - PAD_B + 16}" text-anchor="middle" fill="currentColor">{yr}</text>')
    for i in range(5):
        v = v0 + (v1 - v0) * i / 4
        parts.append(f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="currentColor">{v:.3g}</text>')
        parts.append(f'<line x1="{PAD_L}" y1="{y(v):.1f}" x2="{W - PAD_R}" y2="{y(v):.1f}" stroke="currentColor" stroke-opacity=".15"/>')
    parts.append(f'<text x="{PAD_L}" y="{PAD_T - 6}" fill="currentColor">{escape(lang.unit(ind.unit))}</text>')
    for n, (label, pts) in enumerate(data):
        pts = sorted(pts)
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(yr):.1f} {y(v):.1f}" for j, (yr, v, _) in enumerate(pts))
        dash = DASHES[n % len(DASHES)]
        parts.append(f'<g class="series"><path d="{path}" fill="none" stroke="currentColor" stroke-width="1.8"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts += [_marker(MARKERS[n % len(MARKERS)], x(yr), y(v)) for yr, v, _ in pts]
        last_y, last_v = pts[-1][0], pts[-1][1]
        parts.append(f'<text x="{x(last_y) + 8:.1f}" y="{y(last_v) + 4:.1f}" fill="currentColor">{escape(label)} {last_v:g}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline(corpus: Corpus, lang: Lang = ZH) -> Markup:
    """One row per plan: its period as a bar, the year written as a dot, its target years as diamonds
    labelled with how many targets fall in that year. Years run left to right; prints in black."""
    plans = corpus.plans
    if not plans:
        return Markup("")
    per_year: dict[tuple[str, int], int] = {}
    for t in corpus.targets:
        if t.target.kind == "target":
            key = (t.ref.plan.id, t.target.year)
            per_year[key] = per_year.get(key, 0) + 1
    years = [y for p in plans for y in (p.period.start, p.period.end, p.date_written.year, *p.target_years)]
    y0, y1 = min(years) - 1, max(years) + 1
    left, right, row_h, top = 150, 24, 34, 28
    width = 720
    height = top + row_h * len(plans) + 24

    def x(year: float) -> float:
        return left + (width - left - right) * (year - y0) / (y1 - y0)

    title = lang.t("规划期与目标年份时间线", "Timeline of plan periods and target years")
    desc = "; ".join(
        f"{lang.city(p)}: {lang.t('规划期', 'period')} {p.period.start}–{p.period.end}, "
        f"{lang.t('成文', 'written')} {p.date_written.year}, {lang.t('目标年份', 'target years')} "
        + ", ".join(f"{y} ({per_year.get((p.id, y), 0)})" for y in p.target_years) for p in plans)
    parts = [f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg" font-size="12">',
             f'<title id="timeline-title">{escape(title)}</title><desc id="timeline-desc">{escape(desc)}</desc>']
    step = 5 if y1 - y0 > 12 else 1
    for yr in range(y0 + (-y0) % step, y1 + 1, step):
        parts.append(f'<line x1="{x(yr):.1f}" y1="{top - 8}" x2="{x(yr):.1f}" y2="{height - 20}" stroke="currentColor" stroke-opacity=".15"/>'
                     f'<text x="{x(yr):.1f}" y="{top - 12}" text-anchor="middle" fill="currentColor">{yr}</text>')
    for i, p in enumerate(plans):
        cy = top + row_h * i + row_h / 2
        parts.append(f'<g class="tl-plan"><text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="currentColor">{escape(lang.city(p))}</text>')
        parts.append(f'<rect x="{x(p.period.start):.1f}" y="{cy - 5:.1f}" width="{max(x(p.period.end + 1) - x(p.period.start), 2):.1f}" '
                     f'height="10" fill="currentColor" fill-opacity=".25" stroke="currentColor"/>')
        parts.append(f'<circle cx="{x(p.date_written.year + 0.5):.1f}" cy="{cy:.1f}" r="4" fill="currentColor"/>')
        for yr in p.target_years:
            tx = x(yr + 0.5)
            parts.append(f'<path d="M{tx:.1f} {cy - 7:.1f} L{tx + 6:.1f} {cy:.1f} L{tx:.1f} {cy + 7:.1f} L{tx - 6:.1f} {cy:.1f}Z" '
                         f'fill="#fff" stroke="currentColor" stroke-width="1.5"/>'
                         f'<text x="{tx:.1f}" y="{cy + 19:.1f}" text-anchor="middle" fill="currentColor" font-size="10">{yr} ({per_year.get((p.id, yr), 0)})</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
