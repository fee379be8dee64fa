"""Stage 4b — open data: plans.json, provisions.json, targets.csv, topics.json, indicators.json, datapackage.json.

The field names are a public contract: add fields, never rename or remove them. Every file and field is
declared once in :data:`FIELDS` (name, Table Schema type, English and Chinese description); the Data page and
``datapackage.json`` (a Frictionless Data Package) are generated from it, and a test checks every exported
record against it. URLs in the JSON files are site-relative so the files stay right under any base path;
``targets.csv``'s ``url`` is absolute when the site's address (SITE_URL) is known, so it works from a
spreadsheet. A free-text cell of ``targets.csv`` that begins with = + - @, a tab or a carriage return is
written with a leading apostrophe (:func:`spreadsheet_safe`), so a spreadsheet shows it as text instead of
running it as a formula (the JSON files keep every text exactly as the data has it).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from . import routes
from .compare import Corpus, ProvisionRef

from .exports_schema import FIELDS, LICENSES, datapackage  # noqa: F401  (re-exported)

TARGET_COLUMNS = [f[0] for f in FIELDS["targets.csv"]]


def plan_records(corpus: Corpus) -> list[dict]:
    out = []
    for plan in corpus.plans:
        stats = corpus.stats[plan.id]
        out.append({
            "id": plan.id, "city": plan.city.zh, "city_en": plan.city.en,
            "province": plan.province.zh, "province_en": plan.province.en,
            "title": plan.title, "doc_number": plan.doc_number, "index_number": plan.index_number, "issuer": plan.issuer,
            "date_written": plan.date_written.isoformat(),
            "date_published": plan.date_published.isoformat() if plan.date_published else None,
            "kind": plan.kind, "period": [plan.period.start, plan.period.end],
            "target_years": plan.target_years, "vision_years": plan.vision_years, "script": plan.script,
            "source_url": plan.source.url, "source_file": plan.source.file,
            "source_page": routes.url("source", plan.id), "url": routes.url("plan", plan.id),
            "actions": stats.actions, "provisions": stats.provisions,
            "targets": stats.targets, "baselines": stats.baselines,
            "defects": [d.model_dump(exclude_none=True) for d in plan.defects],
            "unpublished_parts": any(d.not_published for d in plan.defects),
        })
    return out


def provision_record(ref: ProvisionRef, corpus: Corpus) -> dict:
    from .links import to_simplified
    prov = ref.provision
    record = {
        "id": ref.id, "plan": ref.plan.id, "city": ref.plan.city.zh, "city_en": ref.plan.city.en,
        "path": list(ref.path), "text": prov.text,
        "lead": prov.lead, "partners": prov.partners,
        "url": ref.url, "source_line": prov.source_line, "topics": prov.topics,
        "related": [item.ref.id for item in corpus.related.get(ref.id, [])],
    }
    if ref.plan.script == "traditional":
        record["text_simplified"] = to_simplified(prov.text)
    if prov.correction:
        record["correction"] = prov.correction.model_dump()
    if prov.table:
        record["table"] = prov.table
    return record


def topic_records(corpus: Corpus) -> list[dict]:
    return [{
        "id": v.topic.id, "name_zh": v.topic.name_zh, "name_en": v.topic.name_en,
        "description": v.topic.description, "healthy_china": v.topic.healthy_china, "url": routes.url("topic", v.topic.id),
        "provision_ids": v.provision_ids,
        "coverage": {c.plan.id: {"provisions": len(c.provisions), "targets": c.targets, "baselines": c.baselines} for c in v.coverage},
    } for v in corpus.topics]


def indicator_records(corpus: Corpus) -> list[dict]:
    return [{
        "id": v.indicator.id, "name_zh": v.indicator.name_zh, "name_en": v.indicator.name_en,
        "unit": v.indicator.unit, "direction": v.indicator.direction, "url": routes.url("indicator", v.indicator.id),
        "wordings": v.indicator.wordings, "plans": [plan.id for plan, _ in v.rows], "topic": v.indicator.topic,
    } for v in corpus.indicators]


def targets_csv(corpus: Corpus, site_url: str = "") -> str:
    return _TARGETS_HEADER + _target_rows(corpus.targets, site_url)


def _target_rows(trefs, site_url: str) -> str:
    """The rows of targets.csv for these targets (without the header)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TARGET_COLUMNS, lineterminator="\r\n")
    for tref in trefs:
        t, ref = tref.target, tref.ref
        writer.writerow({k: spreadsheet_safe(v) for k, v in row_text(tref).items()} | {
            "plan": ref.plan.id, "provision_id": ref.id, "target_id": tref.id,
            "indicator_id": tref.indicator_id or "", "year": t.year, "year_inferred": str(t.year_inferred).lower(),
            "kind": t.kind, "comparator": t.comparator or "", "value": _num(t.value),
            "value_max": _num(t.value_max), "relative": str(t.relative).lower(), "url": site_url + ref.url,
            "table_row": "" if t.table_row is None else str(t.table_row), "topics": ";".join(tref.topics),
        })
    return buf.getvalue()


