"""The audit's exceptions are data (data/exceptions/<plan>.yaml), checked like the plans."""
from __future__ import annotations

from pathlib import Path

from policy_compare import audit

ROOT = Path(__file__).resolve().parent.parent


def test_every_exceptions_file_is_valid_and_names_a_plan(plans):
    by_id = {lp.plan.id: lp for lp in plans}
    files = sorted((ROOT / "data" / "exceptions").glob("*.yaml"))
    assert files
    counts = {}
    for path in files:
        assert path.stem in by_id, f"{path.name} names no plan"
        exceptions, problems = audit.read_exceptions(path.stem, ROOT / "data", by_id[path.stem].plan,
                                                        by_id[path.stem].source_text)
        assert problems == [], path.name
        counts[path.stem] = len(exceptions)
    assert counts["quzhou-2020"] == 0 and all(counts[p] for p in counts if p != "quzhou-2020"), counts


def test_a_broken_exceptions_file_is_reported(tmp_path, plans):
    lp = next(lp for lp in plans if lp.plan.id == "ordos-2020")
    (tmp_path / "exceptions").mkdir()
    (tmp_path / "exceptions" / "ordos-2020.yaml").write_text(
        "exceptions:\n- line: 34\n  number: '15'\n  reasn: typo\n", encoding="utf-8")
    _, problems = audit.read_exceptions("ordos-2020", tmp_path, lp.plan, lp.source_text)
    assert [(p.line, p.code) for p in problems] == [(2, "schema"), (4, "schema")]  # reason missing, reasn unknown
    (tmp_path / "exceptions" / "ordos-2020.yaml").write_text(
        "exceptions:\n- line: 34\n  number: '15'\n  reason: age bound\n- line: 35\n  number: '999'\n  reason: stale\n",
        encoding="utf-8")
    exceptions, problems = audit.read_exceptions("ordos-2020", tmp_path, lp.plan, lp.source_text)
    assert [(p.line, p.code) for p in problems] == [(6, "exception_not_a_candidate")]
    assert exceptions[(34, "15")] == "age bound"
