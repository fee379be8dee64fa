"""Draft a plan YAML from a published plan (``python build.py import SOURCE``).

1. read: :mod:`policy_compare.readers` turns the .txt/.html/.docx/.pdf into the canonical source text;
2. body: page chrome (breadcrumbs, 发布时间, 字号, 打印, 分享 …) is recognised line by line; the body runs
   from the first line after the page header to the last line before the footer; inside it, chrome,
   the document number, signature and date lines, "(此件公开发布)" and attachment file lists are
   listed under ``source.skipped`` with their reason;
3. header: title, 文号, issuer, dates, kind, period from the page metadata (索引号, 发布机构, 成文日期,
   文件编号 …) and the covering notice; what cannot be read becomes a valid placeholder named in
   the draft's ``review`` list;
4. structure: headings by their numbering (第一章, 第一节, 第一部分, 一、, (一), 1., (1), 一是, 附件1), the
   nesting taken from the order in which numbering styles appear; a heading written inline at the start
   of a paragraph is split off; a run of numbered lines ending with ；is a list, not headings;
   tables (one row per line with tab-separated cells, or one cell per line) become table provisions;
5. provisions: split after each responsibility parenthesis; bodies parsed (:mod:`.draft_bodies`);
   targets drafted (:mod:`.draft_targets`), the year carried from a lead-in line; topics guessed from
   the topic keywords.

All texts are sliced from the source text, so they stay verbatim.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from . import draft_bodies, draft_targets, draft_tables
from .readers import CELL_SEP, ReadError, SourceText, read

CN = "一二三四五六七八九十百零〇"
STYLES = [  # (style key, pattern, kind)
    ("chapter", re.compile(rf"^第[{CN}\d]+章"), "chapter"),
    ("section", re.compile(rf"^第[{CN}\d]+节"), "section"),
    ("bupart", re.compile(rf"^第[{CN}\d]+(?:部分|篇)"), "part"),
    ("part", re.compile(rf"^[{CN}]+[、．.]"), "part"),
    ("subpart", re.compile(rf"^[（(][{CN}]+[）)]"), "subpart"),
    ("task", re.compile(r"^\d{1,2}(?:[.．、](?!\d)|\s)"), "task"),
    ("item", re.compile(r"^(?:[（(]\d{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"), "item"),
    ("shi", re.compile(rf"^[{CN}]+是"), "item"),
]
RE_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?")
CHROME = re.compile(
    r"^(?:当前位置|當前位置|您当前的位置|您現在的位置|您现在的位置|您的位置|首页\s*[>/》]|首頁|>>|发布时间|發布時間|发布日期|發布日期|"
    r"信息来源|信息來源|来源[:：]|浏览次数|瀏覽次數|阅读次数|访问量|字号|字體|字体|【|\[|打印|分享|扫一扫|掃一掃|关闭|關閉|"
    r"收藏|相关链接|相關鏈接|责任编辑|責任編輯|主办单位|主辦單位|版权所有|網站標識|网站标识码|技术支持|上一篇|下一篇|•|·|"
    r"\S{0,20}官方(?:微信|微博)|返回顶部|【\s*】|政务服务|无障碍|English\b)")
META_LINE = re.compile(r"(?:索引号|索引號|发布机构|發布機構|成文日期|文件编号|文件編號|组配分类|組配分類|公开方式|公開方式|有效性|统一编号|主题分类)")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]")
DATE_CN = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
ORG_LINE = re.compile(r"^\s*[\u4e00-\u9fff“”]{2,30}(?:人民政府|办公室|辦公室|委员会|委員會|市委|县委|区委|政府|办公厅|辦公廳|局|厅|廳|委)\s*$")
PUBLISH_NOTE = re.compile(r"^\s*[（(]此件.{0,20}[)）]\s*$")
KIND_WORDS = [("实施意见", "实施意见"), ("實施意見", "实施意见"), ("意见", "实施意见"), ("意見", "实施意见"), ("行动方案", "行动方案"),
              ("行動方案", "行动方案"), ("方案", "实施方案"), ("行动计划", "行动计划"), ("行動計劃", "行动计划"), ("计划", "行动计划"),
              ("計劃", "行动计划"), ("工作要点", "工作要点"), ("工作要點", "工作要点"), ("要点", "工作要点"), ("要點", "工作要点"),
              ("规划", "发展规划"), ("規劃", "发展规划"), ("纲要", "发展规划"), ("綱要", "发展规划")]
TITLE_WORDS = re.compile(r"(?:方案|规划|規劃|意见|意見|计划|計劃|要点|要點|纲要|綱要|办法|辦法|措施|通知)[”」》]?\s*$")
FIVE_YEAR = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
PAST_HEADING = re.compile(r"发展基础|發展基礎|工作基础|工作基礎|发展现状|發展現狀|基本情况|工作回顾|工作回顧|取得的成效|主要成就|成就回顾|面临形势|面臨形勢")
PLACEHOLDER = "待核"  # a visible, valid placeholder; every use is listed in the draft's review list


class ImportFailed(Exception):
    """One-line message for the user."""


@dataclass
class Draft:
    plan: dict
    text: str
    source: SourceText
    departments: dict
    marks: dict  # line -> kind, for the review page


# ---------------------------------------------------------------- body and skipped lines

def is_chrome(s: str) -> bool:
    return bool(CHROME.match(s)) or (bool(META_LINE.search(s)) and len(s) < 160 and not s.endswith("。"))


def find_body(lines: list[str], hint: tuple[int, int] | None) -> tuple[int, int]:
    """First and last line of the document body (1-based)."""
    n = len(lines)
    nonblank = [i for i in range(1, n + 1) if lines[i - 1].strip()]
    lo, hi = hint or (1, n)
    inside = [i for i in nonblank if lo <= i <= hi and not is_chrome(lines[i - 1].strip())]
    if not inside:
        return (nonblank[0], nonblank[-1]) if nonblank else (1, 1)
    return inside[0], inside[-1]


def skipped_lines(lines: list[str], first: int, last: int) -> dict[int, str]:
    """Lines inside the body not encoded, with the reason (contiguous lines are merged later)."""
    skip: dict[int, str] = {}
    nb = [i for i in range(first, last + 1) if lines[i - 1].strip()]
    for k, i in enumerate(nb):
        s = lines[i - 1].strip()
        nxt = lines[nb[k + 1] - 1].strip() if k + 1 < len(nb) else ""
        if is_chrome(s):
            skip[i] = "page chrome (publication time, font size, print or share links)"
        elif DOC_NUMBER.fullmatch(s):
            skip[i] = "document number (recorded in doc_number)"
        elif DATE_CN.match(s):
            skip[i] = "signature and date (recorded in issuer and date_written)"
        elif ORG_LINE.match(s) and (DATE_CN.match(nxt) or ORG_LINE.match(nxt)) and "、" not in s:
            skip[i] = "signature and date (recorded in issuer and date_written)"
        elif PUBLISH_NOTE.match(s):
            skip[i] = "publication note"
        elif re.match(r"^附件\s*[:：]?\s*.*\.(?:docx?|xlsx?|pdf|wps|et|zip|rar)\s*$", s, re.I):
            skip[i] = "attachment file name"
        elif re.match(r"^附件\s*[:：]\s*1[.．、]", s):
            skip[i] = "list of attachment names"
            for j in nb[k + 1:]:
                if re.match(r"^\d{1,2}[.．、]", lines[j - 1].strip()) and len(lines[j - 1].strip()) < 60:
                    skip[j] = "list of attachment names"
                else:
                    break
    return skip


def merge_ranges(skip: dict[int, str], lines: list[str]) -> list[dict]:
    out: list[dict] = []
    for i in sorted(skip):
        prev = out[-1] if out else None
        gap = prev and all(not lines[j - 1].strip() for j in range(prev["lines"][1] + 1, i))
        if prev and gap and prev["reason"] == skip[i]:
            prev["lines"][1] = i
        else:
            out.append({"lines": [i, i], "reason": skip[i]})
    return out


# ---------------------------------------------------------------- header

def iso(text: str | None) -> str | None:
    m = DATE_ISO.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def header_meta(lines: list[str], meta: dict[str, str], upto: int) -> dict[str, str]:
    """Label: value pairs of the page's metadata block ('索引号: X 成文日期: Y', '索引號 X 文號 Y')."""
    found = dict(meta)
    labels = r"索引号|索引號|发布机构|發布機構|成文日期|发文日期|文件编号|文件編號|文号|文號|发文字号|发布日期|發布日期|发布时间|發布時間|组配分类|組配分類|公开方式|公開方式|有效性|统一编号"
    for line in lines[:upto]:
        for m in re.finditer(rf"({labels})\s*[:：]?\s*(.*?)(?=\s+(?:{labels})|$)", line.strip()):
            if m.group(2).strip():
                found.setdefault(m.group(1), m.group(2).strip())
    return found


