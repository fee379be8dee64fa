"""Stage 3 — compute: flatten the validated plans into what pages and exports show.

Steps:
1. give every provision and target a global ID and its heading path;
2. count actions, provisions and targets per plan;
3. (comparison issue) topics, indicators and cross-links are computed here too,
   so templates only display.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import re

from .model import (Department, Glossary, Indicator, IndicatorCatalogue, Plan, Provision, Section, Target, Topic,
                    TopicCatalogue)
from . import routes
from .catalogue import Catalogues
from .validate import LoadedPlan, iter_sections


@dataclass(frozen=True)
class ProvisionRef:
    """A provision with everything needed to show or export it out of its plan."""

    plan: Plan
    provision: Provision
    path: tuple[str, ...]  # headings above it, outermost first
    section_ids: tuple[str, ...]

    @cached_property  # asked for hundreds of thousands of times a build (frozen: stored in __dict__)
    def id(self) -> str:
        return f"{self.plan.id}.{self.provision.id}"

    @property
    def anchor(self) -> str:
        return self.provision.id

    @property
    def url(self) -> str:
        return routes.url("plan", self.plan.id, self.anchor)


@dataclass(frozen=True)
class TargetRef:
    ref: ProvisionRef
    target: Target
    index: int
    indicator_id: str | None = None  # explicit on the target, or matched by wording
    topics: tuple[str, ...] = ()     # topics this target is shown and counted under (see target_topics)

    @property
    def id(self) -> str:
        return f"{self.ref.id}.t{self.index + 1}"


def target_topics(prov: Provision, target: Target, indicator_topic: str | None) -> tuple[str, ...]:
    """The topics a target is shown and counted under: its own tag, else its indicator's topic, else its
    provision's main (first) topic. One paragraph or table holds targets of several topics; each target
    belongs to one, so a plan's targets summed over the topic pages stay close to its total."""
    own = tuple(target.topics) or ((indicator_topic,) if indicator_topic else ())
    if prov.table:
        return own or tuple(prov.topics[:1])
    return tuple(t for t in prov.topics if t in own) or own or tuple(prov.topics[:1])


@dataclass
class PlanStats:
    actions: int
    sections: int
    provisions: int
    targets: int
    baselines: int


@dataclass(frozen=True)
class TopicCoverage:
    """One city's share of a topic: its provisions (document order), the targets and baselines of this topic
    they carry (only these are shown and counted on the topic page)."""

    plan: Plan
    provisions: tuple[ProvisionRef, ...]
    targets: int
    baselines: int = 0
    shown: frozenset = frozenset()  # TargetRef IDs of this topic

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
    indicators: list[IndicatorView] = field(default_factory=list)
    related: dict[str, list[RelatedItem]] = field(default_factory=dict)  # provision global ID -> links
    by_id: dict[str, ProvisionRef] = field(default_factory=dict)  # provision global ID -> provision
    departments: list[Department] = field(default_factory=list)  # curated groups, then ungrouped names
    responsibility: list["Responsibility"] = field(default_factory=list)  # one per plan, in plan order
    glossary: Glossary = field(default_factory=Glossary)

    by_plan: dict[str, list[ProvisionRef]] = field(default_factory=dict)  # plan id -> its provisions, in order
    responsibility_totals: "ResponsibilityTotals | None" = None
    fingerprints: dict[str, str] = field(default_factory=dict)  # plan id -> hash of its file and source text
    identities: dict[str, str] = field(default_factory=dict)  # plan id -> hash of all it says but its body
    data_dir: Path | None = None  # where the plans and catalogues were read from

    def provisions_of(self, plan_id: str) -> list[ProvisionRef]:
        return self.by_plan.get(plan_id, [])


def _walk(plan: Plan, sections: list[Section], path: tuple, ids: tuple, out: list[ProvisionRef]) -> None:
    """Collect provisions in document order with the headings above them."""
    for sec in sections:
        here, here_ids = path + (sec.heading,), ids + (sec.id,)
        for kind, _, child in sec.children():
            if kind == "provision":
                out.append(ProvisionRef(plan, child, here, here_ids))
            else:
                _walk(plan, [child], here, here_ids, out)


_TRAILING_UNIT = re.compile(r"[（(][^（()）]{1,8}[）)]$")


