"""The importer's review page (``build.py import SOURCE --review``): one self-contained HTML file.

The items flagged for review come first; then the source text line by line, each line coloured by what
the importer made of it (heading, provision, provision with bodies, with targets or baselines, table,
skipped inside the body, page chrome outside it), with the drafted targets under their line. Every
piece of text is escaped; the page has no script and loads nothing.
"""
from __future__ import annotations

from html import escape

KINDS = [("heading", "标题 heading", "#dbeafe"), ("provision", "条文 provision", "#ffffff"), ("body", "责任单位 responsible bodies", "#ede9fe"),
         ("target", "目标 target", "#dcfce7"), ("baseline", "基线 baseline", "#fef9c3"), ("table", "表格 table", "#e0f2fe"),
         ("skipped", "跳过 skipped in body", "#f3f4f6"), ("chrome", "网页框架 page chrome", "#fee2e2")]
CSS = """body{font:15px/1.6 system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5rem;color:#111}
ol.src{list-style:none;padding:0}ol.src li{display:grid;grid-template-columns:4rem 9rem 1fr;gap:.5rem;padding:.1rem .3rem;border-bottom:1px solid #eee}
.n{color:#555;text-align:right}.k{font-size:12px;color:#333}.t{font-size:13px;margin:.1rem 0 .3rem 13.5rem;color:#14532d}
.legend span{display:inline-block;padding:0 .5rem;margin:.1rem;border:1px solid #ccc}.review{background:#fffbeb;border:1px solid #f59e0b;padding:.5rem 1.5rem}
""" + "".join(f".{k}{{background:{c}}}" for k, _, c in KINDS)


def _targets_by_line(plan: dict) -> dict[int, list[dict]]:
    from .importer import walk
    out: dict[int, list[dict]] = {}
    for sec in walk(plan["sections"]):
        for prov in sec["provisions"]:
            for t in prov.get("targets", []):
                out.setdefault(prov["source_line"], []).append(t)
    return out


def _describe(t: dict) -> str:
    from .importer import fmt_value
    bits = [t["kind"], str(t["year"]) + ("?" if t.get("year_inferred") else ""), t["indicator"], fmt_value(t)]
    if t.get("relative"):
        bits.append("(relative change)")
    return " · ".join(bits)


def page(d) -> str:
    plan, lines = d.plan, d.text.split("\n")
    first, last = plan["source"]["body_lines"]
    by_line = _targets_by_line(plan)
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        kind = d.marks.get(n) or ("chrome" if not first <= n <= last else "provision")
        if kind == "target" and all(t["kind"] == "baseline" for t in by_line.get(n, [])):
            kind = "baseline"
        label = next(lbl for k, lbl, _ in KINDS if k == kind)
        rows.append(f'<li class="{kind}"><span class="n">{n}</span><span class="k">{escape(label)}</span><span>{escape(line)}</span></li>')
        for t in by_line.get(n, []):
            rows.append(f'<li class="{t["kind"]}" style="display:block"><p class="t">→ {escape(_describe(t))}</p></li>')
    review = "".join(f"<li>{escape(item)}</li>" for item in plan.get("review", []))
    legend = "".join(f'<span class="{k}">{escape(lbl)}</span>' for k, lbl, _ in KINDS)
    head = (f"{escape(plan['title'])} · {escape(plan['id'])} · body lines {first}–{last} · "
            f"{sum(len(v) for v in by_line.values())} targets/baselines drafted")
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>Import review: {escape(plan["id"])}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head><body>'
            f'<h1>导入审阅 Import review</h1><p>{head}</p>'
            f'<section class="review"><h2>待核事项 To review ({len(plan.get("review", []))})</h2><ol>{review}</ol></section>'
            f'<p class="legend">{legend}</p><ol class="src">{"".join(rows)}</ol></body></html>\n')