def title_line(lines: list[str], first: int, stop: int, skip: dict) -> int | None:
    """The plan's title as printed in the body: the last short title-like line before the first heading."""
    best = None
    for i in range(first, stop):
        s = lines[i - 1].strip()
        if s and i not in skip and len(s) <= 70 and TITLE_WORDS.search(s) and not s.endswith(("。", ":", "：")):
            best = i
    return best


def read_header(lines, meta, body, skip, title_no, targets_years, plan_id, review) -> dict:
    first, _ = body
    head = header_meta(lines, meta, first + 30)
    title = lines[title_no - 1].strip() if title_no else lines[first - 1].strip()
    if not title_no:
        review.append(f"title: no title line found; '{title[:30]}' (the first body line) is used")
    notice = "\n".join(lines[first - 1:title_no or first])
    doc_number = next((head[k] for k in ("文号", "文號", "文件编号", "文件編號", "发文字号") if DOC_NUMBER.search(head.get(k, ""))), None)
    if not doc_number:
        m = DOC_NUMBER.search("\n".join(lines[:(title_no or first) + 5]))
        doc_number = m.group(0).strip() if m else None
    sign = [i for i in sorted(skip) if skip[i].startswith("signature") and not DATE_CN.match(lines[i - 1])]
    issuer = [lines[i - 1].strip() for i in sign if i < (title_no or first) + 3 and ORG_LINE.match(lines[i - 1])]
    if not issuer:
        m = re.match(r"^(.{2,30}?)关于", lines[first - 1].strip()) or re.match(r"^(.{2,30}?)關於", lines[first - 1].strip())
        issuer = [m.group(1)] if m else ([head.get("发布机构") or head.get("發布機構")] if (head.get("发布机构") or head.get("發布機構")) else [])
    if not issuer:
        issuer = [PLACEHOLDER]
        review.append("issuer: not found in the page; write the issuing body as the document names it")
    sign_date = next((iso(lines[i - 1].replace("年", "-").replace("月", "-")) for i in sorted(skip) if DATE_CN.match(lines[i - 1])), None)
    published = iso(head.get("发布日期") or head.get("發布日期") or head.get("发布时间") or head.get("發布時間"))
    written = iso(head.get("成文日期") or head.get("发文日期")) or sign_date
    if not written:
        written = published or f"{(targets_years or [date.today().year])[0]}-01-01"
        review.append(f"date_written: no 成文日期 or signed date found; {written} is a placeholder")
    kind = next((k for w, k in KIND_WORDS if w in title), None)
    if not kind:
        kind = "实施方案"
        review.append("kind: the title names no known kind of document; 实施方案 is a placeholder")
    start, end = int(written[:4]), None
    m = re.search(r"[（(]\s*((?:19|20)\d{2})\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年?\s*[）)]", title)
    five = next((v for k, v in FIVE_YEAR.items() if k in title), None)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
    elif five:
        start, end = five
    else:
        ys = [int(y) for y in re.findall(r"((?:19|20)\d{2})", title)]
        end = max(ys) if ys else None
        if ys and len(ys) == 1 and "年" in title and ys[0] <= start:
            start = ys[0]
    end = max([e for e in [end, *targets_years] if e] or [start])
    city = re.search(r"([\u4e00-\u9fff]{2,6}?)[市州盟县縣区區]", (issuer[0] if issuer[0] != PLACEHOLDER else "") + title)
    review.append("city.en and province: give the English city name and the province (placeholders 待核 / To be confirmed)")
    if not city:
        review.append("city.zh: not found in the issuer or title")
    return {
        "id": plan_id, "city": {"zh": city.group(1) if city else PLACEHOLDER, "en": "To be confirmed"},
        "province": {"zh": PLACEHOLDER, "en": "To be confirmed"}, "title": title, "doc_number": doc_number,
        "issuer": issuer, "date_written": written, "date_published": published, "kind": kind,
        "period": {"start": min(start, end), "end": end}, "target_years": [],
    }


