"""Cross-links between matching provisions: quality against hand-labelled pairs, and sanity of the links.

tests/links_labelled.yaml holds pairs labelled by reading both texts (not by looking at scores).
The floors below are the figures measured when the method was tuned; the test fails if either drops.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import ROOT

PRECISION_FLOOR = 0.98  # measured 0.99 (python bench/tune_links.py)
RECALL_FLOOR = 0.97     # measured 0.97


def labelled():
    return yaml.safe_load((ROOT / "tests" / "links_labelled.yaml").read_text(encoding="utf-8"))["pairs"]


def computed_links(only: set[str] | None = None) -> set[frozenset]:
    """Links as the pipeline computes them over data/ (or over the plans in ``only``)."""
    from conftest import DATA
    from policy_compare.compare import build_corpus
    from policy_compare.pipeline import validate_all
    loaded, _, catalogues = validate_all(DATA)
    corpus = build_corpus([lp for lp in loaded if only is None or lp.plan.id in only], DATA, catalogues)
    return {frozenset((src, item.ref.id)) for src, items in corpus.related.items() for item in items}


def reference_links() -> set[frozenset]:
    """Links over the labelled plans only: a team that adds a plan changes which three links each provision
    shows, but not the quality of the method on this reference."""
    return computed_links({p[side].split(".")[0] for p in labelled() for side in ("a", "b")})


def precision_recall(links: set[frozenset]) -> tuple[float, float, int, int]:
    pairs = labelled()
    predicted = [frozenset((p["a"], p["b"])) in links for p in pairs]
    truth = [p["match"] for p in pairs]
    tp = sum(1 for p, t in zip(predicted, truth) if p and t)
    fp = sum(1 for p, t in zip(predicted, truth) if p and not t)
    fn = sum(1 for p, t in zip(predicted, truth) if not p and t)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp + fp, tp + fn


def test_labelled_set_covers_all_city_pairs():
    pairs = labelled()
    assert len(pairs) >= 60
    city_pairs = {frozenset((p["a"].split(".")[0], p["b"].split(".")[0])) for p in pairs}
    assert len(city_pairs) == 10
    assert any(p["match"] for p in pairs) and not all(p["match"] for p in pairs)


def test_link_quality_against_labelled_pairs():
    precision, recall, n_pred, n_true = precision_recall(reference_links())
    print(f"links: precision {precision:.2f} ({n_pred} predicted), recall {recall:.2f} ({n_true} true)")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_site_shows_the_computed_links(site: Path):
    """provisions.json (and so the pages) carries exactly the links the pipeline computed."""
    records = json.loads((site / "data" / "provisions.json").read_text(encoding="utf-8"))
    shown = {frozenset((r["id"], other)) for r in records for other in r["related"]}
    assert shown and shown == computed_links()


def test_links_go_to_other_plans_and_exist(site: Path):
    records = json.loads((site / "data" / "provisions.json").read_text(encoding="utf-8"))
    ids = {r["id"]: r for r in records}
    for r in records:
        assert len(r["related"]) <= 3
        for other in r["related"]:
            assert other in ids
            assert ids[other]["plan"] != r["plan"]
    lishui = [r for r in records if r["plan"] == "lishui-2021"]
    assert all("text_simplified" in r for r in lishui)
    assert any(r["related"] for r in lishui), "Traditional-script Lishui should match Simplified plans"
