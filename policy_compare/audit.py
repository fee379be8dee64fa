"""Completeness audit: numbers in the running text that look like targets.

A number counts as a candidate when it stands in a sentence of the document
body that names a year (20XX年) — or, for single-year plans, in any sentence —
and it is not itself a year, a date, a document number or a list number.
In sentences without a year, a number still counts when it reads like a level
to reach: a percentage or per-mille value, or a number after 不低于/达到/控制在…
or before 以上/以下/以内 (the year is then implied: the plan's horizon).
Every candidate must appear as ``value``/``value_max`` of a target encoded
from the same source line, or be listed as an exception (with the reason) in
``data/exceptions/<plan>.yaml`` — data, checked like the plans (schema, and each
entry's number must stand on its line of the source): a team adding a plan
writes YAML, no Python.

    python -m policy_compare.audit ordos-2020     # list uncovered candidates
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import Field

from .model import Plan, Strict
from .validate import iter_provisions, load_plan

RE_SENTENCE = re.compile(r"[^。;；]*[。;；]?")
RE_YEAR_WORD = re.compile(r"20\d\d年")
RE_NUMBER = re.compile(r"(?<![\d.〔\[（(第/])(\d+(?:\.\d+)?)(?![\d.])")
LEVEL_BEFORE = re.compile(r"(?:不低于|不少于|不超过|不高于|达到|达|提高到|提升到|提高至|降低到|降到|降至|下降到|控制在|增加到|增至|保持在|低于|高于|超过)$")
LEVEL_AFTER = re.compile(r"^(?:\s*(?:%|‰|％|个百分点)|[^\d,，。;；、]{0,4}(?:以上|以下|以内|左右))")
NOT_TARGET_AFTER = re.compile(r"^(?:年|月|日|号|號|届|屆|次全会|次全會|〕|\]|\)|）|:|：)")


def table_lines(plan: Plan) -> set[int]:
    return {n for p, _, _ in iter_provisions(plan) if p.table
            for n in range(p.source_line, (p.source_end_line or p.source_line) + 1)}


def candidates(plan: Plan, source_text: str) -> list[tuple[int, str, str]]:
    """(line, number, sentence) for every target-like number in running text."""
    lines = source_text.split("\n")
    first, last = plan.source.body_lines
    skipped = {n for s in plan.source.skipped for n in range(s.lines[0], s.lines[1] + 1)}
    tables = table_lines(plan)
    single_year = len(plan.target_years) == 1
    out = []
    for n in range(first, min(last, len(lines)) + 1):
        if n in skipped or n in tables:
            continue
        line = re.sub(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)])", "", lines[n - 1])
        for sentence in RE_SENTENCE.findall(line):
            if not sentence.strip():
                continue
            dated = single_year or RE_YEAR_WORD.search(sentence)
            for m in RE_NUMBER.finditer(sentence):
                after = sentence[m.end():m.end() + 8]
                if NOT_TARGET_AFTER.match(after) or re.match(r"^(?:19|20)\d\d$", m.group(1)):
                    continue
                level_word = LEVEL_BEFORE.search(sentence[:m.start()])
                if not dated and not (LEVEL_AFTER.match(after) or level_word):
                    continue
                if not dated and after.startswith("岁") and not level_word:
                    continue  # an age bound (35岁以上人群), not a level to reach
                out.append((n, m.group(1), sentence.strip()))
    return out


def _fmt(value: float) -> str:
    return f"{value:g}"


def encoded_numbers(plan: Plan) -> dict[int, set[str]]:
    """Numbers (as written, normalised) of the targets encoded from each line."""
    found: dict[int, set[str]] = {}
    for prov, _, _ in iter_provisions(plan):
        for t in prov.targets:
            for v in (t.value, t.value_max):
                if v is not None:
                    found.setdefault(prov.source_line, set()).add(_fmt(v))
    return found


def uncovered(plan: Plan, source_text: str, exceptions: dict | None = None) -> list[tuple[int, str, str]]:
    exceptions = exceptions or {}
    encoded = encoded_numbers(plan)
    return [(n, num, s) for n, num, s in candidates(plan, source_text)
            if _fmt(float(num)) not in encoded.get(n, set()) and (n, num) not in exceptions]


ROOT = Path(__file__).resolve().parent.parent


class AuditException(Strict):
    """A number in the running text that looks like a target but is not one."""

    line: int = Field(ge=1, description="Source line the number stands on.")
    number: str = Field(description="The number as written, e.g. '15' or '2.5'.")
    reason: str = Field(min_length=1, description="Why it is not a target (e.g. an age bound in an indicator's name).")


class AuditExceptions(Strict):
    """data/exceptions/<plan>.yaml: the audit's exceptions for one plan."""

    exceptions: list[AuditException] = Field(default_factory=list, description="Every exception, with its reason.")


def read_exceptions(plan_id: str, data_dir: Path = ROOT / "data", plan: Plan | None = None, source_text: str = ""):
    """({(line, number): reason}, problems) from data/exceptions/<plan_id>.yaml (absent: none). Given the
    plan and its source text, each entry must be one of the audit's candidates on that line (no stale
    entries)."""
    from .load import load_yaml
    from .problems import Problem
    from .validate import check_schema

    path = data_dir / "exceptions" / f"{plan_id}.yaml"
    if not path.exists():
        return {}, []
    doc, problems = load_yaml(path)
    if doc is None:
        return {}, problems
    loaded, found = check_schema(doc, AuditExceptions)
    problems += found
    if loaded is None:
        return {}, problems
    found_here = {(n, num) for n, num, _ in candidates(plan, source_text)} if plan is not None else None
    for i, e in enumerate(loaded.exceptions):
        if found_here is not None and (e.line, e.number) not in found_here:
            loc = ("exceptions", i, "number")
            problems.append(Problem(doc.display, doc.line_of(loc), loc, "exception_not_a_candidate",
                                    f"'{e.number}' on line {e.line} is not a number the audit reports; remove the entry"))
    return {(e.line, e.number): e.reason for e in loaded.exceptions}, problems


def load_exceptions(plan_id: str, data_dir: Path = ROOT / "data") -> dict:
    """{(line, number): reason} for one plan (see :func:`read_exceptions`)."""
    return read_exceptions(plan_id, data_dir)[0]


def main(argv: list[str]) -> int:
    data = ROOT / "data"
    for plan_id in argv or [p.stem for p in sorted((data / "plans").glob("*.yaml"))]:
        lp, problems = load_plan(data / "plans" / f"{plan_id}.yaml", data)
        if lp is None:
            print("\n".join(map(str, problems)))
            continue
        exceptions, problems = read_exceptions(plan_id, data, lp.plan, lp.source_text)
        for p in problems:
            print(p)
        rows = uncovered(lp.plan, lp.source_text, exceptions)
        for n, num, sentence in rows:
            print(f"{plan_id}: line {n}: {num}  in  {sentence[:80]}")
        print(f"{plan_id}: {len(rows)} uncovered of {len(candidates(lp.plan, lp.source_text))} candidates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