# ---------------------------------------------------------------- structure

def style_of(s: str) -> tuple[str, str] | None:
    if RE_ATTACHMENT.match(s) and len(s) <= 60 and not s.rstrip().endswith(("。", "；", ";")):
        return "attachment", "attachment"
    for key, pattern, kind in STYLES:
        if pattern.match(s):
            return key, kind
    return None


def split_heading(s: str, key: str) -> tuple[str, str]:
    """'(一)加强X。开展Y。' -> ('(一)加强X。', '开展Y。'); '(一)预期寿命显著延长:人均…' splits at the colon."""
    if key == "attachment":  # "附件:推进健康衢州行动的主要指标" is one heading
        return s, ""
    if key == "shi":  # "一是加强X,…": the clause up to the first comma
        m = re.match(r"^(.{2,40}?[,，:：])(?=.)", s)
        if m:
            return m.group(1), s[m.end():]
    m = re.match(r"^(.{2,70}?[。:：])(?=.)", s)
    if m:
        return m.group(1), s[m.end():]
    return s, ""


def list_lines(lines: list[str], first: int, last: int) -> set[int]:
    """Numbered lines that are list items, not headings: runs of one numbering style where a line ends with
    ；/; (a review of achievements, a list of measures), or where every line is a long sentence."""
    out: set[int] = set()
    run: list[int] = []
    run_key = None

    def close():
        if run and any(lines[i - 1].strip().endswith(("；", ";")) for i in run):
            out.update(run)

    for i in range(first, last + 1):
        s = lines[i - 1].strip()
        if not s:
            continue
        st = style_of(s)
        if st and st[0] == run_key:
            run.append(i)
            continue
        number = re.match(r"^(\d{1,2})[.．、]", lines[run[-1] - 1].strip()) if run and run_key == "task" else None
        if number and s.startswith(f"{int(number.group(1)) + 1}."):  # "2.5岁以下儿童…" continues "1." … "3."
            run.append(i)
            continue
        close()
        run, run_key = ([i], st[0]) if st else ([], None)
    close()
    return out


