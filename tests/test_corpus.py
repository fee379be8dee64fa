"""The synthetic benchmark corpus (bench/corpus.py) is valid data: every plan passes every validator."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def test_generated_corpus_validates(tmp_path):
    import corpus
    from policy_compare.pipeline import validate

    ids = corpus.make(7, tmp_path / "data", seed=2)
    plans, problems = validate(tmp_path / "data")
    assert [str(p) for p in problems] == []  # no errors and no warnings
    assert sorted(lp.plan.id for lp in plans) == sorted(ids) and len(ids) == 7
    synthetic = [lp.plan for lp in plans if "synthetic" in lp.plan.source.captured_from]
    assert len(synthetic) == 2
    real = {lp.plan.id: lp.plan for lp in plans if lp.plan not in synthetic}
    for plan in synthetic:  # varied, not copies: another city, and not any real plan's text
        assert plan.city.zh not in {p.city.zh for p in real.values()}
        texts = [p.text for s in plan.sections for p in s.provisions]
        assert all(c.zh not in t for t in texts for c in (p.city for p in real.values()))


def test_plans_checked_by_two_processes_give_what_one_gives(tmp_path, monkeypatch):
    """validate._each_plan parses plans in forked workers when there are enough of them: the same plans,
    problems and order as one process, and the cache counts every plan it had to parse."""
    import corpus
    from policy_compare import validate as validate_module
    from policy_compare.cache import PlanCache
    from policy_compare.pipeline import validate_all

    corpus.make(validate_module.PARALLEL_FROM + 2, tmp_path / "data", seed=3)
    bad = sorted((tmp_path / "data" / "plans").glob("*.yaml"))[-1]
    bad.write_text(bad.read_text(encoding="utf-8").replace("date_written: ", "date_written: x", 1), encoding="utf-8")
    import multiprocessing
    import os
    forks, get_context = [], multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: forks.append(method) or get_context(method))
    cache = PlanCache(tmp_path / "cache")
    parallel = validate_all(tmp_path / "data", cache)
    assert cache.misses == validate_module.PARALLEL_FROM + 2 and cache.hits == 0
    assert forks == (["fork"] if (os.cpu_count() or 1) > 1 else [])  # the workers were used
    monkeypatch.setenv("PC_SEQUENTIAL", "1")
    sequential = validate_all(tmp_path / "data")
    assert [lp.plan for lp in parallel[0]] == [lp.plan for lp in sequential[0]]
    assert [str(p) for p in parallel[1]] == [str(p) for p in sequential[1]] and any("date_written" in str(p) for p in parallel[1])
