"""Stage 2 — validate: schema first, then one small rule per function.

Steps:
1. every ``data/plans/*.yaml`` is loaded (:mod:`.load`) and checked against
   :class:`~policy_compare.model.Plan`; pydantic's errors are rewritten into
   one plain line each, with the file's line for the key path;
2. each valid plan is checked by the ``rule_*`` functions (verbatim text,
   unique IDs, sensible targets, …) — each docstring states its rule;
3. cross-file rules (``cross_*``) look at all plans together.

Nothing raises: every function returns a list of problems, so a build
reports *all* mistakes at once.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from .load import Document, display_path, load_text, load_yaml
from .model import Plan, Provision, Section
from .problems import Problem


@dataclass
class LoadedPlan:
    plan: Plan
    doc: Document
    source_text: str

    def problem(self, loc: tuple, code: str, message: str, level: str = "error") -> Problem:
        return Problem(self.doc.display, self.doc.line_of(loc), loc, code, message, level)


# ---------------------------------------------------------------- schema


def _shorten(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def did_you_mean(value: str, known) -> str:
    """'. Did you mean 'x'?' for the closest known value, or ''."""
    hint = difflib.get_close_matches(str(value), sorted(known), n=1)
    return f". Did you mean '{hint[0]}'?" if hint else ""


def _friendly(err: dict, model_fields: list[str]) -> str:
    """Turn one pydantic error into a sentence a non-programmer can act on."""
    kind, loc, value = err["type"], err["loc"], err.get("input")
    key = loc[-1] if loc else ""
    if kind == "missing":
        return f"required key '{key}' is missing"
    if kind == "extra_forbidden":
        return f"unknown key '{key}'" + (did_you_mean(key, model_fields) or f" (allowed keys: {', '.join(model_fields)})")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        extra = " (a year is written with digits only, like 2030)" if key in ("year", "start", "end") or "year" in str(loc) else ""
        return f"'{_shorten(value)}' is not a whole number{extra}"
    if kind in ("float_parsing", "float_type") and isinstance(value, int):
        return f"'{_shorten(value)}' is too large to be a plan's value; check the digits and the unit"
    if kind in ("float_parsing", "float_type"):
        return f"'{_shorten(value)}' is not a number (write digits only, e.g. 22.5; put words in value_text)"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"'{_shorten(value)}' is not allowed here; use one of {allowed}"
    if kind == "string_pattern_mismatch":
        return f"'{_shorten(value)}' is not a valid ID: use lower-case letters, digits and hyphens (e.g. 's2-1-p3')"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return f"'{_shorten(value)}' is not a date: write YYYY-MM-DD, e.g. 2020-03-25"
    if kind == "string_type" and value is None:
        return "the value is empty; write the text after the colon (or remove the key if it is optional)"
    if kind == "string_type" and isinstance(value, bool):
        return f"expected text, got '{value}' (YAML reads yes/no/on/off as true/false); put the text in quotes"
    if kind in ("string_type",):
        return f"expected text, got '{_shorten(value)}'"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(err.get("ctx", {}).values()), "")
        word = "at least" if kind.startswith("greater") else "at most"
        return f"'{_shorten(value)}' is out of range: it must be {word} {bound}"
    if kind in ("list_type",):
        return f"expected a list (items starting with '- '), got '{_shorten(value)}'"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping of keys, got '{_shorten(value)}'"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return f"{err['msg']} (got '{_shorten(value)}')"


def _fields_at(loc: tuple) -> list[str]:
    """Allowed keys of the model that holds ``loc`` (for 'did you mean')."""
    model = Plan
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        ann = info.annotation
        for cand in getattr(ann, "__args__", ()) + (ann,):
            inner = getattr(cand, "__args__", (cand,))
            found = [c for c in inner if isinstance(c, type) and hasattr(c, "model_fields")]
            if found:
                model = found[0]
                break
    return list(model.model_fields)


def check_schema(doc: Document, model=Plan):
    """Rule: the file matches the schema in model.py (keys, types, allowed values)."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)) and not str(p).startswith(("function-", "literal[")))
            fields = _fields_at(loc) if model is Plan else list(model.model_fields)
            problems.append(Problem(doc.display, doc.line_of(loc), loc, "schema", _friendly(err, fields)))
        return None, problems


# ---------------------------------------------------------------- walking


def iter_sections(sections: list[Section], loc: tuple = ("sections",)) -> Iterator[tuple[Section, tuple]]:
    for i, sec in enumerate(sections):
        here = loc + (i,)
        yield sec, here
        yield from iter_sections(sec.sections, here + ("sections",))


def iter_provisions(plan: Plan) -> Iterator[tuple[Provision, tuple, Section]]:
    """Every provision in document order, with its YAML path and its section."""
    for i, sec in enumerate(plan.sections):
        yield from _provisions_in(sec, ("sections", i))


def _provisions_in(sec: Section, loc: tuple) -> Iterator[tuple[Provision, tuple, Section]]:
    for kind, index, child in sec.children():
        if kind == "provision":
            yield child, loc + ("provisions", index), sec
        else:
            yield from _provisions_in(child, loc + ("sections", index))


_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Whitespace-insensitive form: runs of any white space become one space."""
    return _WS.sub(" ", text.replace("\u00a0", " ").replace("\u2002", " ").replace("\u3000", " ")).strip()


# ---------------------------------------------------------------- per-plan rules


def rule_id_matches_file(lp: LoadedPlan) -> list[Problem]:
    """A plan's id equals its file name (ordos-2020.yaml holds id ordos-2020)."""
    stem = lp.doc.path.stem
    if lp.plan.id != stem:
        return [lp.problem(("id",), "id_not_file_name", f"'{lp.plan.id}' differs from the file name '{stem}'; make them equal")]
    return []


def rule_unique_ids(lp: LoadedPlan) -> list[Problem]:
    """Section and provision IDs are unique within a plan (they are page anchors)."""
    seen: dict[str, tuple] = {}
    problems = []
    items = [(s.id, loc) for s, loc in iter_sections(lp.plan.sections)]
    items += [(p.id, loc) for p, loc, _ in iter_provisions(lp.plan)]
    for ident, loc in items:
        if ident in seen:
            first = lp.doc.line_of(seen[ident] + ("id",))
            problems.append(lp.problem(loc + ("id",), "duplicate_id", f"'{ident}' is already used at line {first}; IDs must be unique in a plan"))
        else:
            seen[ident] = loc
    return problems


def _quote_problems(lp: LoadedPlan, prov, tgt, loc) -> list[Problem]:
    """A quote is part of its provision's text, or (with table_row) exactly that table row's cells joined."""
    if tgt.table_row is None:
        if squash(tgt.quote) in squash(prov.text):
            return []
        return [lp.problem(loc + ("quote",), "quote_not_in_provision", f"'{_shorten(tgt.quote, 30)}' is not part of this "
                           "provision's text; for a table row set table_row to the row's index", level="warning")]
    rows = prov.table or []
    if tgt.table_row >= len(rows):
        return [lp.problem(loc + ("table_row",), "bad_table_row", f"{tgt.table_row} is not a row of this provision's table")]
    cells = " ".join(c for c in rows[tgt.table_row] if c.strip())
    if squash(cells) != squash(tgt.quote):
        return [lp.problem(loc + ("quote",), "quote_not_row", f"'{_shorten(tgt.quote, 30)}' is not table row "
                           f"{tgt.table_row} ('{_shorten(cells, 30)}') joined by spaces")]
    return []


def rule_verbatim(lp: LoadedPlan) -> list[Problem]:
    """Headings and provision texts occur verbatim in the source; quotes and table cells occur
    in it up to white space; a correction's original occurs in its provision text."""
    src, flat = lp.source_text, squash(lp.source_text)
    problems = []

    def missing(loc, what, text, exact=True):
        found = text in src if exact else squash(text) in flat
        if not found:
            problems.append(lp.problem(loc, "not_verbatim", f"{what} '{_shorten(text, 30)}' is not in {lp.plan.source.file}; copy it exactly from the source"))

    for sec, loc in iter_sections(lp.plan.sections):
        missing(loc + ("heading",), "heading", sec.heading)
    for prov, loc, _ in iter_provisions(lp.plan):
        missing(loc + ("text",), "text", prov.text)
        if prov.correction and prov.correction.original not in prov.text:
            problems.append(lp.problem(loc + ("correction", "original"), "correction_not_in_text",
                                       f"'{_shorten(prov.correction.original, 30)}' is not part of this provision's text"))
        if prov.responsibility_quote:
            missing(loc + ("responsibility_quote",), "responsibility quote", prov.responsibility_quote)
        for r, row in enumerate(prov.table or []):
            for c, cell in enumerate(row):
                if cell:
                    missing(loc + ("table", r, c), "table cell", cell, exact=False)
        for t, tgt in enumerate(prov.targets):
            missing(loc + ("targets", t, "quote"), "quote", tgt.quote, exact=False)
            problems += _quote_problems(lp, prov, tgt, loc + ("targets", t))
    if lp.plan.index_number:
        missing(("index_number",), "index number", lp.plan.index_number, exact=False)
    if lp.plan.source.site_section:
        missing(("source", "site_section"), "site section", lp.plan.source.site_section)
    for d, defect in enumerate(lp.plan.defects):
        if defect.original:
            missing(("defects", d, "original"), "defect original", defect.original, exact=False)
    return problems


def rule_source_lines(lp: LoadedPlan) -> list[Problem]:
    """Where a heading or provision gives source_line, its text starts on that line."""
    lines = lp.source_text.split("\n")
    problems = []
    items = [(s.heading, s.source_line, loc) for s, loc in iter_sections(lp.plan.sections)]
    items += [(p.text, p.source_line, loc) for p, loc, _ in iter_provisions(lp.plan)]
    for text, line, loc in items:
        if line > len(lines) or squash(text.split("\n")[0]) not in squash(lines[line - 1]):
            problems.append(lp.problem(loc + ("source_line",), "wrong_source_line",
                                       f"line {line} of the source does not hold '{_shorten(text, 20)}'"))
    return problems


def rule_body_lines(lp: LoadedPlan) -> list[Problem]:
    """source.body_lines is a range inside the source file."""
    first, last = lp.plan.source.body_lines
    n = lp.source_text.count("\n") + 1
    if not 1 <= first <= last <= n:
        return [lp.problem(("source", "body_lines"), "bad_body_lines", f"[{first}, {last}] is not a line range within the source's {n} lines")]
    return []


def rule_target_values(lp: LoadedPlan) -> list[Problem]:
    """A target has a number or a value_text; a comparator needs a number; value_max is above value;
    the year lies within 1949..2100 and, for a promised value, normally among target_years."""
    problems = []
    for prov, loc, _ in iter_provisions(lp.plan):
        for t, tgt in enumerate(prov.targets):
            here = loc + ("targets", t)
            if tgt.value is None and not tgt.value_text:
                problems.append(lp.problem(here, "target_without_value", "give a value (number) or a value_text (words)"))
            if tgt.comparator and tgt.value is None:
                problems.append(lp.problem(here + ("comparator",), "comparator_without_value", f"comparator '{tgt.comparator}' needs a numeric value"))
            if tgt.value_max is not None and (tgt.value is None or tgt.value_max < tgt.value):
                problems.append(lp.problem(here + ("value_max",), "bad_range", f"value_max {tgt.value_max} must be at least value {tgt.value}"))
            if tgt.kind == "target" and tgt.year not in lp.plan.target_years and tgt.year > lp.plan.period.start:
                problems.append(lp.problem(here + ("year",), "year_not_in_target_years",
                                           f"{tgt.year} is not in target_years {lp.plan.target_years}", level="warning"))
    return problems


def rule_period(lp: LoadedPlan) -> list[Problem]:
    """period.start <= period.end, the plan is not published before it is written, and target_years are ascending."""
    p = lp.plan
    problems = []
    if p.period.start > p.period.end:
        problems.append(lp.problem(("period",), "bad_period", f"start {p.period.start} is after end {p.period.end}"))
    if p.date_published is not None and p.date_published < p.date_written:
        problems.append(lp.problem(("date_published",), "published_before_written",
                                   f"{p.date_published} is before date_written {p.date_written}; a document is published after it is written"))
    if list(p.target_years) != sorted(set(p.target_years)):
        problems.append(lp.problem(("target_years",), "target_years_order", "list each year once, in ascending order"))
    return problems


def _pieces_by_line(plan: Plan) -> dict[int, list[str]]:
    """Squashed texts encoded from each source line (headings, provisions, table cells)."""
    pieces: dict[int, list[str]] = {}
    for sec, _ in iter_sections(plan.sections):
        pieces.setdefault(sec.source_line, []).append(squash(sec.heading))
    for sec, _ in iter_sections(plan.sections):
        for prov in sec.provisions:
            pieces.setdefault(prov.source_line, []).append(squash(prov.text))
            cells = [squash(c) for row in prov.table or [] for c in row if c.strip()]
            for line in range(prov.source_line, (prov.source_end_line or prov.source_line) + 1):
                pieces.setdefault(line, []).extend(cells)
    return pieces


def rule_body_covered(lp: LoadedPlan) -> list[Problem]:
    """Every non-blank line of the document body is encoded (as heading, provision or table cell)
    or listed under source.skipped with a reason: nothing of the document is silently left out."""
    first, last = lp.plan.source.body_lines
    skipped = {n for s in lp.plan.source.skipped for n in range(s.lines[0], s.lines[1] + 1)}
    pieces = _pieces_by_line(lp.plan)
    lines = lp.source_text.split("\n")
    problems = []
    for n in range(first, min(last, len(lines)) + 1):
        rest = squash(lines[n - 1])
        if not rest or n in skipped:
            continue
        for piece in sorted(pieces.get(n, []), key=len, reverse=True):
            if piece and piece in rest:
                rest = rest.replace(piece, " ", 1)
            elif rest.strip() and rest.strip() in piece:
                rest = ""  # one line of a table cell that wraps over several source lines
        if rest.strip(" "):
            problems.append(lp.problem(("source", "body_lines"), "line_not_encoded",
                                       f"source line {n} is not fully encoded: '{_shorten(rest.strip(), 30)}'; add it as a heading or provision, or list it under source.skipped with a reason"))
    return problems


def rule_reviewed(lp: LoadedPlan) -> list[Problem]:
    """A plan still carrying the importer's review list is a draft (a warning: --strict fails it)."""
    if lp.plan.review:
        return [lp.problem(("review",), "open_review", f"{len(lp.plan.review)} review items are open; resolve them and empty the list", level="warning")]
    return []


PLAN_RULES = [rule_reviewed, rule_id_matches_file, rule_unique_ids, rule_body_lines, rule_verbatim, rule_target_values, rule_period]
# These compare the encoded text with the source line by line: run only when every text is verbatim,
# so one mistyped heading gives one message, not three.
LINE_RULES = [rule_source_lines, rule_body_covered]


# ---------------------------------------------------------------- cross-file rules


def cross_unique_plan_ids(plans: list[LoadedPlan]) -> list[Problem]:
    """No two plan files share an id."""
    seen: dict[str, LoadedPlan] = {}
    problems = []
    for lp in plans:
        if lp.plan.id in seen:
            problems.append(lp.problem(("id",), "duplicate_id", f"plan id '{lp.plan.id}' is also used by {seen[lp.plan.id].doc.display}"))
        seen.setdefault(lp.plan.id, lp)
    return problems


def cross_known_topics(plans: list[LoadedPlan], topics: set[str]) -> list[Problem]:
    """Every topic tag on a provision is an ID in data/topics.yaml."""
    problems = []
    for lp in plans:
        for prov, loc, _ in iter_provisions(lp.plan):
            for k, tag in enumerate(prov.topics):
                if tag not in topics:
                    problems.append(lp.problem(loc + ("topics", k), "unknown_topic",
                                               f"'{tag}' is not in data/topics.yaml" + did_you_mean(tag, topics)))
    return problems


def cross_known_target_topics(plans: list[LoadedPlan], topics: set[str]) -> list[Problem]:
    """Every topic tag on a target is an ID in data/topics.yaml."""
    return [lp.problem(loc + ("targets", t, "topics", k), "unknown_topic",
                       f"'{tag}' is not in data/topics.yaml" + did_you_mean(tag, topics))
            for lp in plans for prov, loc, _ in iter_provisions(lp.plan)
            for t, tgt in enumerate(prov.targets) for k, tag in enumerate(tgt.topics) if tag not in topics]


def cross_tagged(plans: list[LoadedPlan], topics: set[str]) -> list[Problem]:
    """Every provision carries at least one topic ID (comparison pages are built from them)."""
    return [lp.problem(loc + ("id",), "untagged_provision", f"provision '{prov.id}' has no topics; add e.g. topics: [overview]")
            for lp in plans for prov, loc, _ in iter_provisions(lp.plan) if not prov.topics]


def cross_city_identity(plans: list[LoadedPlan]) -> list[Problem]:
    """Plans that share a city_id name the same city in the same province (one city, successive plans)."""
    seen: dict[str, LoadedPlan] = {}
    problems = []
    for lp in plans:
        first = seen.setdefault(lp.plan.city_id, lp)
        for key in ("city", "province"):
            if getattr(lp.plan, key) != getattr(first.plan, key):
                problems.append(lp.problem((key,), "city_mismatch",
                                           f"'{getattr(lp.plan, key).zh}' differs from '{getattr(first.plan, key).zh}' in "
                                           f"{first.doc.display}, which has the same city_id '{lp.plan.city_id}'"))
    return problems


CROSS_RULES = [cross_unique_plan_ids, cross_city_identity]
TOPIC_RULES = [cross_known_topics, cross_known_target_topics, cross_tagged]


def not_plans(plan_dir: Path) -> list[Problem]:
    """Rule (warning): every file in plans/ is a plan (*.yaml); 'ordos-2020.yaml.txt' would vanish from the site."""
    return [Problem(display_path(path), 1, "", "not_a_plan",
                    "this is not a plan file and is left out of the site; plans end in .yaml — rename it or move it out of plans/",
                    level="warning")
            for path in sorted(plan_dir.iterdir())
            if not path.name.startswith(".") and path.suffix not in (".yaml", ".yml")]


def cross_known_indicators(plans: list[LoadedPlan], indicators: set[str]) -> list[Problem]:
    """A target's explicit indicator_id is an ID in data/indicators.yaml."""
    problems = []
    for lp in plans:
        for prov, loc, _ in iter_provisions(lp.plan):
            for t, tgt in enumerate(prov.targets):
                if tgt.indicator_id and tgt.indicator_id not in indicators:
                    problems.append(lp.problem(loc + ("targets", t, "indicator_id"), "unknown_indicator",
                                               f"'{tgt.indicator_id}' is not in data/indicators.yaml" + did_you_mean(tgt.indicator_id, indicators)))
    return problems


def cross_indicator_topics(catalogue, doc: Document | None, topics: set[str]) -> list[Problem]:
    """An indicator's topic is an ID in data/topics.yaml."""
    return [Problem(doc.display, doc.line_of(("indicators", i, "topic")), ("indicators", i, "topic"), "unknown_topic",
                    f"'{ind.topic}' is not in data/topics.yaml" + did_you_mean(ind.topic, topics))
            for i, ind in enumerate(catalogue.indicators) if ind.topic and ind.topic not in topics]


def cross_known_link_ids(plans: list[LoadedPlan], edits, doc: Document | None) -> list[Problem]:
    """Pinned and suppressed pairs name existing provisions ('<plan>.<provision>') of two different plans."""
    known = {f"{lp.plan.id}.{p.id}" for lp in plans for p, _, _ in iter_provisions(lp.plan)}
    problems = []
    for key in ("pin", "suppress"):
        for i, edit in enumerate(getattr(edits, key)):
            for side in ("a", "b"):
                ident = getattr(edit, side)
                if ident not in known:
                    problems.append(Problem(doc.display, doc.line_of((key, i, side)), (key, i, side), "unknown_provision",
                                            f"'{ident}' is not a provision ID" + did_you_mean(ident, known)))
            if edit.a.split(".")[0] == edit.b.split(".")[0]:
                problems.append(Problem(doc.display, doc.line_of((key, i)), (key, i), "link_to_same_plan",
                                        f"'{edit.a}' and '{edit.b}' are in the same plan"))
    return problems


def cross_known_departments(plans: list[LoadedPlan], catalogue, doc: Document) -> list[Problem]:
    """Each name in data/departments.yaml is a body some plan names, and belongs to one group only."""
    known = {b for lp in plans for p, _, _ in iter_provisions(lp.plan) for b in (*p.lead, *p.partners)}
    problems, seen = [], {}
    for i, dept in enumerate(catalogue.departments):
        for j, name in enumerate(dept.names):
            loc = ("departments", i, "names", j)
            if name not in known:
                problems.append(Problem(doc.display, doc.line_of(loc), loc, "unknown_body",
                                        f"'{name}' is not a lead or partner body in any plan" + did_you_mean(name, known)))
            if name in seen:
                problems.append(Problem(doc.display, doc.line_of(loc), loc, "body_in_two_groups",
                                        f"'{name}' is already in group '{seen[name]}'"))
            seen.setdefault(name, dept.id)
    return problems


def load_plan(path: Path, data_dir: Path) -> tuple[LoadedPlan | None, list[Problem]]:
    doc, problems = load_yaml(path)
    if doc is None:
        return None, problems
    plan, schema_problems = check_schema(doc)
    problems += schema_problems
    if plan is None:
        return None, problems
    src_path, found = source_path(plan, doc, data_dir)
    problems += found
    if src_path is None:
        return None, problems
    text, found = load_text(src_path)
    if text is None:
        line = doc.line_of(("source", "file"))
        problems += [Problem(doc.display, line, ("source", "file"), p.code,
                             f"'{plan.source.file}'" + (f" (line {p.line})" if p.code in ("encoding", "binary") else "") + f": {p.message}")
                     for p in found]
        return None, problems
    if not text.strip():
        problems.append(Problem(doc.display, doc.line_of(("source", "file")), ("source", "file"), "empty_source",
                                f"'{plan.source.file}' is empty; put the captured source text in it"))
        return None, problems
    return LoadedPlan(plan, doc, text), problems


def source_path(plan: Plan, doc: Document, data_dir: Path) -> tuple[Path | None, list[Problem]]:
    """Rule: source.file names a file inside the data folder (after following symbolic links)."""
    loc = ("source", "file")
    where = (doc.display, doc.line_of(loc), loc)
    name = plan.source.file
    path = data_dir / name
    try:
        inside = "\x00" not in name and path.resolve(strict=False).is_relative_to(data_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop: reported when the file is read
        inside = True
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return None, [Problem(*where, "source_outside_data",
                              f"'{_shorten(name)}' is outside the data folder; give a path inside it, like 'sources/{plan.id}.txt'")]
    if not inside:
        return None, [Problem(*where, "source_outside_data",
                              f"'{_shorten(name)}' is a symbolic link leading outside the data folder; put the source text itself in the data folder")]
    if path.is_dir():
        return None, [Problem(*where, "source_missing", f"'{name}' is a folder; name the source text file, like 'sources/{plan.id}.txt'")]
    if not path.is_file() and not path.is_symlink():
        return None, [Problem(*where, "source_missing", f"'{name}' does not exist under {display_path(data_dir)}/")]
    return path, []


def check_plan(path: Path, data_dir: Path) -> tuple[LoadedPlan | None, list[Problem]]:
    """Load one plan file and run the per-plan rules on it (the stage the build caches per plan)."""
    lp, problems = load_plan(path, data_dir)
    if lp is not None:
        found = [p for rule in PLAN_RULES for p in rule(lp)]
        for rule in LINE_RULES:  # a wrong source_line would also show as an unencoded line: one message
            if not any(p.code in ("not_verbatim", "bad_body_lines", "wrong_source_line") for p in found):
                found += rule(lp)
        problems += found
    return lp, problems


PARALLEL_FROM = 8  # plans to parse before it is worth a second process


def _each_plan(files: list[Path], data_dir: Path, plan_stage):
    """``plan_stage(path, data_dir)`` for every file, in order. Results a cache already holds
    (``plan_stage.lookup``) are read here; the others are parsed and checked by two forked processes when
    there are enough of them and a second core (plans are independent; PC_SEQUENTIAL=1 turns it off)."""
    from .cores import spare_core

    lookup = getattr(plan_stage, "lookup", None)
    results = {path: lookup(path, data_dir) for path in files} if lookup else dict.fromkeys(files)
    todo = [path for path, r in results.items() if r is None]
    if len(todo) >= PARALLEL_FROM and spare_core():
        import multiprocessing

        workers = 2

        global _STAGE
        _STAGE = (plan_stage, data_dir)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = pool.map(_one_plan, todo, chunksize=max(1, len(todo) // (workers * 8)))
        finally:
            _STAGE = None
        if hasattr(plan_stage, "misses"):
            plan_stage.misses += len(todo)
        results.update(zip(todo, done))
    else:
        for path in todo:
            results[path] = plan_stage(path, data_dir)
    return [results[path] for path in files]


_STAGE = None  # (plan_stage, data_dir) of the running _each_plan, for its forked workers


def _one_plan(path: Path):
    plan_stage, data_dir = _STAGE
    return plan_stage(path, data_dir)


def validate_plans(data_dir: Path, catalogues: "Loaded", plan_stage=check_plan) -> tuple[list[LoadedPlan], list[Problem]]:
    """Check every plan under ``data_dir/plans`` (``plan_stage``: :func:`check_plan` or a cached version of
    it, :mod:`.cache`), then the cross-file rules, against catalogues the catalogue stage loaded
    (:class:`.catalogue.Loaded`). Returns the plans and every problem, the catalogues' own included."""
    plan_dir = data_dir / "plans"
    files = sorted(plan_dir.glob("*.yaml")) + sorted(plan_dir.glob("*.yml"))
    if not files:
        return [], [Problem(display_path(plan_dir), 1, "", "no_plans", "no plan files (*.yaml) found")]
    plans, problems = [], not_plans(plan_dir)
    for lp, found in _each_plan(files, data_dir, plan_stage):
        problems += found
        if lp is not None:
            plans.append(lp)
    for rule in CROSS_RULES:
        problems += rule(plans)
    # each catalogue's own problems, then the rules that hold the plans against it
    problems += catalogues.found["topics"]
    if catalogues.topics is not None and catalogues.topics.topics:
        ids = {t.id for t in catalogues.topics.topics}
        for rule in TOPIC_RULES:
            problems += rule(plans, ids)
    problems += catalogues.found["indicators"]
    if catalogues.indicators is not None:
        problems += cross_known_indicators(plans, {i.id for i in catalogues.indicators.indicators})
        if catalogues.topics is not None and catalogues.topics.topics:
            problems += cross_indicator_topics(catalogues.indicators, catalogues.docs.get("indicators"),
                                               {t.id for t in catalogues.topics.topics})
    problems += catalogues.found["links"]
    if catalogues.docs.get("links") is not None and catalogues.links is not None:
        problems += cross_known_link_ids(plans, catalogues.links, catalogues.docs["links"])
    problems += catalogues.found["departments"]
    if catalogues.docs.get("departments") is not None and catalogues.departments is not None:
        problems += cross_known_departments(plans, catalogues.departments, catalogues.docs["departments"])
    problems += catalogues.found["glossary"]
    return plans, problems