class Builder:
    """Builds the section tree while the lines are walked."""

    def __init__(self, preamble_line: int, preamble_heading: str):
        self.root: list[dict] = []
        self.stack: list[tuple[str, dict]] = []
        self.preamble = {"id": "s0", "heading": preamble_heading, "kind": "preamble", "source_line": preamble_line,
                         "provisions": [], "sections": []}
        self.counters: dict[str, int] = {}
        self.attachments = 0

    def open(self, key: str, kind: str, heading: str, line: int) -> dict:
        if kind == "attachment":
            self.stack.clear()
            self.attachments += 1
            sec_id = f"a{self.attachments}"
        else:
            keys = [k for k, _ in self.stack]
            if key in keys:
                del self.stack[keys.index(key):]
            parent = self.stack[-1][1] if self.stack else None
            pid = parent["id"] if parent else ""
            self.counters[pid] = self.counters.get(pid, 0) + 1
            sec_id = f"{pid}-{self.counters[pid]}" if parent else f"s{self.counters[pid]}"
        sec = {"id": sec_id, "heading": heading, "kind": kind, "source_line": line, "provisions": [], "sections": []}
        parent = self.stack[-1][1] if self.stack else None
        (parent["sections"] if parent else self.root).append(sec)
        self.stack.append((key, sec))
        return sec

    @property
    def current(self) -> dict:
        return self.stack[-1][1] if self.stack else self.preamble