def normalise_wording(wording: str) -> str:
    """'全市婴儿死亡率(‰)' -> '婴儿死亡率': drop a bracketed unit at the end and a leading 全市."""
    text = _TRAILING_UNIT.sub("", wording.strip())
    return text[2:] if text.startswith("全市") else text


_UNIT_ALIASES = {"％": "%", "百分比": "%", "‰": "‰", "1/1000": "‰", "per 1,000": "‰", "/1000": "‰", "千分之": "‰",
                 "1/10万": "1/10万", "/10万": "1/10万", "每10万": "1/10万", "1/100000": "1/10万", "岁": "岁", "年": "岁"}


def normalise_unit(unit: str | None) -> str | None:
    """'％' -> '%', '1/1000' -> '‰', '/10万' -> '1/10万': one spelling per unit for comparison."""
    if unit is None:
        return None
    key = unit.strip().replace(" ", "")
    return _UNIT_ALIASES.get(key, key)


def indicator_index(catalogue: IndicatorCatalogue) -> dict[str, str]:
    """Normalised wording -> indicator ID."""
    return {normalise_wording(w): ind.id for ind in catalogue.indicators for w in ind.wordings}


def match_indicator(target: Target, index: dict[str, str]) -> str | None:
    return target.indicator_id or index.get(normalise_wording(target.indicator))


class RelatedItem(NamedTuple):
    """A matching provision in another plan, and why it matched (a named tuple: tens of thousands are made
    from the kept links on every build, and a frozen dataclass sets each field through object.__setattr__)."""

    ref: ProvisionRef
    score: float
    topics: tuple[str, ...]
    terms: tuple[str, ...]
    pinned: bool
    excerpt: str
    strength: str = ""  # plain-language strength of the match (links.STRENGTH), shown instead of the score


