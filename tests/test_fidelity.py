"""Fidelity: every heading, provision text and target quote in data/ is verbatim from its source.

Written independently of the validator (it walks the raw YAML), so a bug in one does not hide in the other.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import DATA

PLAN_FILES = sorted((DATA / "plans").glob("*.yaml"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u2002", " ").replace("\u3000", " ")).strip()


def walk(node, path=""):
    """Yield (path, key, value) for every mapping entry in the YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


def load(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = (DATA / data["source"]["file"]).read_text(encoding="utf-8")
    return data, source


SEED_PLANS = {"quzhou-2020", "ordos-2020", "lianyungang-2017", "lishui-2021", "jiamusi-2024"}


def test_the_seed_plans_are_present_with_their_sources():
    """Each of the five seed plans has its plan file (id = file name) and a non-trivial source text."""
    assert SEED_PLANS <= {p.stem for p in PLAN_FILES}
    for path in PLAN_FILES:
        data, source = load(path)
        assert data["id"] == path.stem
        if path.stem in SEED_PLANS:
            first, last = data["source"]["body_lines"]
            assert last - first > 50 and len(source.split("\n")) >= last, path.stem


def test_sources_are_kept_unchanged_in_the_repo():
    """The source texts are the captures from shared/seeds, byte for byte (checked where seeds are present)."""
    seeds = DATA.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds not beside this checkout")
    captured = {p.read_bytes() for p in seeds.glob("*.txt")}
    for path in PLAN_FILES:
        data, _ = load(path)
        assert (DATA / data["source"]["file"]).read_bytes() in captured, data["source"]["file"]


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_texts_are_verbatim(path: Path):
    data, source = load(path)
    flat = squash(source)
    checked = 0
    for where, key, value in walk(data):
        if key in ("heading", "text", "responsibility_quote") and isinstance(value, str):
            assert value in source, f"{path.name} {where}.{key}: {value[:40]!r} not verbatim"
            checked += 1
        elif key == "quote" and where and "targets" in where:
            assert squash(value) in flat, f"{path.name} {where}.quote: {value[:40]!r} not in source"
            checked += 1
        elif key == "table":
            for row in value:
                for cell in row:
                    assert squash(cell) in flat, f"{path.name} {where}.table: {cell!r} not in source"
            checked += 1
    assert checked > 10


def test_corrections_keep_the_original():
    """Every correction (there is at least one: Lishui's garbled run) keeps the original verbatim in the source,
    differs from it, and says why."""
    corrections = []
    for path in PLAN_FILES:
        data, source = load(path)
        for where, key, value in walk(data):
            if key == "correction" and isinstance(value, dict):
                corrections.append((path.stem, where, value))
                assert value["original"] in source, (path.stem, where)
                assert value["corrected"] != value["original"], (path.stem, where)
                assert value["reason"].strip(), (path.stem, where)
    assert "lishui-2021" in {plan for plan, _, _ in corrections}


def test_known_source_defects_are_recorded():
    kinds = {}
    for path in PLAN_FILES:
        data, _ = load(path)
        kinds[data["id"]] = {d["kind"] for d in data.get("defects", [])}
    assert {"garbled_text", "spam"} <= kinds["lishui-2021"]
    assert kinds["jiamusi-2024"] & {"truncated_unit", "missing_unit"}
    assert "missing_attachment" in kinds["quzhou-2020"]
    assert "missing_attachment" in kinds["ordos-2020"]


def test_lishui_garbled_run_is_corrected_and_marked():
    data, source = load(DATA / "plans" / "lishui-2021.yaml")
    corrections = [v for _, k, v in walk(data) if k == "correction" and isinstance(v, dict)]
    assert len(corrections) == 1
    fix = corrections[0]
    assert "\ue2ae" in fix["original"] and "\ue2ae" not in fix["corrected"]
    assert "醫保基金" in fix["corrected"]
