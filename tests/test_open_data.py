"""Open data (issue #12): datapackage.json describes every export file and field with its type and the
licence, checked against the files the build really wrote; table-row quotes name their row; targets.csv's url
is absolute when the site address is known."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from test_browser import browser  # noqa: F401  (fixture)

from policy_compare.validate import iter_provisions, squash

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ["plans.json", "provisions.json", "targets.csv", "topics.json", "indicators.json"]


def records(data: Path, name: str) -> list[dict]:
    text = (data / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text))) if name.endswith(".csv") else json.loads(text)


def typed(value, kind: str, csv_cell: bool) -> bool:
    """Does a value read from the file fit its Table Schema type? (null / empty cell = missing value)"""
    if value is None or (csv_cell and value == ""):
        return True
    if csv_cell:
        pattern = {"integer": r"-?\d+", "number": r"-?\d+(\.\d+)?(e-?\d+)?", "boolean": r"true|false",
                   "date": r"\d{4}-\d\d-\d\d", "string": r"(?s).*"}[kind]
        return re.fullmatch(pattern, value) is not None
    if kind == "date":
        return isinstance(value, str) and date.fromisoformat(value) is not None
    return isinstance(value, {"string": str, "integer": int, "number": (int, float), "boolean": bool,
                              "array": list, "object": dict}[kind]) and not (kind == "integer" and isinstance(value, bool))


def test_datapackage_describes_every_file_and_field_with_its_type(site: Path):
    data = site / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] and package["licenses"][0]["name"] and package["licenses"][0]["path"].startswith("https://")
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == set(EXPORTS)
    for name in EXPORTS:
        fields = {f["name"]: f["type"] for f in resources[name]["schema"]["fields"]}
        assert all(f.get("description") for f in resources[name]["schema"]["fields"]), name
        rows = records(data, name)
        assert rows, name
        seen = set()
        for row in rows:
            assert set(row) <= set(fields), f"{name}: undocumented {set(row) - set(fields)}"
            seen |= set(row)
            for key, value in row.items():
                assert typed(value, fields[key], name.endswith(".csv")), f"{name}: {key}={value!r} is not {fields[key]}"
        assert seen == set(fields), f"{name}: documented but never present: {set(fields) - seen}"
    with_header = (data / "targets.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert with_header == [f["name"] for f in resources["targets.csv"]["schema"]["fields"]]


def test_the_data_page_documents_every_field_in_both_languages(site: Path):
    from policy_compare.exports_schema import FIELDS
    for page in (site / "data" / "index.html", site / "en" / "data" / "index.html"):
        html = page.read_text(encoding="utf-8")
        for name, fields in FIELDS.items():
            for field in fields:
                assert f"<code>{field[0]}</code>" in html, (page, name, field[0])
    zh = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "中文和英文两种界面" in zh and "中文界面，含搜索" not in zh  # the zip holds both interfaces
    assert "达到、为、降至" in zh  # what '=' in comparator means
    assert "reach exactly this level" in (site / "en" / "data" / "index.html").read_text(encoding="utf-8")


def test_offline_zip_holds_both_interfaces(site: Path):
    import zipfile
    with zipfile.ZipFile(site / "downloads" / "policy-compare-offline.zip") as z:
        names = set(z.namelist())
    assert "policy-compare/index.html" in names and "policy-compare/en/index.html" in names


def test_table_row_quotes_are_the_named_row_and_other_quotes_are_verbatim(plans):
    """90 quotes of the two indicator tables are cells joined together: each names its row (table_row) and is
    exactly that row's non-empty cells; every other quote is part of its provision's text."""
    from_rows = 0
    for lp in plans:
        for prov, _, _ in iter_provisions(lp.plan):
            for t in prov.targets:
                if t.table_row is None:
                    assert squash(t.quote) in squash(prov.text), (lp.plan.id, prov.id, t.quote)
                else:
                    cells = [c for c in prov.table[t.table_row] if c.strip()]
                    assert squash(" ".join(cells)) == squash(t.quote), (lp.plan.id, prov.id, t.table_row)
                    assert t.table_row >= prov.table_header_rows
                    from_rows += 1
    assert from_rows == 90


def test_a_quote_that_is_not_its_row_is_reported(tmp_path):
    """The validator catches a table-row quote that does not match its row."""
    import shutil

    from conftest import DATA
    from policy_compare.pipeline import validate
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "plans" / "jiamusi-2024.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("table_row: 3\n", "table_row: 4\n", 1), encoding="utf-8")
    _, problems = validate(tmp_path / "data")
    assert [p.code for p in problems if p.level == "error"] == ["quote_not_row"]


def test_targets_csv_url_is_absolute_when_the_site_address_is_known(site: Path, deployed_site: Path):
    rows = records(site / "data", "targets.csv")
    assert all(not r["url"].startswith("http") for r in rows)
    deployed = records(deployed_site / "data", "targets.csv")
    assert all(r["url"].startswith("https://owner.github.io/repo/plans/") for r in deployed)


def test_one_set_of_data_files_linked_from_both_interfaces(site: Path):
    """en/data/ is not a copy of data/: the English Data page links the files at the site root."""
    assert not any((site / "en" / "data").glob("*.json")) and not (site / "en" / "data" / "targets.csv").exists()
    en = (site / "en" / "data" / "index.html").read_text(encoding="utf-8")
    for name in EXPORTS + ["datapackage.json"]:
        assert f'href="../../data/{name}"' in en
        assert (site / "data" / name).exists()


def test_offline_english_data_page_links_the_root_data(browser, site):
    """From file:// (the offline bundle, no directory URLs) the English Data page's links still reach data/."""
    import zipfile
    from test_browser import visit
    out = site.parent / "offline-check"
    with zipfile.ZipFile(site / "downloads" / "policy-compare-offline.zip") as z:
        z.extractall(out)
    page, _ = visit(browser, (out / "policy-compare" / "en" / "data" / "index.html").as_uri())
    hrefs = page.eval_on_selector_all("a.data-file", "els => els.map(a => a.href)")
    page.close()
    assert hrefs and all(Path(h.removeprefix("file://")).exists() for h in hrefs), hrefs


