"""Draft a plan YAML from a published plan (``python build.py import SOURCE``).

1. read: :mod:`policy_compare.readers` turns the .txt/.html/.docx/.pdf into the canonical source text;
2. body (:mod:`.draft_header`): page chrome (breadcrumbs, 发布时间, 字号, 打印, 分享 …) is recognised line by
   line; the body runs from the first line after the page header to the last line before the footer;
   inside it, chrome, the document number, signature and date lines, "(此件公开发布)" and attachment
   file lists are listed under ``source.skipped`` with their reason;
3. header (:mod:`.draft_header`): title, 文号, issuer, dates, kind, period from the page metadata
   (索引号, 发布机构, 成文日期, 文件编号 …) and the covering notice; what cannot be read becomes a valid
   placeholder named in the draft's ``review`` list;
4. structure: headings by their numbering (第一章, 第一节, 第一部分, 一、, (一), 1., (1), 一是, 附件1), the
   nesting taken from the order in which numbering styles appear; a heading written inline at the start
   of a paragraph is split off; a run of numbered lines ending with ；is a list, not headings;
   tables (one row per line with tab-separated cells, or one cell per line) become table provisions
   (:mod:`.draft_tables`);
5. provisions: split after each responsibility parenthesis; bodies parsed (:mod:`.draft_bodies`);
   targets drafted (:mod:`.draft_targets`), the year carried from a lead-in line; topics guessed from
   the topic keywords.

All texts are sliced from the source text, so they stay verbatim.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import draft_bodies, draft_targets, draft_tables
from .draft_header import FIVE_YEAR, chrome_defect, find_body, merge_ranges, read_header, skipped_lines, title_line
from .readers import ReadError, SourceText, read

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
PAST_HEADING = re.compile(r"发展基础|發展基礎|工作基础|工作基礎|发展现状|發展現狀|基本情况|工作回顾|工作回顧|取得的成效|主要成就|成就回顾|面临形势|面臨形勢")


class ImportFailed(Exception):
    """One-line message for the user."""


@dataclass
class Draft:
    plan: dict
    text: str
    source: SourceText
    departments: dict
    marks: dict  # line -> kind, for the review page


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
        targets, left = draft_targets.parse(piece, ctx["start"], year, ctx.get("single"), ctx.get("review_years"), past,
                                            ctx.get("one_horizon"))
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
    # a plan with one horizon named by its title: a five-year plan, a year's work points (2021年…工作要点)
    one_horizon = plan["period"]["end"] if (five or (years_in_title and plan["period"]["start"] == plan["period"]["end"])) else None
    ctx = {"start": int(plan["date_written"][:4]), "single": single, "review_years": review_years, "one_horizon": one_horizon}
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