def excerpt(text: str, terms: tuple[str, ...], width: int = 90) -> str:
    """A window of the text around its first shared term."""
    pos = min((text.find(t) for t in terms if t in text), default=0)
    start = max(0, pos - 20)
    snippet = text[start:start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    rows: tuple[tuple[Plan, tuple[TargetRef, ...]], ...]  # per plan with values, targets sorted by year

    @property
    def cities(self) -> int:
        return len(self.rows)


def indicator_views(corpus: "Corpus", catalogue: IndicatorCatalogue) -> list[IndicatorView]:
    """Per indicator, each plan's targets for it by year. One pass groups the targets by (indicator, plan);
    the cost grows with the number of targets, not with indicators × plans."""
    grouped: dict[str, dict[str, list[TargetRef]]] = {}
    for t in corpus.targets:
        if t.indicator_id:
            grouped.setdefault(t.indicator_id, {}).setdefault(t.ref.plan.id, []).append(t)
    views = []
    for ind in catalogue.indicators:
        per_plan = grouped.get(ind.id, {})
        rows = tuple((plan, tuple(sorted(per_plan[plan.id], key=lambda t: (t.target.year, t.target.kind != "baseline"))))
                     for plan in corpus.plans if plan.id in per_plan)
        views.append(IndicatorView(ind, rows))
    return views


def topic_views(corpus: Corpus, catalogue: TopicCatalogue) -> list[TopicView]:
    """Per topic, every plan's provisions and targets on it, including plans that do not address it.

    A provision shows under the topics it is tagged with, except a whole indicator table with targets, which
    shows only under the topics of its own rows (each target carries its topics, see target_topics); the
    counts count the targets shown. One pass groups provisions and targets by (topic, plan): the cost grows
    with provisions and targets, plus one cell per topic and plan."""
    targets: dict[tuple[str, str], list[TargetRef]] = {}
    holders: dict[tuple[str, str], set[str]] = {}
    for t in corpus.targets:
        for tid in t.topics:
            targets.setdefault((tid, t.ref.plan.id), []).append(t)
            holders.setdefault((tid, t.ref.plan.id), set()).add(t.ref.id)
    grouped: dict[tuple[str, str], list[ProvisionRef]] = {}
    for r in corpus.provisions:
        whole_table = bool(r.provision.table and r.provision.targets)
        tags = () if whole_table else tuple(r.provision.topics)
        for tid in dict.fromkeys(tags):
            grouped.setdefault((tid, r.plan.id), []).append(r)
    # provisions holding a target of the topic but not tagged with it (or whole tables): in plan order
    for (tid, pid), ids in holders.items():
        have = {r.id for r in grouped.get((tid, pid), ())}
        missing = ids - have
        if missing:
            grouped[(tid, pid)] = [r for r in corpus.provisions_of(pid) if r.id in have or r.id in missing]
    views = []
    for topic in catalogue.topics:
        coverage = []
        for plan in corpus.plans:
            mine = targets.get((topic.id, plan.id), [])
            coverage.append(TopicCoverage(plan, tuple(grouped.get((topic.id, plan.id), ())),
                                          sum(1 for t in mine if t.target.kind == "target"),
                                          sum(1 for t in mine if t.target.kind == "baseline"),
                                          frozenset(t.id for t in mine)))
        views.append(TopicView(topic, tuple(coverage)))
    return views


@dataclass(frozen=True)
class ResponsibilityRow:
    """One department group in one plan: the names the plan uses, what it leads and partners on."""

    group: Department
    names: tuple[str, ...]                 # verbatim names this plan uses for the group
    lead: tuple[ProvisionRef, ...]
    partner: tuple[ProvisionRef, ...]
    topics: tuple[tuple[str, int], ...]    # (topic ID, provisions led) most first


@dataclass(frozen=True)
class Responsibility:
    plan: Plan
    rows: tuple[ResponsibilityRow, ...]    # groups leading most first; partner-only groups last

    @property
    def states_bodies(self) -> bool:
        return bool(self.rows)


def department_groups(corpus: Corpus, curated: list[Department]) -> list[Department]:
    """The curated groups, then one group per body name no curated group lists (kept, never dropped)."""
    grouped = {n for d in curated for n in d.names}
    seen: dict[str, None] = {}
    for r in corpus.provisions:
        for b in (*r.provision.lead, *r.provision.partners):
            if b not in grouped:
                seen.setdefault(b, None)
    extra = [Department.model_construct(id=f"body-{i + 1}", name_zh=b, name_en=b, note=None, names=[b])
             for i, b in enumerate(seen)]
    return list(curated) + extra


def responsibility(corpus: Corpus) -> list[Responsibility]:
    group_of = {n: d for d in corpus.departments for n in d.names}
    by_id = {d.id: d for d in corpus.departments}
    out = []
    for plan in corpus.plans:
        lead: dict[str, list[ProvisionRef]] = {}
        partner: dict[str, list[ProvisionRef]] = {}
        names: dict[str, dict[str, None]] = {}
        for r in corpus.provisions_of(plan.id):
            for role, bodies in ((lead, r.provision.lead), (partner, r.provision.partners)):
                for b in bodies:
                    g = group_of[b].id
                    names.setdefault(g, {}).setdefault(b, None)
                    refs = role.setdefault(g, [])
                    if not refs or refs[-1] is not r:  # provisions come in order: a repeat is the last one
                        refs.append(r)
        rows = []
        for g in names:
            led = tuple(lead.get(g, ()))
            counts: dict[str, int] = {}
            for r in led:
                for t in r.provision.topics:
                    counts[t] = counts.get(t, 0) + 1
            rows.append(ResponsibilityRow(by_id[g], tuple(names[g]), led, tuple(partner.get(g, ())),
                                          tuple(sorted(counts.items(), key=lambda kv: -kv[1]))))
        rows.sort(key=lambda row: (-len(row.lead), -len(row.partner), row.group.name_zh))
        out.append(Responsibility(plan, tuple(rows)))
    return out


@contextmanager
def _untimed(name: str):
    yield


@dataclass(frozen=True)
class ResponsibilityTotals:
    """Across plans: the groups some plan uses with each plan's names for them, and lead counts per group."""

    groups: tuple            # (Department, {plan id: names}) for groups used by at least one plan, catalogue order
    leads: tuple             # (Department, (lead count per plan, in plan order)), groups leading most widely first


def responsibility_totals(corpus: Corpus) -> ResponsibilityTotals:
    used: dict[str, dict[str, tuple[str, ...]]] = {}
    lead_counts: dict[tuple[str, str], int] = {}
    for r in corpus.responsibility:
        for row in r.rows:
            used.setdefault(row.group.id, {})[r.plan.id] = row.names
            lead_counts[(r.plan.id, row.group.id)] = len(row.lead)
    groups = tuple((d, used[d.id]) for d in corpus.departments if d.id in used)
    leads = tuple((d, tuple(lead_counts.get((p.id, d.id), 0) for p in corpus.plans)) for d, _ in groups)
    leads = tuple(sorted((item for item in leads if any(item[1])),
                         key=lambda item: (-sum(1 for n in item[1] if n), -sum(item[1]))))
    return ResponsibilityTotals(groups, leads)


def related_items(corpus: Corpus, catalogues: Catalogues, cache_dir: Path | None = None) -> dict[str, list[RelatedItem]]:
    """The cross-links of every provision (:func:`links.update_links`), as readers see them. With
    ``cache_dir``, what one build computed is kept there for the next: the readers' links under a key of
    everything linking reads (each provision's ID, plan, script, text, responsibility quote, topics and
    whether it is a table; the user words, pins, suppressions and the code), so a build whose provisions did
    not change in any of these (an edit to a plan's header, targets or summary) reuses them; and, beside them,
    what the linking kept (:class:`links.Kept`) with the key of the readers' links it went with, so a build
    whose provisions did change computes again only what the change can reach, and reuses the readers'
    links of every provision whose links did not change."""
    from . import links
    from .cache import keep_only, read_kept
    from .search import user_words
    words = tuple(user_words(corpus))
    path = state_path = key = None
    state = old_wire = None
    if cache_dir is not None:
        code = _links_code()
        key = links_key(corpus, catalogues, words, code)
        path = cache_dir / f"links-{key}.pickle"
        kept = read_kept(path)
        if kept is not None:
            return related_from_wire(corpus, kept)
        state_path = cache_dir / f"linkstate-{code}.pickle"
        stored = read_kept(state_path)
        if isinstance(stored, tuple) and len(stored) == 2:
            old_wire = read_kept(cache_dir / f"links-{stored[0]}.pickle")
            state = stored[1] if isinstance(old_wire, dict) else None
    raw, state = links.update_links(corpus.provisions, catalogues.pins, catalogues.suppress, words=words, kept=state)
    related = {}
    for r in corpus.provisions:  # a provision missing from raw kept its links (then old_wire holds them)
        found = raw.get(r.id)
        related[r.id] = _related_of(corpus, found) if found is not None else _from_wire(corpus, old_wire[r.id])
    if path is not None:
        keep_only(path, related_wire(related))
        keep_only(state_path, (key, state))
    return related


def _links_code() -> str:
    """A hash of the code and packages cross-linking runs (their versions from the installed metadata's
    folder names, found without importing them)."""
    import hashlib
    import importlib.util
    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("links.py", "neighbours.py", "compare.py"))
    for module, dist in (("jieba", "jieba"), ("scipy", "scipy"), ("numpy", "numpy"), ("opencc", "opencc_python_reimplemented")):
        spec = importlib.util.find_spec(module)
        folder = Path(spec.origin).parent.parent if spec and spec.origin else None
        names = sorted(p.name for p in folder.glob(f"{dist}-*.dist-info")) if folder else []
        code += (module + ":" + ",".join(names) + "\0").encode()
    return hashlib.sha256(code).hexdigest()[:16]


