"""Stage 4b — open data: plans.json, provisions.json and targets.csv.

The field names are a public contract (documented on the Data page and in
README): add fields, never rename or remove them. URLs are site-relative so
the files stay right under any base path (GitHub Pages project sites).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from . import routes
from .compare import Corpus, ProvisionRef

TARGET_COLUMNS = ["city", "city_en", "plan", "provision_id", "target_id", "indicator", "indicator_id", "year",
                  "year_inferred", "kind", "comparator", "value", "value_max", "value_text", "unit", "unit_note",
                  "relative", "nature", "quote", "url"]


def plan_records(corpus: Corpus) -> list[dict]:
    out = []
    for plan in corpus.plans:
        stats = corpus.stats[plan.id]
        out.append({
            "id": plan.id, "city": plan.city.zh, "city_en": plan.city.en,
            "province": plan.province.zh, "province_en": plan.province.en,
            "title": plan.title, "doc_number": plan.doc_number, "issuer": plan.issuer,
            "date_written": plan.date_written.isoformat(),
            "date_published": plan.date_published.isoformat() if plan.date_published else None,
            "kind": plan.kind, "period": [plan.period.start, plan.period.end],
            "target_years": plan.target_years, "script": plan.script,
            "source_url": plan.source.url, "source_file": plan.source.file,
            "source_page": routes.url("source", plan.id), "url": routes.url("plan", plan.id),
            "actions": stats.actions, "provisions": stats.provisions,
            "targets": stats.targets, "baselines": stats.baselines,
            "defects": [d.model_dump(exclude_none=True) for d in plan.defects],
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
        "coverage": {c.plan.id: {"provisions": len(c.provisions), "targets": c.targets} for c in v.coverage},
    } for v in corpus.topics]


def indicator_records(corpus: Corpus) -> list[dict]:
    return [{
        "id": v.indicator.id, "name_zh": v.indicator.name_zh, "name_en": v.indicator.name_en,
        "unit": v.indicator.unit, "direction": v.indicator.direction, "url": routes.url("indicator", v.indicator.id),
        "wordings": v.indicator.wordings, "plans": [plan.id for plan, _ in v.rows],
    } for v in corpus.indicators]


def targets_csv(corpus: Corpus) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TARGET_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for tref in corpus.targets:
        t, ref = tref.target, tref.ref
        writer.writerow({
            "city": ref.plan.city.zh, "city_en": ref.plan.city.en, "plan": ref.plan.id,
            "provision_id": ref.id, "target_id": tref.id, "indicator": t.indicator,
            "indicator_id": tref.indicator_id or "", "year": t.year, "year_inferred": str(t.year_inferred).lower(),
            "kind": t.kind, "comparator": t.comparator or "", "value": _num(t.value),
            "value_max": _num(t.value_max), "value_text": t.value_text or "", "unit": t.unit or "",
            "unit_note": t.unit_note or "", "relative": str(t.relative).lower(), "nature": t.nature or "",
            "quote": t.quote, "url": ref.url,
        })
    return "\ufeff" + buf.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def files(corpus: Corpus) -> dict[str, str]:
    """Every export file: name -> text (the same for both interfaces)."""
    return {
        "plans.json": _json(plan_records(corpus)),
        "provisions.json": _json([provision_record(r, corpus) for r in corpus.provisions]),
        "targets.csv": targets_csv(corpus),
        "topics.json": _json(topic_records(corpus)),
        "indicators.json": _json(indicator_records(corpus)),
    }


def write_all(corpus: Corpus, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files(corpus).items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files(corpus)]
