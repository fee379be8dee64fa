"""Indicator catalogue: wordings map targets of different cities to one canonical indicator."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from conftest import DATA
from policy_compare.compare import normalise_wording


def test_normalise_wording_drops_bracketed_unit_and_city_prefix():
    assert normalise_wording("婴儿死亡率(‰)") == "婴儿死亡率"
    assert normalise_wording("全市农村生活饮用水合格率") == "农村生活饮用水合格率"
    assert normalise_wording("每千常住人口执业(助理)医师数(人)") == "每千常住人口执业(助理)医师数"
    assert normalise_wording("每千常住人口执业(助理)医师数") == "每千常住人口执业(助理)医师数"


def test_catalogue_entries_are_complete_and_unique():
    indicators = yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
    ids = [i["id"] for i in indicators]
    assert len(ids) == len(set(ids))
    wordings = [normalise_wording(w) for i in indicators for w in i["wordings"]]
    assert len(wordings) == len(set(wordings)), "a wording maps to two indicators"
    for i in indicators:
        assert i["name_zh"] and i["name_en"] and i["unit"] and i["direction"] in ("higher", "lower")


def test_same_indicator_is_linked_across_cities(site: Path):
    rows = list(csv.DictReader(io.StringIO((site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    infant = {r["plan"] for r in rows if r["indicator_id"] == "infant-mortality"}
    assert {"lianyungang-2017", "ordos-2020", "jiamusi-2024"} <= infant
    literacy = {(r["plan"], r["year"], r["value"]) for r in rows if r["indicator_id"] == "health-literacy"}
    assert ("ordos-2020", "2030", "30") in literacy and ("jiamusi-2024", "2025", "25") in literacy
    records = json.loads((site / "data" / "indicators.json").read_text(encoding="utf-8"))
    assert {"id", "name_zh", "name_en", "unit", "direction", "url"} <= set(records[0])
    mapped = {r["indicator_id"] for r in rows if r["indicator_id"]}
    assert mapped == {r["id"] for r in records if r["plans"]}


def test_every_indicator_has_a_page_with_table_and_accessible_chart(site: Path):
    from test_site import parse
    rows = list(csv.DictReader(io.StringIO((site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    records = json.loads((site / "data" / "indicators.json").read_text(encoding="utf-8"))
    for r in records:
        html = (site / r["url"] / "index.html").read_text(encoding="utf-8")
        mine = [x for x in rows if x["indicator_id"] == r["id"]]
        # one table row per target or baseline, each linking to its provision
        assert html.count("<tr>") - 1 == len(mine), r["id"]
        for x in mine:
            assert x["url"].split("#")[1] in html
        if any(x["value"] and x["relative"] == "false" for x in mine):
            assert "<svg" in html and "<title" in html and "<desc" in html, r["id"]
    overview = "".join(parse(site / "indicators" / "index.html").text)
    assert "无目标" in overview
    assert "no target" in "".join(parse(site / "en" / "indicators" / "index.html").text)


# Unmapped targets whose wording contains a catalogue wording, each deliberately left city-specific.
NOT_THE_SAME_INDICATOR = {
    "jiamusi-2024.s4-1-p1.t1": "孕产妇及婴儿死亡率 combined, non-numeric ('降低')",
    "jiamusi-2024.s4-3-p1.t4": "health literacy of formerly poor areas only, a +5 point change",
}


def test_no_target_is_left_unmapped_by_accident(site: Path):
    from policy_compare.compare import normalise_unit, normalise_wording
    indicators = {i["id"]: i for i in yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]}
    wordings = {normalise_wording(w) for i in indicators.values() for w in i["wordings"]}
    rows = list(csv.DictReader(io.StringIO((site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    near = {r["target_id"] for r in rows if not r["indicator_id"]
            and any(w in normalise_wording(r["indicator"]) for w in wordings)}
    assert near == set(NOT_THE_SAME_INDICATOR)
    for r in rows:  # mapped numeric levels are in the indicator's unit, so cities compare like with like
        if r["indicator_id"] and r["value"] and r["relative"] == "false":
            assert normalise_unit(r["unit"]) == normalise_unit(indicators[r["indicator_id"]]["unit"]), r["target_id"]


def test_city_specific_targets_are_listed(site: Path):
    rows = list(csv.DictReader(io.StringIO((site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    html = (site / "indicators" / "index.html").read_text(encoding="utf-8")
    unmapped = [r for r in rows if not r["indicator_id"]]
    assert f"以下 {len(unmapped)} 个目标和基线" in html
