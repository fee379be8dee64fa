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

from .model import Plan, Provision, Section, Target, Topic, TopicCatalogue
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


@dataclass(frozen=True)
class TopicCoverage:
    """One city's share of a topic: its provisions (document order) and how many targets they carry."""

    plan: Plan
    provisions: tuple[ProvisionRef, ...]
    targets: int

    @property
    def addressed(self) -> bool:
        return bool(self.provisions)


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    coverage: tuple[TopicCoverage, ...]  # one per plan, in plan order

    @property
    def cities_addressing(self) -> int:
        return sum(1 for c in self.coverage if c.addressed)

    @property
    def provision_ids(self) -> list[str]:
        return [r.id for c in self.coverage for r in c.provisions]


@dataclass
class Corpus:
    plans: list[Plan]
    sources: dict[str, str]  # plan id -> source text
    provisions: list[ProvisionRef] = field(default_factory=list)
    targets: list[TargetRef] = field(default_factory=list)
    stats: dict[str, PlanStats] = field(default_factory=dict)
    topics: list[TopicView] = field(default_factory=list)

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


def topic_url(topic: Topic) -> str:
    return f"topics/{topic.id}/"


def topic_views(corpus: Corpus, catalogue: TopicCatalogue) -> list[TopicView]:
    """Per topic, every plan's tagged provisions — including plans that do not address it."""
    views = []
    for topic in catalogue.topics:
        coverage = []
        for plan in corpus.plans:
            refs = tuple(r for r in corpus.provisions_of(plan.id) if topic.id in r.provision.topics)
            coverage.append(TopicCoverage(plan, refs, sum(len(r.provision.targets) for r in refs)))
        views.append(TopicView(topic, tuple(coverage)))
    return views


def build_corpus(plans: list[LoadedPlan], data_dir: Path, catalogue: TopicCatalogue | None = None) -> Corpus:
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
    corpus.topics = topic_views(corpus, catalogue or TopicCatalogue(topics=[]))
    return corpus
