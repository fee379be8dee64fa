"""Bad input gets one clear line per problem (file:line: key path: message [code]), no traceback,
and a failed build leaves the previous site untouched."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import MINI, run_build

PLAN = "plans/mini-2020.yaml"

# (case, replace this, with this, expected error line)
CASES = [
    ("yaml_syntax", "kind: 实施方案\n", "kind: [实施方案\n",
     f"{{f}}:14: the YAML is not well-formed: expected ',' or ']', but got ':' (while parsing a flow sequence); check indentation, colons and quotes on this line or the one before [yaml_syntax]"),
    ("missing_key", "title: 健康鄂尔多斯行动实施方案\n", "",
     "{f}:1: title: required key 'title' is missing [schema]"),
    ("wrong_type", "target_years:\n- 2022\n- 2030\n", "target_years: 2022 and 2030\n",
     "{f}:17: target_years: expected a list (items starting with '- '), got '2022 and 2030' [schema]"),
    ("duplicate_id", "  - id: s1-2\n", "  - id: s1-1\n",
     "{f}:52: sections[1].sections[1].id: 's1-1' is already used at line 44; IDs must be unique in a plan [duplicate_id]"),
    ("year_letter_o", "          year: 2030\n", "          year: 2O30\n",
     "{f}:137: sections[3].sections[0].sections[1].provisions[0].targets[1].year: '2O30' is not a whole number (a year is written with digits only, like 2030) [schema]"),
    ("bad_comparator", "          comparator: '>='\n          value: 22\n", "          comparator: ≥\n          value: 22\n",
     "{f}:132: sections[3].sections[0].sections[1].provisions[0].targets[0].comparator: '≥' is not allowed here; use one of '=', '>=', '<=', '>', '<' or '~' [schema]"),
    ("unknown_source", "file: sources/mini-2020.txt", "file: sources/mini-2021.txt",
     "{f}:22: source.file: 'sources/mini-2021.txt' does not exist under {data}/ [source_missing]"),
    ("unknown_key_typo", "          value: 22\n          unit: '%'", "          value: 22\n          units: '%'",
     "{f}:134: sections[3].sections[0].sections[1].provisions[0].targets[0].units: unknown key 'units'. Did you mean 'unit'? [schema]"),
    ("bad_date", "date_written: '2020-03-25'", "date_written: '2020-13-25'",
     "{f}:12: date_written: '2020-13-25' is not a date: write YYYY-MM-DD, e.g. 2020-03-25 [schema]"),
    ("not_verbatim", "heading: 一、工作原则", "heading: 一、工作原理",
     "{f}:40: sections[1].heading: heading '一、工作原理' is not in sources/mini-2020.txt; copy it exactly from the source [not_verbatim]"),
]


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    """A fresh copy of the mini fixture in a temporary folder (never in the source tree)."""
    dest = tmp_path / "mini-broken"
    shutil.copytree(MINI, dest)
    return dest.resolve()


def test_mini_fixture_is_valid():
    proc = run_build("check", "--data", str(MINI))
    assert proc.returncode == 0, proc.stderr
    assert "data OK: 1 plans, 11 provisions, 2 targets" in proc.stdout


@pytest.mark.parametrize("case,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_line(broken_copy: Path, case, old, new, expected):
    plan = broken_copy / PLAN
    text = plan.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} must occur once"
    plan.write_text(text.replace(old, new), encoding="utf-8")
    proc = run_build("check", "--data", str(broken_copy))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [expected.format(f=f"{broken_copy}/{PLAN}", data=broken_copy), "build failed: 1 error"]


def test_failed_build_leaves_previous_site(broken_copy: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok = run_build("--data", str(broken_copy), "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert (out / "plans" / "mini-2020" / "index.html").exists()
    plan = broken_copy / PLAN
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 2030", "year: 2O30"), encoding="utf-8")
    failed = run_build("--data", str(broken_copy), "--out", str(out))
    assert failed.returncode == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".build-*")), "temporary build folder left behind"


def test_many_mistakes_are_all_reported(broken_copy: Path):
    """Validators report, they don't stop at the first problem."""
    plan = broken_copy / PLAN
    text = plan.read_text(encoding="utf-8")
    text = text.replace("  - id: s1-2\n", "  - id: s1-1\n").replace("heading: 一、工作原则", "heading: 一、工作原理")
    plan.write_text(text, encoding="utf-8")
    proc = run_build("check", "--data", str(broken_copy))
    lines = proc.stderr.strip().splitlines()
    assert [line.rsplit("[", 1)[-1] for line in lines[:-1]] == ["duplicate_id]", "not_verbatim]"]
    assert lines[-1] == "build failed: 2 errors"


