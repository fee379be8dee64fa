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