def links_key(corpus: Corpus, catalogues: Catalogues, words: tuple[str, ...], code: str = "") -> str:
    import hashlib
    h = hashlib.sha256((code or _links_code()).encode())
    for r in corpus.provisions:  # fields apart by \x1f, provisions by \x1e (neither occurs in plan text)
        p = r.provision
        h.update("\x1f".join((r.id, r.plan.id, r.plan.script, p.text, p.responsibility_quote or "",
                               "\x1d".join(p.topics), "table" if p.table else "")).encode() + b"\x1e")
    for part in (words, *catalogues.pins, *catalogues.suppress):
        h.update("\x1d".join(part).encode() + b"\x1c")
    return h.hexdigest()[:16]


def related_wire(related: dict[str, list[RelatedItem]]) -> dict[str, list[tuple]]:
    """The cross-links as plain tuples (provision IDs instead of references), to keep between builds."""
    return {src: [(i.ref.id, i.score, i.topics, i.terms, i.pinned, i.excerpt, i.strength) for i in items]
            for src, items in related.items()}


def related_from_wire(corpus: Corpus, wire: dict[str, list[tuple]]) -> dict[str, list[RelatedItem]]:
    return {src: _from_wire(corpus, items) for src, items in wire.items()}


def _from_wire(corpus: Corpus, items: list[tuple]) -> list[RelatedItem]:
    return [RelatedItem(corpus.by_id[t[0]], *t[1:]) for t in items]