def test_import_drafts_a_valid_structure(tmp_path: Path):
    """`build.py import` drafts a plan that passes the schema and whose headings, texts and quotes are all
    verbatim from the source: saved as the plan file, validation finds nothing wrong with its structure."""
    import yaml
    from policy_compare.validate import iter_provisions, iter_sections, load_plan, rule_unique_ids, rule_verbatim
    data = tmp_path / "data"
    shutil.copytree(MINI / "sources", data / "sources")
    proc = run_build("import", str(data / "sources" / "mini-2020.txt"), "--id", "mini-2020")
    assert proc.returncode == 0, proc.stderr
    draft = yaml.safe_load(proc.stdout)
    curated = yaml.safe_load((MINI / PLAN).read_text(encoding="utf-8"))
    # the metadata a person fills in (TODO in the draft) from the curated plan; the structure stays the draft's
    draft.update({k: v for k, v in curated.items() if k not in ("sections", "source")})
    draft["source"]["body_lines"] = curated["source"]["body_lines"]
    (data / "plans").mkdir()
    (data / "plans" / "mini-2020.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lp, problems = load_plan(data / "plans" / "mini-2020.yaml", data)
    assert lp is not None, "\n".join(map(str, problems))
    assert problems == [] and rule_unique_ids(lp) == []
    # every text is sliced from the source; only the placeholders a person replaces ('TODO: …') are not
    assert [p for p in rule_verbatim(lp) if "'TODO" not in p.message] == []
    headings = [s.heading for s, _ in iter_sections(lp.plan.sections)]
    assert "(一)实施健康知识普及行动" in headings
    provisions = list(iter_provisions(lp.plan))
    assert len(provisions) >= 8
    assert any(p.lead == ["市卫生健康委员会"] and "市委宣传部" in p.partners for p, _, _ in provisions)


def test_unknown_topic_and_indicator_are_reported_with_a_hint(broken_copy: Path):
    shutil.copy(MINI.parent.parent.parent / "data" / "topics.yaml", broken_copy / "topics.yaml")
    shutil.copy(MINI.parent.parent.parent / "data" / "indicators.yaml", broken_copy / "indicators.yaml")
    import yaml
    from policy_compare.importer import dump
    plan = broken_copy / PLAN
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))

    def provisions(sections):
        for sec in sections:
            yield from sec.get("provisions", [])
            yield from provisions(sec.get("sections", []))
    provs = list(provisions(data["sections"]))
    for p in provs:
        p["topics"] = ["overview"]
    provs[0]["topics"] = ["tobaco-alcohol"]  # typo
    next(p for p in provs if p.get("targets"))["targets"][0]["indicator_id"] = "health-literacyy"
    plan.write_text(dump(data), encoding="utf-8")
    proc = run_build("check", "--data", str(broken_copy))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1
    assert any("'tobaco-alcohol' is not in data/topics.yaml. Did you mean 'tobacco-alcohol'? [unknown_topic]" in l for l in lines), lines
    assert any("'health-literacyy' is not in data/indicators.yaml. Did you mean 'health-literacy'? [unknown_indicator]" in l for l in lines), lines
    assert lines[-1] == "build failed: 2 errors"


def test_link_edits_name_real_provisions_with_their_line(broken_copy: Path):
    (broken_copy / "links.yaml").write_text(
        "pin: []\nsuppress:\n- a: mini-2020.s1-1-p1\n  b: mini-2020.s1-1-p9\n  note: test\n", encoding="utf-8")
    proc = run_build("check", "--data", str(broken_copy))
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"{broken_copy}/links.yaml:4: suppress[0].b: 'mini-2020.s1-1-p9' is not a provision ID. "
        "Did you mean 'mini-2020.s1-1-p1'? [unknown_provision]",
        f"{broken_copy}/links.yaml:3: suppress[0]: 'mini-2020.s1-1-p1' and 'mini-2020.s1-1-p9' are in the same plan [link_to_same_plan]",
        "build failed: 2 errors",
    ]