def build_sections(lines, body, skip, title_no, ctx) -> tuple[list[dict], dict[int, str]]:
    first, last = body
    marks: dict[int, str] = {i: "skipped" for i in skip}
    tables = draft_tables.find_tables(lines, first, last, skip, style_of)
    items = list_lines(lines, first, last)
    heading0 = lines[title_no - 1].strip() if title_no else lines[first - 1].strip()
    b = Builder(title_no or first, heading0)
    marks[title_no or first] = "heading"
    carry: dict[str, int | None] = {}
    i = first
    while i <= last:
        s = lines[i - 1].strip()
        if not s or i in skip or i == (title_no or first):
            i += 1
            continue
        if i in tables:
            tbl = tables[i]
            prov = draft_tables.table_provision(tbl, lines, ctx)
            add_provision(b.current, prov, marks)
            for j in range(tbl.start, tbl.end + 1):
                marks.setdefault(j, "table")
            i = tbl.end + 1
            continue
        st = style_of(s) if i not in items else None
        if st and title_no and i < title_no:
            st = None  # the covering notice has no headings
        if st:
            key, kind = st
            heading, rest = split_heading(s, key)
            if len(heading) > 90 and not rest:
                st = None
            else:
                sec = b.open(key, kind, heading, i)
                if any(PAST_HEADING.search(x["heading"]) for _, x in b.stack):
                    ctx.setdefault("past_ids", set()).add(sec["id"])
                marks[i] = "heading"
                if rest:
                    add_paragraph(sec, rest, i, ctx, marks, carry)
                i += 1
                continue
        add_paragraph(b.current, s, i, ctx, marks, carry)
        i += 1
    sections = ([b.preamble] if b.preamble["provisions"] or b.root else []) + b.root
    return sections, marks


def add_provision(sec: dict, prov: dict, marks: dict) -> None:
    prov["id"] = f"{sec['id']}-p{len(sec['provisions']) + 1}"
    sec["provisions"].append({"id": prov.pop("id"), **prov})
    marks.setdefault(prov["source_line"], "provision")


def add_paragraph(sec: dict, text: str, line: int, ctx: dict, marks: dict, carry: dict) -> None:
    """One paragraph: split after each responsibility parenthesis; targets with the year carried from a
    lead-in line of this section or an enclosing one ("到2030年,具体实现以下目标:")."""
    past = bool(PAST_HEADING.search(sec["heading"])) or sec["id"] in ctx.get("past_ids", set())
    parts = sec["id"].split("-")
    year = next((carry[k] for k in ("-".join(parts[:n]) for n in range(len(parts), 0, -1)) if carry.get(k)), None)
    for piece, resp in draft_bodies.split_measures(text):
        prov: dict = {"text": piece, "source_line": line}
        if resp:
            lead, partners, quote = resp
            prov.update(lead=lead, partners=partners, responsibility_quote=quote)
        targets, left = draft_targets.parse(piece, ctx["start"], year, ctx.get("single"), ctx.get("review_years"), past)
        if targets:
            prov["targets"] = targets
        if re.search(r"(?:以下|如下)[\u4e00-\u9fff]{0,6}[:：]\s*$", piece.strip()) and left:
            carry[sec["id"]] = left  # a lead-in line gives its year to the lines under it
        year = left or year
        add_provision(sec, prov, marks)
        marks[line] = "target" if targets else ("body" if resp and marks.get(line) != "target" else marks.get(line, "provision"))


# ---------------------------------------------------------------- topics, script, review

def guess_topics(text: str, topics: list[dict]) -> list[str]:
    scores = [(sum(text.count(k) for k in t.get("keywords", [])), -n, t["id"]) for n, t in enumerate(topics)]
    best = [tid for score, _, tid in sorted(scores, reverse=True) if score > 0][:3]
    return best or (["overview"] if any(t["id"] == "overview" for t in topics) else [topics[0]["id"]] if topics else [])


def walk(sections):
    for sec in sections:
        yield sec
        yield from walk(sec["sections"])