def _related_of(corpus: Corpus, found) -> list[RelatedItem]:
    """One provision's links as readers see them."""
    items = []
    for link in found:
        ref = corpus.by_id[link.target]
        shown = link.snippet if link.snippet and len(link.snippet) <= 120 else ref.provision.text
        terms = tuple(t for t in link.terms if t in shown)
        items.append(RelatedItem(ref, link.score, link.topics, terms, link.pinned,
                                 shown if shown == link.snippet else excerpt(shown, terms), link.strength))
    return items


def _fingerprint(lp: LoadedPlan) -> str:
    import hashlib
    try:
        data = lp.doc.path.read_bytes()
    except OSError:  # not from a file (tests): no page of it is reused
        return ""
    return hashlib.sha256(data + b"\0" + lp.source_text.encode("utf-8")).hexdigest()[:20]


def _identity(plan: Plan) -> str:
    """What the pages that list a plan without its provisions read of it (the city, province, title, dates
    …): a hash of every field but its sections, its English summary (shown on its own page only) and the
    curator's open questions (shown nowhere)."""
    import hashlib
    data = plan.model_dump_json(exclude={"sections", "summary_en", "review"})
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def build_corpus(plans: list[LoadedPlan], data_dir: Path, catalogues: Catalogues | None = None, stage=None,
                 before_links=None, links_cache: Path | None = None) -> Corpus:
    """Flatten the plans and compute every comparison. ``stage(name)``, if given, is a context manager that
    times a step (the pipeline's timings report cross-linking apart); ``before_links(corpus)``, if given, is
    called when everything but the cross-links is computed (the pipeline starts work beside them);
    ``links_cache``: see :func:`related_items`."""
    catalogues = catalogues or Catalogues(TopicCatalogue(topics=[]), IndicatorCatalogue(indicators=[]))
    wordings = indicator_index(catalogues.indicators)
    topic_of = {ind.id: ind.topic for ind in catalogues.indicators.indicators}
    ordered = sorted(plans, key=lambda lp: (lp.plan.date_written, lp.plan.id))
    corpus = Corpus([lp.plan for lp in ordered], {lp.plan.id: lp.source_text for lp in ordered})
    corpus.fingerprints = {lp.plan.id: _fingerprint(lp) for lp in ordered}
    corpus.identities = {pid: _identity(plan) if corpus.fingerprints[pid] else ""  # "": no page is reused
                         for pid, plan in ((lp.plan.id, lp.plan) for lp in ordered)}
    corpus.data_dir = Path(data_dir)
    for lp in ordered:
        refs: list[ProvisionRef] = []
        _walk(lp.plan, lp.plan.sections, (), (), refs)
        corpus.provisions += refs
        targets = []
        for r in refs:
            for i, t in enumerate(r.provision.targets):
                ind = match_indicator(t, wordings)
                targets.append(TargetRef(r, t, i, ind, target_topics(r.provision, t, topic_of.get(ind))))
        corpus.targets += targets
        corpus.stats[lp.plan.id] = PlanStats(
            actions=sum(1 for s, _ in iter_sections(lp.plan.sections) if s.is_action),
            sections=sum(1 for _ in iter_sections(lp.plan.sections)),
            provisions=len(refs),
            targets=sum(1 for t in targets if t.target.kind == "target"),
            baselines=sum(1 for t in targets if t.target.kind == "baseline"),
        )
    corpus.by_id = {r.id: r for r in corpus.provisions}
    for r in corpus.provisions:
        corpus.by_plan.setdefault(r.plan.id, []).append(r)
    corpus.topics = topic_views(corpus, catalogues.topics)
    corpus.indicators = indicator_views(corpus, catalogues.indicators)
    corpus.departments = department_groups(corpus, catalogues.departments.departments)
    corpus.responsibility = responsibility(corpus)
    corpus.responsibility_totals = responsibility_totals(corpus)
    corpus.glossary = catalogues.glossary
    if before_links:
        before_links(corpus)
    with (stage or _untimed)("links"):
        corpus.related = related_items(corpus, catalogues, links_cache)  # last: its word list uses the names above
    return corpus
