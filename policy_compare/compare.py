"""Stage 3 — compute: flatten the validated plans into what pages and exports show.

Steps:
1. give every provision and target a global ID and its heading path;
2. count actions, provisions and targets per plan;
3. (comparison issue) topics, indicators and cross-links are computed here too,
   so templates only display.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Plan, Provision, Section, Target
from .validate import LoadedPlan, iter_sections


@dataclass(frozen=True)
class ProvisionRef:
    """A provision with everything needed to show or export it out of its plan."""

    plan: Plan
    provision: Provision
    path: tuple[str, ...]  # headings above it, outermost first
    section_ids: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.plan.id}.{self.provision.id}"

    @property
    def anchor(self) -> str:
        return self.provision.id

    @property
    def url(self) -> str:
        return f"{plan_url(self.plan)}#{self.anchor}"


@dataclass(frozen=True)
class TargetRef:
    ref: ProvisionRef
    target: Target
    index: int

    @property
    def id(self) -> str:
        return f"{self.ref.id}.t{self.index + 1}"


@dataclass
class PlanStats:
    actions: int
    sections: int
    provisions: int
    targets: int
    baselines: int


@dataclass
class Corpus:
    plans: list[Plan]
    sources: dict[str, str]  # plan id -> source text
    provisions: list[ProvisionRef] = field(default_factory=list)
    targets: list[TargetRef] = field(default_factory=list)
    stats: dict[str, PlanStats] = field(default_factory=dict)

    def provisions_of(self, plan_id: str) -> list[ProvisionRef]:
        return [p for p in self.provisions if p.plan.id == plan_id]


def plan_url(plan: Plan) -> str:
    """Site-relative URL of a plan page (directory URLs)."""
    return f"plans/{plan.id}/"


def source_url(plan: Plan) -> str:
    return f"sources/{plan.id}/"


def _walk(plan: Plan, sections: list[Section], path: tuple, ids: tuple, out: list[ProvisionRef]) -> None:
    """Collect provisions in document order with the headings above them."""
    for sec in sections:
        here, here_ids = path + (sec.heading,), ids + (sec.id,)
        for kind, _, child in sec.children():
            if kind == "provision":
                out.append(ProvisionRef(plan, child, here, here_ids))
            else:
                _walk(plan, [child], here, here_ids, out)


def build_corpus(plans: list[LoadedPlan], data_dir: Path) -> Corpus:
    ordered = sorted(plans, key=lambda lp: (lp.plan.date_written, lp.plan.id))
    corpus = Corpus([lp.plan for lp in ordered], {lp.plan.id: lp.source_text for lp in ordered})
    for lp in ordered:
        refs: list[ProvisionRef] = []
        _walk(lp.plan, lp.plan.sections, (), (), refs)
        corpus.provisions += refs
        targets = [TargetRef(r, t, i) for r in refs for i, t in enumerate(r.provision.targets)]
        corpus.targets += targets
        corpus.stats[lp.plan.id] = PlanStats(
            actions=sum(1 for s, _ in iter_sections(lp.plan.sections) if s.is_action),
            sections=sum(1 for _ in iter_sections(lp.plan.sections)),
            provisions=len(refs),
            targets=sum(1 for t in targets if t.target.kind == "target"),
            baselines=sum(1 for t in targets if t.target.kind == "baseline"),
        )
    return corpus
