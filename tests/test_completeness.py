"""Completeness: the encoded structure matches the documents, and every target-like number is encoded.

Exceptions to the number audit are listed, each with its reason, in data/exceptions/<plan>.yaml.
"""
from __future__ import annotations

import re

import pytest

from policy_compare import audit
from policy_compare.validate import iter_sections, rule_body_covered

# Top-level actions/sections the plans are compared on, counted by hand in each document.
EXPECTED_ACTIONS = {
    "quzhou-2020": 18,       # 二、行动内容 (一)–(十八)
    "ordos-2020": 14,        # 三、工作任务 (一)–(十四)
    "lianyungang-2017": 10,  # 三、主要任务 (一)–(十)
    "lishui-2021": 6,        # 一、–六、
    "jiamusi-2024": 8,       # 第二章–第九章 (task chapters; 第一章 background and 第十章 implementation excluded)
}

CN = "一二三四五六七八九十"


exceptions_for = audit.load_exceptions


def test_hand_counted_plans_are_present_and_every_plan_marks_actions(plans):
    """The five seed plans keep their hand-counted action totals (below); a plan a team adds needs only to
    mark its actions (is_action), so forking and adding one YAML file does not require editing tests."""
    assert set(EXPECTED_ACTIONS) <= {lp.plan.id for lp in plans}
    for lp in plans:
        assert any(s.is_action for s, _ in iter_sections(lp.plan.sections)), f"{lp.plan.id}: no section is marked is_action"


@pytest.mark.parametrize("plan_id", sorted(EXPECTED_ACTIONS))
def test_action_count_matches_document(plans, plan_id):
    lp = next(lp for lp in plans if lp.plan.id == plan_id)
    actions = [s for s, _ in iter_sections(lp.plan.sections) if s.is_action]
    assert len(actions) == EXPECTED_ACTIONS[plan_id]


@pytest.mark.parametrize("plan_id", sorted(EXPECTED_ACTIONS))
def test_top_level_headings_match_source(plans, plan_id):
    """Every 一、/第一章-style heading line in the body is encoded as a part/chapter heading."""
    lp = next(lp for lp in plans if lp.plan.id == plan_id)
    first, last = lp.plan.source.body_lines
    lines = lp.source_text.split("\n")[first - 1:last]
    pattern = re.compile(rf"^\s*(?:[{CN}]+、|第[{CN}]+章)")
    in_source = [l.strip() for l in lines if pattern.match(l) and len(l.strip()) < 60]
    encoded = [s.heading.strip() for s, _ in iter_sections(lp.plan.sections) if s.kind in ("part", "chapter")]
    assert in_source == encoded


@pytest.mark.parametrize("plan_id", sorted(EXPECTED_ACTIONS))
def test_a_provision_left_out_is_reported_as_an_unencoded_line(plans, plan_id):
    """The body-coverage rule is not vacuous on real plans: dropping one encoded provision makes it report
    that provision's source line (and nothing else), and the plan as curated has no such line."""
    lp = next(lp for lp in plans if lp.plan.id == plan_id)
    assert rule_body_covered(lp) == []
    victim = next(p for s, _ in iter_sections(lp.plan.sections) for p in s.provisions
                  if not p.table and sum(q.source_line == p.source_line for s2, _ in iter_sections(lp.plan.sections)
                                         for q in s2.provisions) == 1 and p.text.strip())

    def drop(secs):
        return [s.model_copy(update={"provisions": [p for p in s.provisions if p is not victim], "sections": drop(s.sections)})
                for s in secs]
    plan = lp.plan.model_copy(update={"sections": drop(lp.plan.sections)})
    problems = rule_body_covered(type(lp)(plan, lp.doc, lp.source_text))
    assert [p.message.split(" is not")[0] for p in problems] == [f"source line {victim.source_line}"]


@pytest.mark.parametrize("plan_id", sorted(EXPECTED_ACTIONS))
def test_every_target_number_with_a_year_is_encoded(plans, plan_id):
    lp = next(lp for lp in plans if lp.plan.id == plan_id)
    exceptions = exceptions_for(plan_id)
    missing = audit.uncovered(lp.plan, lp.source_text, exceptions)
    assert missing == [], "\n".join(f"line {n}: {num} in {s[:60]}" for n, num, s in missing)
    # exceptions must still point at real candidates (no stale entries)
    candidates = {(n, num) for n, num, _ in audit.candidates(lp.plan, lp.source_text)}
    assert set(exceptions) <= candidates
    assert all(reason.strip() for reason in exceptions.values())


def test_audit_catches_a_missing_target(plans):
    """The audit is not vacuous: dropping one encoded target makes it report that number."""
    lp = next(lp for lp in plans if lp.plan.id == "ordos-2020")
    prov_with_target = next(p for s, _ in iter_sections(lp.plan.sections) for p in s.provisions
                            if any(t.value is not None for t in p.targets))
    stripped = prov_with_target.model_copy(update={"targets": []})
    sections = lp.plan.model_copy(deep=True)

    def replace(secs):
        return [s.model_copy(update={"provisions": [stripped if p.id == prov_with_target.id else p for p in s.provisions],
                                     "sections": replace(s.sections)}) for s in secs]
    plan = sections.model_copy(update={"sections": replace(sections.sections)})
    missing = audit.uncovered(plan, lp.source_text, exceptions_for("ordos-2020"))
    assert {n for n, _, _ in missing} == {prov_with_target.source_line}
