"""Draft a plan YAML from a captured source text (``python build.py import SOURCE.txt``).

The draft is a starting point for hand curation, never the final data:
1. find the document body (from the first heading-like line to the last
   non-chrome line) — the editor adjusts ``source.body_lines``;
2. classify each line: chapter (第一章), section (第一节), part (一、),
   numbered sub-heading ((一), 1.), or paragraph; a heading written inline
   at the start of a paragraph ("(一)加强…。开展…") is split off;
3. split a paragraph into measures where it names responsible bodies in
   parentheses after each measure (Lishui), and parse 牵头/配合/责任主体;
4. propose targets from sentences with a year and a number (to be checked
   by hand: comparators, units and inferred years need a person).

All texts are sliced from the source, so they stay verbatim.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

CN_NUM = "一二三四五六七八九十"
RE_CHAPTER = re.compile(rf"^第[{CN_NUM}]+章")
RE_SECTION = re.compile(rf"^第[{CN_NUM}]+节")
RE_PART = re.compile(rf"^[{CN_NUM}]+、")
RE_PAREN = re.compile(rf"^[（(][{CN_NUM}]+[）)]")
RE_DIGIT = re.compile(r"^\d{1,2}[.．、](?!\d)")
LEVELS = [(RE_CHAPTER, "chapter"), (RE_SECTION, "section"), (RE_PART, "part"), (RE_PAREN, "subpart"), (RE_DIGIT, "task")]

# (牵头部门:A,配合部门:B、C) / (责任主体:A、B) / (A牵头,B、C按职责分工负责) / (A、B按职责分工负责) / (A)
RE_RESP = re.compile(r"[（(]((?:牵头部门|责任主体|責任主體|牽頭部門)[:：][^（()）]*|[^（()）]{2,200}?(?:按职责分工负责|按職責分工負責|负责|負責)|(?:市|区|縣|县)[^（()）。]{1,60})[）)]")
SPLIT_BODIES = re.compile(r"[、,，;；]")


def split_bodies(text: str) -> list[str]:
    return [b.strip() for b in SPLIT_BODIES.split(text) if b.strip()]


def parse_responsibility(inner: str) -> tuple[list[str], list[str]]:
    """Lead and partner bodies from the text inside the parentheses."""
    m = re.match(r"(?:牵头部门|牽頭部門)[:：](.*?)(?:[,，;；]\s*(?:配合部门|配合部門)[:：](.*))?$", inner)
    if m:
        return split_bodies(m.group(1)), split_bodies(m.group(2) or "")
    m = re.match(r"(?:责任主体|責任主體)[:：](.*)$", inner)
    if m:
        bodies = split_bodies(m.group(1))
        return bodies[:1], bodies[1:]
    m = re.match(r"(.*?)(?:牵头|牽頭)[,，、]?(.*?)(?:按职责分工负责|按職責分工負責)?$", inner)
    if m and m.group(1):
        return split_bodies(m.group(1)), split_bodies(m.group(2))
    m = re.match(r"(.*?)(?:按职责分工负责|按職責分工負責)$", inner)
    if m:
        return [], split_bodies(m.group(1))
    return split_bodies(inner), []


def split_measures(text: str) -> list[tuple[str, str | None]]:
    """Split a paragraph after each responsibility parenthesis: [(piece, inner-or-None)]."""
    pieces, start = [], 0
    for m in RE_RESP.finditer(text):
        pieces.append((text[start:m.end()], m.group(1)))
        start = m.end()
    if start < len(text):
        rest = text[start:]
        if rest.strip():
            pieces.append((rest, None))
    return pieces


RE_YEAR = re.compile(r"(20\d\d)年")
RE_NUM = re.compile(r"(不低于|不高于|不超过|低于|高于|达到|超过|控制在|降至|提高到|增加到|保持在|≥|≧|≤|≦)?\s*(\d+(?:\.\d+)?)(?:[-—~～至](\d+(?:\.\d+)?))?\s*(%|‰|岁|人|张|个|家|名|所|亿元|万人|分钟|小时|公斤|平方米|张床)?\s*(以上|以下|以内|左右)?")
CMP = {"不低于": ">=", "≥": ">=", "≧": ">=", "以上": ">=", "不高于": "<=", "不超过": "<=", "≤": "<=", "≦": "<=",
       "以下": "<=", "以内": "<=", "控制在": "<=", "低于": "<", "高于": ">", "超过": ">", "左右": "~",
       "达到": ">=", "提高到": ">=", "增加到": ">=", "降至": "<=", "保持在": "="}


def draft_targets(text: str) -> list[dict]:
    """Propose targets: each sentence holding 20XX年 and a number with a unit."""
    out = []
    for sentence in re.split(r"(?<=[。;；])", text):
        years = [int(y) for y in RE_YEAR.findall(sentence)]
        if not years:
            continue
        for m in RE_NUM.finditer(sentence):
            if not m.group(4) or (m.group(2) and f"{m.group(2)}年" in sentence[m.start():m.end() + 1]):
                continue
            cmp = CMP.get(m.group(5) or "") or CMP.get(m.group(1) or "") or "="
            out.append({
                "indicator": "TODO", "year": years[-1], "kind": "target", "comparator": cmp,
                "value": float(m.group(2)), "value_max": float(m.group(3)) if m.group(3) else None,
                "unit": m.group(4), "quote": sentence.strip(),
            })
    return [{k: v for k, v in t.items() if v is not None} for t in out]


def classify(line: str) -> str | None:
    s = line.strip()
    for pattern, kind in LEVELS:
        if pattern.match(s):
            return kind
    return None


def split_inline_heading(s: str) -> tuple[str, str]:
    """'(一)加强X。开展Y。' -> ('(一)加强X。', '开展Y。'); a short line is all heading."""
    if len(s) <= 40 and s.count("。") <= 1 and "(" not in s[4:]:
        return s, ""
    m = re.match(r"^(.{2,45}?。)", s)
    if m and len(m.group(1)) <= 45:
        return m.group(1), s[m.end():]
    return s, ""


def draft(source: Path, plan_id: str) -> dict:
    lines = source.read_text(encoding="utf-8").split("\n")
    stack: list[tuple[int, dict]] = []  # (level index, section)
    root: list[dict] = []
    level_order = {"chapter": 0, "section": 1, "part": 2, "subpart": 3, "task": 4}
    first_line = next((n for n, raw in enumerate(lines, start=1) if raw.strip()), 1)
    preamble = {"id": "s0", "heading": "TODO: the document title line", "kind": "preamble",
                "source_line": first_line, "provisions": [], "sections": []}
    counters: dict[str, int] = {}

    def new_id(parent_id: str | None) -> str:
        key = parent_id or ""
        counters[key] = counters.get(key, 0) + 1
        return f"{parent_id}-{counters[key]}" if parent_id else f"s{counters[key]}"

    for n, raw in enumerate(lines, start=1):
        s = raw.strip().replace("\u00a0", " ").strip()
        if not s:
            continue
        kind = classify(s)
        if kind:
            heading, rest = split_inline_heading(raw.strip())
            lvl = level_order[kind]
            while stack and stack[-1][0] >= lvl:
                stack.pop()
            parent = stack[-1][1] if stack else None
            sec = {"id": new_id(parent["id"] if parent else None), "heading": heading, "kind": kind,
                   "source_line": n, "provisions": [], "sections": []}
            (parent["sections"] if parent else root).append(sec)
            stack.append((lvl, sec))
            if rest:
                add_provisions(sec, rest, n)
        else:
            target = stack[-1][1] if stack else preamble
            add_provisions(target, raw.strip(), n)
    return {
        "id": plan_id, "city": {"zh": "TODO", "en": "TODO"}, "province": {"zh": "TODO", "en": "TODO"}, "city_id": plan_id.rsplit("-", 1)[0], "admin_level": "TODO",
        "title": "TODO", "doc_number": None, "issuer": ["TODO"], "date_written": "TODO", "date_published": None,
        "kind": "TODO", "period": {"start": 0, "end": 0}, "target_years": [], "script": "simplified",
        "source": {"file": f"sources/{source.name}", "url": None, "body_lines": [1, len(lines)]},
        "defects": [], "sections": ([preamble] if preamble["provisions"] else []) + root,
    }


def add_provisions(sec: dict, text: str, line: int) -> None:
    for piece, inner in split_measures(text):
        prov = {"id": f"{sec['id']}-p{len(sec['provisions']) + 1}", "text": piece, "source_line": line}
        if inner:
            lead, partners = parse_responsibility(inner)
            prov.update(lead=lead, partners=partners, responsibility_quote=piece[piece.rfind(inner) - 1:])
        targets = draft_targets(piece)
        if targets:
            prov["targets"] = targets
        sec["provisions"].append(prov)


def _prune(value):
    """Drop empty lists and None values so drafts stay short."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump(data: dict) -> str:
    """YAML in the house layout: block style, Chinese as-is, long lines unwrapped."""
    return yaml.safe_dump(_prune(data), allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)


def run(source: Path, plan_id: str | None = None) -> str:
    plan_id = plan_id or source.stem
    return dump(draft(source, plan_id))