def _targets_header() -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=TARGET_COLUMNS, lineterminator="\r\n").writeheader()
    return "\ufeff" + buf.getvalue()


_TARGETS_HEADER = _targets_header()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula (OWASP's CSV
    injection rule); other text unchanged."""
    return "'" + text if text.startswith(FORMULA_START) else text


def row_text(tref) -> dict[str, str]:
    """The free-text cells of a targets.csv row (data as written by curators or forks); the other columns
    are IDs, numbers, booleans and the validated comparator."""
    t, ref = tref.target, tref.ref
    return {"city": ref.plan.city.zh, "city_en": ref.plan.city.en, "indicator": t.indicator,
            "value_text": t.value_text or "", "unit": t.unit or "", "unit_note": t.unit_note or "",
            "nature": t.nature or "", "quote": t.quote}


def _num(value: float | None) -> str:
    from .filters import num
    return num(value)


def _json(data, memo=None) -> str:
    """``data`` as indented JSON. A list is written record by record, each record's text kept in ``memo`` (a
    :class:`cache.Memo`) under its compact form (the indented form takes Python's slow encoder; the compact
    one its fast one): the same bytes as encoding the list at once."""
    if not isinstance(data, list) or not data or memo is None:
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    parts = [memo.get(json.dumps(record, ensure_ascii=False), lambda: _record_text(record)) for record in data]
    return "[\n" + ",\n".join(parts) + "\n]\n"


def _record_text(record: dict) -> str:
    """One record as ``json.dumps`` of its list writes it (indented one step more)."""
    return " " + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n ")


def _provisions_json(corpus: Corpus, memo=None) -> str:
    """provisions.json: :func:`_json` of every provision's record, plan by plan; with ``memo``, a plan's
    part is kept under its fingerprint and the provisions its provisions link to (all a record reads besides
    the code and catalogues, which the memo's version covers). The same bytes as encoding the list at once."""
    if memo is None or not corpus.provisions:
        return _json([provision_record(r, corpus) for r in corpus.provisions], memo)
    parts = []
    for plan in corpus.plans:
        refs = corpus.provisions_of(plan.id)
        if not refs:
            continue
        fp = corpus.fingerprints.get(plan.id, "")
        make = lambda refs=refs: ",\n".join(_record_text(provision_record(r, corpus)) for r in refs)  # noqa: E731
        if not fp:
            parts.append(make())
            continue
        related = tuple(tuple(item.ref.id for item in corpus.related.get(r.id, ())) for r in refs)
        parts.append(memo.get(("provisions", plan.id, fp, related), make))
    return "[\n" + ",\n".join(parts) + "\n]\n"


def _targets_csv(corpus: Corpus, site_url: str, memo=None) -> str:
    """targets.csv: :func:`targets_csv`, with ``memo`` plan by plan, each plan's rows kept under its
    fingerprint and the site's address."""
    if memo is None:
        return targets_csv(corpus, site_url)
    by_plan: dict[str, list] = {}
    for tref in corpus.targets:
        by_plan.setdefault(tref.ref.plan.id, []).append(tref)
    out = [_TARGETS_HEADER]
    for plan_id, trefs in by_plan.items():  # corpus.targets is in plan order
        fp = corpus.fingerprints.get(plan_id, "")
        make = lambda trefs=trefs: _target_rows(trefs, site_url)  # noqa: E731
        out.append(memo.get(("targets", plan_id, fp, site_url), make) if fp else make())
    return "".join(out)


def files(corpus: Corpus, site_url: str = "", keep: Path | None = None, version: str = "") -> dict[str, str]:
    """Every export file: name -> text (the same for both interfaces); ``site_url`` (with a final '/') makes
    targets.csv's url absolute. ``keep``: a file kept between builds with the JSON records' texts and, when
    ``version`` (a key of the code and catalogues: ``render.render_key``) is given, each plan's part of
    provisions.json and targets.csv."""
    from .cache import Memo

    memo = Memo(keep, version)
    keep = keep if version else None  # the plans' parts are kept only under a version of what makes them
    out = {
        "plans.json": _json(plan_records(corpus), memo),
        "provisions.json": _provisions_json(corpus, memo if keep else None),
        "targets.csv": _targets_csv(corpus, site_url, memo if keep else None),
        "topics.json": _json(topic_records(corpus), memo),
        "indicators.json": _json(indicator_records(corpus), memo),
        "datapackage.json": _json(datapackage()),
    }
    memo.save()
    return out


def write_all(corpus: Corpus, out: Path, site_url: str = "") -> list[Path]:
    """Write every export into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    texts = files(corpus, site_url)
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in texts]