def finish(plan: dict, data_dir: Path, review: list[str]) -> None:
    """Topics by keyword, target years, inferred-year review items."""
    from .links import to_simplified
    topics_file = data_dir / "topics.yaml"
    topics = (yaml.safe_load(topics_file.read_text(encoding="utf-8")) or {}).get("topics", []) if topics_file.is_file() else []
    years = set()
    for sec in walk(plan["sections"]):
        for prov in sec["provisions"]:
            prov["topics"] = guess_topics(to_simplified(prov.get("text", "") + sec["heading"]), topics)
            for t in prov.get("targets", []):
                if t["kind"] == "target":
                    years.add(t["year"])
                if t.get("year_inferred"):
                    review.append(f"{prov['id']} (line {prov['source_line']}): year {t['year']} inferred for {t['indicator']} {fmt_value(t)}")
                if t.get("unit_note"):
                    review.append(f"{prov['id']} (line {prov['source_line']}): unit of {t['indicator']}: {t['unit_note']}")
    plan["target_years"] = sorted(y for y in years if y >= plan["period"]["start"]) or [plan["period"]["end"]]
    plan["period"]["end"] = max(plan["period"]["end"], plan["target_years"][-1])
    review.append("topics: every provision's topics are keyword guesses; check them (CURATION.md, Topics)")
    review.append("targets: check each drafted target's indicator wording, comparator and kind against its quote")


def fmt_value(t: dict) -> str:
    unit = t.get("unit") or ""
    value = t.get("value", t.get("value_text", ""))
    value = f"{value:g}" if isinstance(value, float) else value
    return f"{t.get('comparator') or ''}{value}{' ' if unit[:1].isdigit() else ''}{unit}"


def detect_script(text: str) -> str:
    from .links import to_simplified
    sample = re.sub(r"[^\u4e00-\u9fff]", "", text)[:20000]
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample)))
    return "traditional" if sample and changed / len(sample) > 0.03 else "simplified"


# ---------------------------------------------------------------- draft

def draft(src: SourceText, plan_id: str, data_dir: Path, source_file: str) -> Draft:
    lines = src.lines
    if lines and lines[-1] == "":
        lines = lines[:-1]
    body = find_body(lines, src.body)
    skip = skipped_lines(lines, *body)
    first_heading = next((i for i in range(body[0], body[1] + 1) if lines[i - 1].strip() and i not in skip
                          and style_of(lines[i - 1].strip()) and style_of(lines[i - 1].strip())[0] != "attachment"), body[1])
    title_no = title_line(lines, body[0], first_heading, skip)
    review: list[str] = list(src.notes)
    years_in_title = [int(y) for y in re.findall(r"((?:19|20)\d{2})", lines[(title_no or body[0]) - 1])]
    plan = read_header(lines, src.meta, body, skip, title_no, sorted(set(years_in_title)), plan_id, review)
    title = plan["title"]
    five = next((v for k, v in FIVE_YEAR.items() if k in title), None)
    horizons = [int(y) for y in re.findall(r"(?:到|至)\s*((?:19|20)\d{2})\s*年", "\n".join(lines[body[0] - 1:body[1]]))]
    # a plan's own horizon: the end of the period its title names, else the furthest 到20XX年 it sets
    single = plan["period"]["end"] if (five or years_in_title) else max(horizons, default=None)
    review_years = (five[0] - 6, five[0] - 1) if five else None
    ctx = {"start": int(plan["date_written"][:4]), "single": single, "review_years": review_years}
    sections, marks = build_sections(lines, body, skip, title_no, ctx)
    plan.update(script=detect_script(src.text),
                source={"file": source_file, "url": src.meta.get("url"), "body_lines": list(body),
                        "skipped": merge_ranges(skip, lines)},
                defects=chrome_defect(lines, body, skip), sections=sections)
    finish(plan, data_dir, review)
    departments = draft_bodies.proposals(plan, data_dir, walk)
    if departments["proposals"]:
        review.append(f"bodies: {len(departments['proposals'])} names are in no group of departments.yaml; see the departments draft")
    plan["review"] = list(dict.fromkeys(review))  # one item once
    return Draft(plan, src.text, src, departments, marks)


def chrome_defect(lines, body, skip) -> list[dict]:
    outside = [i for i in range(1, len(lines) + 1) if lines[i - 1].strip() and not body[0] <= i <= body[1]]
    inside = [i for i, r in skip.items() if r.startswith("page chrome")]
    if not outside and not inside:
        return []
    where = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in _ranges(sorted(outside + inside)))
    return [{"kind": "page_chrome", "where": f"lines {where}",
             "description": "The capture includes the web page's furniture (navigation, metadata block, publication line, print/share links); "
                            "lines outside source.body_lines are not part of the document, chrome inside it is listed under source.skipped."}]


