"""Jinja filters: plain functions, registered in one place (:data:`FILTERS`), tested directly."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from .model import Target

COMPARATOR_SYMBOLS = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "~": "≈"}

# Data text lands in Markdown that is then turned into HTML, and in raw HTML inside it (text and
# attributes). Numeric character references are inert in every one of those contexts: Markdown passes
# them through untouched (no link, emphasis, attribute list, table cell or raw HTML can start from one),
# and the browser shows the character. So every character that means something to HTML or to Markdown
# is written as one; line breaks become spaces (a data field never starts a Markdown block).
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'`\\*_[]{}#|!~"}
_ENTITIES.update({ord("\r"): " ", ord("\n"): " "})
_PLAIN = re.compile(r"[\w .,:;/%+=-]*\Z")  # IDs, numbers, plain words: nothing to escape


def md(value) -> Markup:
    """Data text, safe in Markdown and in HTML text and attribute values (see ``_ENTITIES``).
    Markup (labels, rendered fragments) passes unchanged; everything else is data and is escaped."""
    kind = type(value)
    if kind is Markup:  # the common case (rendered fragments): as it is
        return value
    if kind is str:
        return _escaped(value)
    if kind is int:
        return Markup(value)
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return Markup(value.__html__())
    return _escaped("" if value is None else str(value))


@lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> Markup:
    """:func:`md` of a text (the same names and labels are printed on many pages: kept, by the text)."""
    return Markup(text if _PLAIN.match(text) and not _emphasis(text) else text.translate(_ENTITIES))


def _emphasis(text: str) -> bool:
    """An underscore that could start or end emphasis (not inside a word, as in IDs like a_b)."""
    return "_" in text and bool(re.search(r"(?:^|\W)_|_(?:\W|$)", text))


def pre(value) -> Markup:
    """Text for a raw ``<pre>`` block: HTML-escaped, line breaks kept (Markdown leaves the block alone)."""
    return Markup(escape(value))


def safe_url(value) -> str:
    """An address that may become a link: http(s) only; anything else (javascript:, data:, relative) -> ''."""
    text = str(value or "").strip()
    return text if re.match(r"https?://[^\s<>\"'`]+\Z", text, re.I) else ""


def num(value: float | None) -> str:
    """22.0 -> '22', 3.69 -> '3.69', 1000000.0 -> '1000000', 10000.01 -> '10000.01': the number in full,
    as a plain decimal (the shortest that reads back as the same float; never an exponent)."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        from decimal import Decimal
        text = format(Decimal(text), "f")
    return text


def target_value(t: Target, lang=None) -> Markup:
    """'≥ 22%', '4–7 岁' ('4–7 years' in English), '同比例提高' — the value as a reader compares it.
    Non-numeric targets are the plan's own Chinese words, marked as such for the English site and followed
    by their curated English gloss (data/glossary.yaml `values`)."""
    if t.value is None:
        text = t.value_text or ""
        if lang is None or lang.code == "zh":
            return md(text)
        gloss = lang.gloss(text)
        return Markup(f'<span lang="zh">{md(text)}</span>' + (f' <span class="t-gloss">({md(gloss)})</span>' if gloss else ""))
    number = num(t.value) if t.value_max is None else f"{num(t.value)}–{num(t.value_max)}"
    sign = COMPARATOR_SYMBOLS.get(t.comparator or "=", "")
    unit = (lang.unit(t.unit) if lang is not None else t.unit) or ""
    sep = "" if unit in ("%", "‰") else " "
    rel = "+" if t.relative and not sign else ""
    return md(f"{sign}{' ' if sign else ''}{rel}{number}{sep if unit else ''}{unit}".strip())


def cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def fmt_date(value, lang: str = "zh") -> str:
    """2020-03-05 -> '2020年3月5日' (zh) or '5 March 2020' (en); '—' when unknown."""
    if not value:
        return "—"
    return cn_date(value) if lang == "zh" else f"{value.day} {value:%B} {value.year}"


def join_bodies(bodies: list[str]) -> Markup:
    return Markup("、").join(md(b) for b in bodies)


def join(items, separator: str = "", attribute=None) -> Markup:
    """Jinja's ``join``, escaping each data item with :func:`md` (the built-in one only HTML-escapes)."""
    if attribute is not None:
        items = [getattr(i, attribute) for i in items]
    return md(separator).join(md(i) for i in items)


def format_(value, *args, **kwargs) -> Markup:
    """Jinja's ``format`` (printf style) with data arguments escaped by :func:`md`."""
    wrap = lambda a: a if isinstance(a, (int, float)) else md(a)  # noqa: E731
    return md(value) % (tuple(wrap(a) for a in args) if args else {k: wrap(v) for k, v in kwargs.items()})


def replace(value, old: str, new: str, count=None) -> Markup:
    """Jinja's ``replace`` on the text, then escaped by :func:`md`."""
    text = str(value)
    return md(text.replace(old, new) if count is None else text.replace(old, new, count))


def provision_text(p) -> Markup:
    """Provision text, HTML-escaped; a defective run (see its correction) is marked as such."""
    text = md(p.text)
    if p.correction:
        original = md(p.correction.original)
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


_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+(?:[ ,、…]*[\u3400-\u9fff]+)*")


def mark_zh(text) -> Markup:
    """English text quoting Chinese words: each Chinese run marked lang="zh-Hans", everything escaped (md)."""
    text = str(text)
    out, last = [], 0
    for m in _CJK_RUN.finditer(text):
        out += [str(md(text[last:m.start()])), f'<span lang="zh-Hans">{md(m.group(0))}</span>']
        last = m.end()
    out.append(str(md(text[last:])))
    return Markup("".join(out))


def yaml_str(text) -> Markup:
    """A one-line double-quoted YAML string for front matter (JSON is valid YAML); the theme escapes it
    where it prints it (templates/overrides/main.html)."""
    import json
    return Markup(json.dumps(" ".join(str(text).split()), ensure_ascii=False))


FILTERS = {"mark_zh": mark_zh, "http_only": safe_url, "yaml_str": yaml_str, "join": join, "format": format_, "replace": replace, "pre": pre, "safe_url": safe_url,
           "highlight": highlight, "provision_text": provision_text, "md": md, "num": num, "target_value": target_value, "fmt_date": fmt_date, "join_bodies": join_bodies}
