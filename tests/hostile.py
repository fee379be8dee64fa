"""A copy of data/ with hostile text in every text field of one plan and of the catalogues.

The payload holds what an attacker would put into a pull request: script tags, event-handler attributes,
``javascript:`` links, raw HTML, Markdown link and attribute-list injection, Jinja syntax, quotes that try
to leave an attribute, and pre-escaped entities. The source text holds the same strings (prepended to the
lines the plan quotes), so every verbatim rule still passes and the build must render them as text.

    python tests/hostile.py OUT      # write the hostile data folder to OUT
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PLAN = "ordos-2020"

# Every alert() carries a distinct tag, so a failing test names the field that leaked.
def payload(tag: str) -> str:
    return (f'<script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>'
            f'<svg onload=alert("{tag}")><iframe src="javascript:alert(\'{tag}\')"></iframe>'
            f'[lnk-{tag}](javascript:alert("{tag}")) {{: onclick="alert(\'{tag}\')" }}'
            f'"\'><b onmouseover=alert("{tag}")>x</b> &lt;img src=x onerror=alert("{tag}")&gt; {{{{ 7*7 }}}}{{% raw %}}')


def _dump(obj, path: Path) -> None:
    path.write_text(yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def _first_provision(node):
    for sec in node["sections"]:
        for prov in sec.get("provisions", []):
            if prov.get("targets") and not prov.get("table"):
                return sec, prov
        found = _first_provision(sec) if sec.get("sections") else None
        if found:
            return found
    return None


def make(out: Path, src: Path = ROOT / "data") -> Path:
    """Write the hostile copy of ``src`` to ``out`` and return it."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    plan_path = out / "plans" / f"{PLAN}.yaml"
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    lines = (out / plan["source"]["file"]).read_text(encoding="utf-8").split("\n")

    plan["city"] = {"zh": "鄂尔多斯" + payload("city-zh"), "en": "Ordos" + payload("city-en")}
    plan["province"] = {"zh": payload("province-zh"), "en": payload("province-en")}
    plan["title"] = payload("title")
    plan["doc_number"] = payload("doc-number")
    plan["issuer"] = [payload("issuer")]
    plan["summary_en"] = payload("summary")
    plan["source"]["url"] = "https://example.org/a?b=1&c=(x)[y]{z}*_~|!#frag"  # javascript: is refused
    plan["source"]["skipped"][0]["reason"] = payload("skip-reason")
    for i, d in enumerate(plan["defects"]):
        d["where"], d["description"] = payload(f"defect-where-{i}"), payload(f"defect-desc-{i}")
        if d.get("correction"):
            d["correction"] = payload(f"defect-correction-{i}")

    sec, prov = _first_provision(plan)
    body = payload("body")
    def prepend(item: dict, key: str, tag: str) -> None:  # in the data and on its source line
        n = item["source_line"] - 1
        lines[n] = lines[n].replace(item[key], payload(tag) + item[key], 1)
        item[key] = payload(tag) + item[key]

    prepend(sec, "heading", "heading")
    prepend(prov, "text", "text")
    prov["lead"], prov["partners"] = [body, *prov.get("lead", [])], [payload("partner"), *prov.get("partners", [])]
    prov["responsibility_quote"] = payload("text")
    prov["correction"] = {"original": payload("text"), "corrected": payload("corrected"), "reason": payload("reason")}
    for j, tgt in enumerate(prov["targets"]):
        tgt["quote"] = payload("text")
        tgt["unit_note"], tgt["note"] = payload(f"unit-note-{j}"), payload(f"note-{j}")
        if j == 0:
            tgt.pop("indicator_id", None)
            tgt["indicator"] = payload("indicator-wording")
            tgt["unit"] = payload("unit")
    prepend(plan["sections"][0]["provisions"][0], "text", "glossary")
    _dump(plan, plan_path)
    (out / plan["source"]["file"]).write_text("\n".join(lines), encoding="utf-8")

    topics = yaml.safe_load((out / "topics.yaml").read_text(encoding="utf-8"))
    tid = prov["topics"][0]
    for t in topics["topics"]:
        if t["id"] == tid:
            t.update(name_zh=payload("topic-zh"), name_en=payload("topic-en"), description=payload("topic-desc"),
                     description_zh=payload("topic-desc-zh"))
    _dump(topics, out / "topics.yaml")

    indicators = yaml.safe_load((out / "indicators.yaml").read_text(encoding="utf-8"))
    ind = indicators["indicators"][0]
    ind.update(name_zh=payload("indicator-zh"), name_en=payload("indicator-en"), notes=payload("indicator-notes"))
    _dump(indicators, out / "indicators.yaml")

    depts = yaml.safe_load((out / "departments.yaml").read_text(encoding="utf-8"))
    depts["departments"].insert(0, {"id": "hostile", "name_zh": payload("dept-zh"), "name_en": payload("dept-en"),
                                    "note": payload("dept-note"), "names": [body, payload("partner")]})
    _dump(depts, out / "departments.yaml")

    glossary = yaml.safe_load((out / "glossary.yaml").read_text(encoding="utf-8"))
    glossary["terms"].insert(0, {"id": "hostile", "term_zh": payload("glossary"), "variants": [payload("text")],
                                 "term_en": payload("glossary-en"), "definition_zh": payload("definition-zh"),
                                 "definition_en": payload("definition-en")})
    _dump(glossary, out / "glossary.yaml")
    return out


if __name__ == "__main__":
    print(make(Path(sys.argv[1])))