def test_targets_csv_never_hands_a_formula_to_a_spreadsheet():
    """A text cell that a spreadsheet would run (=HYPERLINK, +, -, @) starts with an apostrophe in
    targets.csv; numbers (a negative value) and the validated comparator are left as they are."""
    from dataclasses import replace

    from conftest import DATA
    from policy_compare import exports
    from policy_compare.compare import build_corpus
    from policy_compare.pipeline import validate_all
    plans_, _, cats = validate_all(DATA)
    corpus = build_corpus(plans_, DATA, cats)
    tref = next(t for t in corpus.targets if t.target.comparator == "=" and t.target.value is not None)
    bad = '=HYPERLINK("http://x.example/","点击")'
    target = tref.target.model_copy(update={"quote": bad, "indicator": "@SUM(A1)", "unit": "+1", "value": -5.0})
    fake = replace(tref, target=target)
    rows = list(csv.DictReader(io.StringIO(exports.targets_csv(type("C", (), {"targets": [fake]})())[1:])))
    assert rows[0]["quote"] == "'" + bad
    assert rows[0]["indicator"] == "'@SUM(A1)" and rows[0]["unit"] == "'+1"
    assert rows[0]["value"] == "-5" and rows[0]["comparator"] == "="
    assert exports.spreadsheet_safe("居民健康素养水平") == "居民健康素养水平"


def test_exports_kept_plan_by_plan_are_the_files_made_at_once(tmp_path):
    """exports.files with a kept file (each plan's part of provisions.json and targets.csv kept under its
    fingerprint and links): the same text as made at once, in a fresh build, again from the kept parts, and
    after one plan's edit (which makes only that plan's parts again)."""
    import shutil

    from policy_compare import compare, exports
    from policy_compare.pipeline import validate_all

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    keep = tmp_path / "exports.pickle"

    def made(keep_file):
        plans, _, catalogues = validate_all(data)
        corpus = compare.build_corpus(plans, data, catalogues)
        return exports.files(corpus, "https://example.org/x/", keep=keep_file, version="v1" if keep_file else "")

    at_once = made(None)
    assert made(keep) == at_once and made(keep) == at_once
    plan = data / "plans" / "ordos-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    m = re.search(r"(\n +lead:\n +- )(.+)(\n +partners:\n +- )(.+)\n", text)  # a lead body and a partner swap
    plan.write_text(text[:m.start()] + m.group(1) + m.group(4) + m.group(3) + m.group(2) + "\n" + text[m.end():],
                    encoding="utf-8")
    edited = made(keep)
    assert edited == made(None) and edited["provisions.json"] != at_once["provisions.json"]
