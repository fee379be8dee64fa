"""Topic taxonomy and per-topic comparison pages."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import DATA
from policy_compare.validate import iter_provisions
from test_site import parse


def topic_ids() -> list[str]:
    return [t["id"] for t in yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]]


def test_taxonomy_covers_the_fifteen_healthy_china_actions():
    topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    assert sorted(t["healthy_china"] for t in topics if t.get("healthy_china")) == list(range(1, 16))
    for t in topics:
        assert t["name_zh"] and t["name_en"] and t["description"]


def test_untagged_provisions_and_unknown_topics_are_refused(plans):
    """On the real plans: no provision is untagged or carries an unknown topic, and the rules that say so do
    flag one provision stripped of its topics and one given a misspelt topic."""
    from policy_compare.validate import cross_known_topics, cross_tagged
    known = set(topic_ids())
    assert cross_tagged(plans, known) == [] and cross_known_topics(plans, known) == []
    lp = plans[0]
    (first, loc1, _), (second, loc2, _) = list(iter_provisions(lp.plan))[:2]
    broken = lp.plan.model_copy(deep=True)
    provisions = [p for p, _, _ in iter_provisions(broken)]
    object.__setattr__(provisions[0], "topics", [])
    object.__setattr__(provisions[1], "topics", ["tobaco-alcohol"])
    mutated = type(lp)(broken, lp.doc, lp.source_text)
    assert [(p.loc, p.code) for p in cross_tagged([mutated], known)] == [(loc1 + ("id",), "untagged_provision")]
    unknown = cross_known_topics([mutated], known)
    assert [(p.loc, p.code) for p in unknown] == [(loc2 + ("topics", 0), "unknown_topic")]
    assert "Did you mean 'tobacco-alcohol'?" in unknown[0].message


def test_every_topic_has_a_page_listing_exactly_its_provisions(site: Path, plans):
    nav = parse(site / "topics" / "index.html").links  # navigation.prune: the topics section is expanded there
    for tid in topic_ids():
        page_path = site / "topics" / tid / "index.html"
        assert page_path.exists(), tid
        page = parse(page_path)
        assert any(h.rstrip("/").split("/")[-1] == tid for h in nav), f"{tid} missing from navigation"
        shown = {i for i in page.ids if "--" in i}
        tagged = {f"{lp.plan.id}--{p.id}" for lp in plans for p, _, _ in iter_provisions(lp.plan) if tid in p.topics}
        assert shown == tagged, tid
        text = "".join(page.text)
        en = parse(site / "en" / "topics" / tid / "index.html")
        en_text = "".join(en.text)
        assert {i for i in en.ids if "--" in i} == tagged, tid  # the English page shows the same provisions
        for lp in plans:
            addressed = any(tid in p.topics for p, _, _ in iter_provisions(lp.plan))
            assert f"city-{lp.plan.id}" in page.ids
            if not addressed:
                assert "未涉及" in text and "not addressed" in en_text


def test_topics_json_agrees_with_data(site: Path, plans):
    records = json.loads((site / "data" / "topics.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == topic_ids()
    provisions = json.loads((site / "data" / "provisions.json").read_text(encoding="utf-8"))
    for r in records:
        assert {"id", "name_zh", "name_en", "url", "provision_ids"} <= set(r)
        assert r["provision_ids"] == [p["id"] for p in provisions if r["id"] in p["topics"]]
        assert (site / r["url"] / "index.html").exists()
