"""Jinja filters: plain functions, registered in one place (:data:`FILTERS`), tested directly."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from .model import Target

COMPARATOR_SYMBOLS = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "~": "≈"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def md(text: str) -> Markup:
    """Escape text for use inside Markdown (headings, table cells, list items): Markdown syntax, then HTML.
    Not for raw HTML blocks, where Markdown does not run (a backslash would show): autoescape is enough there."""
    # Markdown escapes first: an HTML entity made by escape() (&#39;) must not get a backslash before its #.
    if isinstance(text, Markup):  # already HTML-safe (e.g. from join under autoescape): do not escape twice
        return Markup(_MD_SPECIAL.sub(r"\\\1", str(text)))
    return escape(_MD_SPECIAL.sub(r"\\\1", str(text)))


def num(value: float | None) -> str:
    """22.0 -> '22', 3.69 -> '3.69'."""
    return "" if value is None else f"{value:g}"


def target_value(t: Target, lang=None) -> Markup:
    """'≥ 22%', '4–7 岁' ('4–7 years' in English), '同比例提高' — the value as a reader compares it.
    Non-numeric targets are the plan's own Chinese words, marked as such for the English site and followed
    by their curated English gloss (data/glossary.yaml `values`)."""
    if t.value is None:
        text = t.value_text or ""
        if lang is None or lang.code == "zh":
            return Markup(escape(text))
        gloss = lang.gloss(text)
        return Markup(f'<span lang="zh">{escape(text)}</span>' + (f' <span class="t-gloss">({escape(gloss)})</span>' if gloss else ""))
    number = num(t.value) if t.value_max is None else f"{num(t.value)}–{num(t.value_max)}"
    sign = COMPARATOR_SYMBOLS.get(t.comparator or "=", "")
    unit = (lang.unit(t.unit) if lang is not None else t.unit) or ""
    sep = "" if unit in ("%", "‰") else " "
    rel = "+" if t.relative and not sign else ""
    return Markup(escape(f"{sign}{' ' if sign else ''}{rel}{number}{sep if unit else ''}{unit}".strip()))


def cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def fmt_date(value, lang: str = "zh") -> str:
    """2020-03-05 -> '2020年3月5日' (zh) or '5 March 2020' (en); '—' when unknown."""
    if not value:
        return "—"
    return cn_date(value) if lang == "zh" else f"{value.day} {value:%B} {value.year}"


def join_bodies(bodies: list[str]) -> str:
    return "、".join(bodies)


def provision_text(p) -> Markup:
    """Provision text, HTML-escaped; a defective run (see its correction) is marked as such."""
    text = escape(p.text)
    if p.correction:
        original = escape(p.correction.original)
        text = Markup(str(text).replace(str(original), f'<mark class="pv-garbled" title="原文有乱码，见下方更正 garbled in the source; see correction">{original}</mark>', 1))
    return Markup(text)


def highlight(text: str, terms) -> Markup:
    """Escape text for Markdown and wrap each shared term in <mark>."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return md(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(str(md(text[last:m.start()])))
        out.append(f"<mark>{md(m.group(0))}</mark>")
        last = m.end()
    out.append(str(md(text[last:])))
    return Markup("".join(out))


def yaml_str(text: str) -> Markup:
    """A one-line double-quoted YAML string for front matter (JSON is valid YAML); HTML is escaped later."""
    import json
    return Markup(json.dumps(" ".join(str(text).split()), ensure_ascii=False))


def http_only(url: str | None) -> str:
    """The address if it is http(s), else '' (only http(s) addresses may become links)."""
    return url if url and re.match(r"https?://[^\s<>\"']+$", url) else ""


FILTERS = {"http_only": http_only, "yaml_str": yaml_str, "highlight": highlight, "provision_text": provision_text, "md": md, "num": num, "target_value": target_value, "fmt_date": fmt_date, "join_bodies": join_bodies}
