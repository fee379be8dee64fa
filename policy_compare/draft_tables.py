"""Tables for the importer: find them in the source text, rebuild their rows, draft their targets.

Two layouts occur: one row per line with tab-separated cells (what the .docx and .html readers write),
and one cell per line (what copying a web page's table gives). A cell-per-line table is a title line
(short, no sentence stop, naming 指标/表) followed by a run of short cell lines; its rows start at the
serial numbers 1, 2, 3 … (a first-column cell such as 领域 just before a serial belongs to that row).
Year columns (2020, 2025年 …) in the header give each value its year; a year before the plan was written
or a column headed 基期/现状 holds baselines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import draft_targets
from .readers import CELL_SEP

STOP = re.compile(r"[。；;，,]")
TITLE = re.compile(r"(?:指标|指標|表|一览|一覽)\s*[)）]?\s*$")
YEAR_CELL = re.compile(r"^((?:19|20)\d{2})\s*年?")
UNIT_CELL = re.compile(r"^(?:%|‰|岁|歲|人|张|張|个|個|名|所|家|亿元|万元|元|分钟|小时|公里|1/10万?|/10万|万人|人次|平方米|次|天|年|级)$")
SERIAL = re.compile(r"^\d{1,3}$")
# units fixed by the indicator's national definition, for tables that leave the unit cell empty
IMPLIED = [(r"预期寿命|預期壽命", "岁", "life expectancy is in years"),
           (r"孕产妇死亡率|孕產婦死亡率", "1/10万", "maternal mortality is per 100,000 live births"),
           (r"婴儿死亡率|嬰兒死亡率|儿童死亡率|兒童死亡率", "‰", "infant and under-5 mortality are per 1,000 live births")]


@dataclass
class Table:
    start: int            # title line (or first row line)
    end: int              # last cell line
    title: str
    header: list[list[str]]
    rows: list[list[str]] = field(default_factory=list)


def _cells_run(lines, i, last, skip, style_of) -> list[int]:
    run = []
    while i <= last:
        s = lines[i - 1].strip()
        if s:
            if i in skip or len(s) > 40 or STOP.search(s) or (style_of(s) and not SERIAL.match(s)) or CELL_SEP in s:
                break
            run.append(i)
        i += 1
    return run


def find_tables(lines, first, last, skip, style_of) -> dict[int, Table]:
    out: dict[int, Table] = {}
    i = first
    while i <= last:
        s = lines[i - 1].strip()
        if CELL_SEP in lines[i - 1]:
            j, rows = i, []
            while j <= last and (CELL_SEP in lines[j - 1] or not lines[j - 1].strip()):
                if lines[j - 1].strip():
                    rows.append((j, [c.strip() for c in lines[j - 1].split(CELL_SEP)]))
                j += 1
            prev = next((k for k in range(i - 1, first - 1, -1) if lines[k - 1].strip()), None)
            titled = prev and prev not in out and len(lines[prev - 1].strip()) <= 40 and not STOP.search(lines[prev - 1])
            start = prev if titled else rows[0][0]
            hdr = 1 + sum(1 for _, r in rows[1:3] if not any(re.search(r"\d", c) for c in r[:2]))
            tbl = Table(start, rows[-1][0], lines[start - 1].strip() if titled else rows[0][1][0] or lines[start - 1].strip(),
                        [r for _, r in rows[:min(hdr, len(rows) - 1)]], [r for _, r in rows[min(hdr, len(rows) - 1):]])
            out[start] = tbl
            i = j
            continue
        if s and TITLE.search(s) and len(s) <= 40 and not STOP.search(s):
            run = _cells_run(lines, i + 1, last, skip, style_of)
            cells = [lines[k - 1].strip() for k in run]
            if len(cells) >= 8 and "1" in cells:
                out[i] = _cell_table(i, s, run, cells)
                i = run[-1] + 1
                continue
        i += 1
    return out


def _cell_table(start, title, run, cells) -> Table:
    first_serial = cells.index("1")
    header = cells[:first_serial]
    has_first_col = "序号" in header and header.index("序号") > 0
    if has_first_col and first_serial and not YEAR_CELL.match(header[-1]) and header[-1] not in ("性质", "屬性", "属性", "目标值", "基期水平"):
        header, lead = header[:-1], [header[-1]]
    else:
        lead = []
    rows, cur, expect = [], lead + ["1"], 2
    for c in cells[first_serial + 1:]:
        if c == str(expect) and len(cur) >= 3:
            nxt = []
            if has_first_col and cur and _domain(cur[-1]):
                nxt = [cur.pop()]
            rows.append(cur)
            cur, expect = nxt + [c], expect + 1
        else:
            cur.append(c)
    rows.append(cur)
    if has_first_col:
        rows = [r if _domain(r[0]) else [""] + r for r in rows]
    return Table(start, run[-1], title, [header], rows)


def _domain(cell: str) -> bool:
    """A first-column cell (领域: 健康水平, 健康生活 …): short words, no digits, not a value or unit."""
    return (not re.search(r"\d", cell) and len(cell) <= 8 and not draft_targets._value_text(cell)
            and cell not in draft_targets.NATURE and not UNIT_CELL.match(cell))


def table_provision(tbl: Table, lines, ctx) -> dict:
    flat_header = [c for row in tbl.header for c in row]
    years = []
    for k, c in enumerate(flat_header):
        m = YEAR_CELL.match(c)
        if m:
            label = " ".join(x for x in flat_header[k:k + 2] if not YEAR_CELL.match(x) or x == c)
            years.append((int(m.group(1)), label))
    targets = []
    for row in tbl.rows:
        targets += _row(row, years, ctx)
    prov = {"text": tbl.title, "table": tbl.header + tbl.rows, "table_header_rows": len(tbl.header),
            "source_line": tbl.start, "source_end_line": tbl.end}
    if targets:
        prov["targets"] = targets
    return prov


def _row(row: list[str], years, ctx) -> list[dict]:
    cells = [c for c in row if c.strip()]
    serial = next((k for k, c in enumerate(cells) if SERIAL.match(c)), -1)
    rest = cells[serial + 1:]
    name_at = next((k for k, c in enumerate(rest) if not draft_targets.VALUE_CELL.match(c) and not UNIT_CELL.match(c)), None)
    if name_at is None or not years:
        return []
    name = rest[name_at]
    unit, note = None, None
    m = re.search(r"[（(]([^()（）]{1,12})[)）]\s*$", name)
    if m:
        unit = m.group(1)
    after = [c for c in rest[name_at + 1:] if c not in draft_targets.NATURE]
    if after and UNIT_CELL.match(after[0]):
        unit = after.pop(0)
    if unit in ("1/10", "/10万", "/10"):
        unit, note = "1/10万", f"the source's unit cell reads '{unit}' (per 100,000 is meant)" if unit != "/10万" else None
    indicator = re.sub(r"[（(][^()（）]{1,12}[)）]\s*$", "", name).strip()
    implied = next(((u, why) for pattern, u, why in IMPLIED if unit is None and re.search(pattern, indicator)), None)
    if implied:
        unit, note = implied[0], f"no unit in the table; {implied[1]}"
    after = _join_wrapped(after, len(years))
    out = draft_targets.row_targets(after, years, ctx["start"], unit, indicator)
    quote = " ".join(cells)
    for t in out:
        t["quote"] = quote
        if note:
            t["unit_note"] = note
        if t.get("unit") is None and t.get("value") is not None and unit is None:
            t.pop("unit", None)
    return out


def _join_wrapped(cells: list[str], n_years: int) -> list[str]:
    """A text cell wrapped over two lines ("保持较好" / "控制水平") gives the row more cells than it has
    year columns: join neighbouring text cells until the count fits."""
    cells = list(cells)
    while len(cells) > n_years:
        k = next((k for k in range(len(cells) - 1) if not re.search(r"\d", cells[k]) and not re.search(r"\d", cells[k + 1])), None)
        if k is None:
            break
        cells[k:k + 2] = [cells[k] + cells[k + 1]]
    return cells
