"""The importer's leave-one-out quality on the curated plans must not fall below the measured floors
(bench/bench_importer.py prints the figures; goals in issue 9: headings >= 98%, targets >= 90% recall at
>= 90% precision, bodies >= 95%). Floors sit just under the figures measured when they were set;
raise them when the importer improves."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import bench_importer  # noqa: E402

# plan: (heading F1, body text placed, bodies P, bodies R, targets P, targets R)
FLOORS = {
    "jiamusi-2024": (0.99, 0.99, 0.99, 0.99, 0.96, 0.94),
    "lianyungang-2017": (0.99, 0.99, 0.99, 0.99, 0.93, 0.94),
    "lishui-2021": (0.98, 0.99, 0.99, 0.98, 0.90, 0.90),  # 10 curated targets: one more miss is 80%
    "ordos-2020": (0.99, 0.99, 0.99, 0.99, 0.99, 0.98),
    "quzhou-2020": (0.99, 0.99, 0.99, 0.99, 0.99, 0.99),
}
GOALS = (0.98, None, 0.95, 0.95, 0.90, 0.90)  # issue 9; no floor may sit below its goal


def test_floors_meet_the_goals():
    assert all(f >= g for floors in FLOORS.values() for f, g in zip(floors, GOALS) if g is not None)


@pytest.mark.parametrize("plan_id", sorted(FLOORS))
def test_leave_one_out_quality(plan_id):
    r = bench_importer.evaluate(plan_id)
    got = (r["headings"]["f1"], r["placed"], r["bodies"]["precision"], r["bodies"]["recall"],
           r["targets"]["precision"], r["targets"]["recall"])
    names = ("heading F1", "body text placed", "bodies precision", "bodies recall", "targets precision", "targets recall")
    low = [f"{n} {g:.1%} < {f:.0%}" for n, g, f in zip(names, got, FLOORS[plan_id]) if g < f]
    assert not low, f"{plan_id}: " + "; ".join(low)
    assert r["check_errors"] == 0, r["first_errors"]
