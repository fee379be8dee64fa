"""Responsible bodies for the importer: find the responsibility parentheses, parse lead and partners,
propose department groups for names not yet in data/departments.yaml.

Rules (data/CURATION.md, "Responsible bodies"):
- a parenthesis at the end of a measure whose every part is a body name is a responsibility
  ("(市卫生健康委)", "(麗水海關)", "(各县(市、区)人民政府)": parentheses nest, so names with "(市、区)"
  stay whole and never split the sentence);
- 牵头部门/牵头单位:A,配合部门/配合单位:B、C → lead A, partners B, C; 责任主体/责任单位/责任部门:A、B、C →
  lead A, partners B, C; "A牵头,B、C按职责分工负责" / "A牵头,B、C配合" → lead A, partners B, C;
  "A、B按职责分工负责", "A负责", "(A、B)" → all named bodies lead, no partners;
- names are kept verbatim, less a trailing 负责/牵头/配合.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

OPEN, CLOSE = "(（", ")）"
BODY_END = re.compile(r"(?:局|委|委员会|委員會|办|辦|办公室|辦公室|厅|廳|部|院|会|會|中心|政府|集团|集團|公司|海关|海關|银行|銀行|分局|"
                      r"支队|支隊|总队|總隊|法院|检察院|檢察院|协会|協會|联合会|聯合會|团委|團委|妇联|婦聯|残联|殘聯|工会|工會|科协|科協|"
                      r"管委会|管委會|部门|部門|单位|單位|党委|黨委|站|署|处|處|队|隊|报社|報社|军分区|公署|机构|機構|小组|小組|市委|区委|县委)$")
LABEL = re.compile(r"^(?:牵头部门|牽頭部門|牵头单位|牽頭單位|责任主体|責任主體|责任单位|責任單位|责任部门|責任部門|主责部门|主責部門|"
                   r"配合部门|配合部門|配合单位|配合單位)\s*[:：]")
LEAD_LABEL = r"(?:牵头部门|牽頭部門|牵头单位|牽頭單位)"
PARTNER_LABEL = r"(?:配合部门|配合部門|配合单位|配合單位|参与部门|參與部門)"
LIST_LABEL = r"(?:责任主体|責任主體|责任单位|責任單位|责任部门|責任部門|主责部门|主責部門)"
TAIL = re.compile(r"(?:按职责分工负责|按職責分工負責|按照职责分工负责|按职责分工|按職責分工|分工负责|分別負責|分别负责|负责|負責|牵头|牽頭|配合|参与|參與|等)$")


def top_split(text: str, seps: str = "、,，;；") -> list[str]:
    """Split on separators outside nested parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in OPEN
        depth -= ch in CLOSE and depth > 0
        if ch in seps and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def clean(name: str) -> str:
    prev = None
    while prev != name:
        prev, name = name, TAIL.sub("", name.strip()).strip()
    return name


def is_body(name: str) -> bool:
    name = clean(name)
    return 3 <= len(name) <= 40 and bool(BODY_END.search(name)) and not re.search(r"[。:：\d]", name) \
        and not re.match(r"(?:下称|简称|以下简称|下稱|簡稱)", name)


def parse(inner: str) -> tuple[list[str], list[str]] | None:
    """Lead and partners of a parenthesis, or None when it is not a responsibility."""
    s = inner.strip()
    m = re.match(rf"^{LEAD_LABEL}\s*[:：](.*?)(?:[;；,，]\s*{PARTNER_LABEL}\s*[:：](.*))?$", s)
    if m:
        lead, partners = top_split(m.group(1)), top_split(m.group(2) or "")
    elif re.match(rf"^{LIST_LABEL}\s*[:：]", s):
        names = top_split(re.sub(rf"^{LIST_LABEL}\s*[:：]", "", s))
        lead, partners = names[:1], names[1:]
    else:
        m = re.match(r"^(.*?)(?:牵头|牽頭)[,，;；]?(.*)$", s)
        if m and m.group(1):
            lead, partners = top_split(m.group(1)), top_split(m.group(2))
        else:
            lead, partners = top_split(s), []
    lead, partners = [clean(n) for n in lead], [clean(n) for n in partners]
    names = lead + partners
    labelled = bool(LABEL.match(s))  # 责任主体:… names its bodies explicitly: accept short collective names (政府)
    if not names or not all(is_body(n) or (labelled and 2 <= len(n) <= 40 and "。" not in n) for n in names):
        return None
    return lead, partners


def parentheses(text: str):
    """(start, end) of each top-level parenthesis, nesting respected."""
    depth, start = 0, None
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
            if depth == 0:
                yield start, i + 1


def split_measures(text: str) -> list[tuple[str, tuple | None]]:
    """Split a paragraph after each responsibility parenthesis: [(piece, (lead, partners, quote) | None)].
    A parenthesis counts when it ends a measure: followed by the end, a sentence stop or a new sentence.
    A line that is a bare 责任单位:… list is one piece with its bodies."""
    stripped = text.strip()
    if LABEL.match(stripped):
        res = parse(stripped)
        if res:
            return [(text, (*res, stripped))]
    pieces, start = [], 0
    for a, b in parentheses(text):
        after = text[b:b + 1]
        if after and after in ",，、":  # "培育…服务中心(月子中心),规范…": inside a sentence, not after a measure
            continue
        if after and after not in "。；;.":
            if not (pieces or a > 0) or not re.match(r"[\u4e00-\u9fff“]", after):
                continue
        res = parse(text[a + 1:b - 1])
        if not res:
            continue
        end = b + (1 if after in "。；;" and after else 0)
        pieces.append((text[start:end], (*res, text[a:b])))
        start = end
    if text[start:].strip():
        pieces.append((text[start:], None))
    return [p for p in pieces if p[0].strip()] or [(text, None)]


# ---------------------------------------------------------------- department proposals

def _key(name: str) -> str:
    from .links import to_simplified
    n = to_simplified(name)
    return re.sub(r"^(?:市|县|區|区|州|盟|旗)|(?:委员会|局|委|办公室|办|厅|部|院|中心|分局)$", "", n)


def proposals(plan: dict, data_dir: Path, walk) -> dict:
    """Names used in the draft that no group of departments.yaml lists, each with a guessed group
    (the group whose names share the most characters with it, when they share a distinctive core)."""
    path = data_dir / "departments.yaml"
    groups = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("departments", []) if path.is_file() else []
    known = {n for g in groups for n in g.get("names", [])}
    used: list[str] = []
    for sec in walk(plan["sections"]):
        for prov in sec["provisions"]:
            for name in (*prov.get("lead", []), *prov.get("partners", [])):
                if name not in known and name not in used:
                    used.append(name)
    out = []
    for name in used:
        core = _key(name)
        best, score = None, 0
        for g in groups:
            for other in g.get("names", []):
                o = _key(other)
                common = len(set(core) & set(o))
                if core and o and (core in o or o in core) and common > score:
                    best, score = g["id"], common
        out.append({"name": name, "group": best})
    return {"proposals": out}


def dump_proposals(props: dict, plan_id: str) -> str:
    head = (f"# Draft from `build.py import` for plans/{plan_id}.yaml: bodies that no group in data/departments.yaml lists.\n"
            "# For each, add the name (as written) to the `names` of the proposed group in departments.yaml, or to another\n"
            "# group, or leave it ungrouped (it is then shown under its own name). Delete this file when done.\n")
    return head + yaml.safe_dump(props, allow_unicode=True, sort_keys=False, width=10_000)