def _ranges(nums):
    out = []
    for n in nums:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


ORDER = ["id", "city", "province", "title", "doc_number", "issuer", "date_written", "date_published", "kind", "period",
         "target_years", "script", "review", "source", "defects", "sections"]


def _prune(value, keep=("target_years", "sections", "provisions", "review")):
    """Drop empty values so drafts stay short, but never a required key."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if k in keep or v not in (None, [], {}, False)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump(data: dict) -> str:
    """YAML in the house layout: block style, Chinese as-is, long lines unwrapped."""
    ordered = {k: data[k] for k in ORDER if k in data} | {k: v for k, v in data.items() if k not in ORDER}
    return yaml.safe_dump(_prune(ordered), allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)


def make_draft(source: Path, plan_id: str | None = None, data_dir: Path | None = None) -> Draft:
    from .pipeline import ROOT
    plan_id = plan_id or source.stem
    if not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", plan_id):
        raise ImportFailed(f"plan ID '{plan_id}' must be lower-case letters, digits and hyphens, like 'newcity-2025' (give --id)")
    try:
        src = read(source)
    except ReadError as exc:
        raise ImportFailed(str(exc)) from None
    return draft(src, plan_id, data_dir or ROOT / "data", f"sources/{plan_id}.txt")


def run(source: Path, plan_id: str | None = None, data_dir: Path | None = None) -> str:
    """The draft YAML (``build.py import SOURCE``)."""
    return dump(make_draft(source, plan_id, data_dir).plan)


def write(d: Draft, source: Path, data_dir: Path, force: bool = False) -> list[Path]:
    """Write sources/<id>.txt (the canonical text), the original beside it, plans/<id>.yaml and the
    departments draft; refuse to overwrite a different existing file unless ``force``."""
    pid = d.plan["id"]
    text_path = data_dir / "sources" / f"{pid}.txt"
    outputs = [(text_path, d.text), (data_dir / "plans" / f"{pid}.yaml", dump(d.plan))]
    if d.departments["proposals"]:
        outputs.append((data_dir / "drafts" / f"{pid}-departments.yaml", draft_bodies.dump_proposals(d.departments, pid)))
    original = None
    if source.resolve() != text_path.resolve() or source.read_bytes() != d.text.encode("utf-8"):
        if source.suffix.lower() != ".txt" or source.read_bytes() != d.text.encode("utf-8"):
            original = data_dir / "sources" / f"{pid}.original{source.suffix.lower()}"
    for path, content in outputs:
        same_file = path.exists() and path.resolve() == source.resolve()
        if path.exists() and not same_file and not force and path.read_bytes() != content.encode("utf-8"):
            raise ImportFailed(f"{path}: exists and differs from the new draft; move it away or pass --force")
    written = []
    if original:  # first, so that importing data/sources/<id>.txt in place keeps the original bytes
        original.parent.mkdir(parents=True, exist_ok=True)
        if not (original.exists() and original.read_bytes() == source.read_bytes()):
            shutil.copyfile(source, original)
        written.append(original)
    for path, content in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content.encode("utf-8"):
            path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def cli(source: Path, plan_id: str | None, data_dir: Path, do_write: bool, force: bool, review: str | None) -> int:
    """``build.py import``: print or write the draft; errors are one line on stderr, exit status 1."""
    import sys
    try:
        d = make_draft(source, plan_id, data_dir)
        if do_write:
            for path in write(d, source, data_dir, force):
                print(f"wrote {path}")
            print(f"{len(d.plan['review'])} items to review (listed under 'review:' in the draft); then: python build.py check")
        else:
            sys.stdout.write(dump(d.plan))
        if review is not None:
            from .import_review import page
            out = Path(review or f"{d.plan['id']}.review.html")
            out.write_text(page(d), encoding="utf-8")
            print(f"wrote {out}", file=sys.stderr if not do_write else sys.stdout)
    except ImportFailed as exc:
        print(f"build.py import: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"build.py import: {exc.filename or source}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0
