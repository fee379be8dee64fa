"""Stage 4a — render: one frozen context per page kind, one template per page kind.

Steps:
1. build the page contexts from the corpus (all computing happens here or
   in :mod:`.compare`; templates only display);
2. render ``templates/<kind>.md.j2`` with autoescape and StrictUndefined;
3. write each page only when its content changed, with a first-line comment
   naming the data and template it came from;
4. return the navigation for MkDocs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from markupsafe import Markup

from .chart import line_chart, timeline
from .compare import Corpus, IndicatorView, PlanStats, TargetRef, TopicView
from . import routes
from .filters import FILTERS, md
from .i18n import ZH, Lang, text_lang
from .model import Plan

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ZIP = routes.OFFLINE_ZIP
TEMPLATES = ROOT / "templates"


def environment() -> Environment:
    """Templates compile once per machine, not once per build and language: a bytecode cache under
    ``.cache/jinja/<code>``. Jinja keys it by template source only, so the folder is named by this module
    and the filters, which decide how templates compile (finalize, autoescape)."""
    import hashlib

    from jinja2 import FileSystemBytecodeCache

    here = Path(__file__).parent
    code = hashlib.sha256((here / "render.py").read_bytes() + (here / "filters.py").read_bytes()).hexdigest()[:12]
    cache = ROOT / ".cache" / "jinja" / code
    cache.mkdir(parents=True, exist_ok=True)
    # finalize: every value a template prints that is not Markup (a label from t(), a rendered fragment)
    # is data and is escaped for Markdown and HTML alike (filters.md), whatever the context.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=md,
                      bytecode_cache=FileSystemBytecodeCache(str(cache)), auto_reload=False)
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    stats: PlanStats
    url: str  # relative to the home page


@dataclass(frozen=True)
class HomePage:
    rows: tuple[PlanRow, ...]
    total_provisions: int
    total_targets: int
    plans: tuple[Plan, ...]
    topics: tuple[TopicView, ...]
    timeline: Markup
    has_indicators: bool
    offline_zip: str  # link from the home page to the offline bundle


@dataclass(frozen=True)
class PlanPage:
    plan: Plan
    stats: PlanStats
    source_page: str  # relative link from the plan page
    source_download: str
    related: dict  # provision global ID -> [RelatedItem]


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    status: str  # body | chrome | skipped


@dataclass(frozen=True)
class SourcePage:
    plan: Plan
    lines: tuple[SourceLine, ...]
    plan_page: str
    download: str


@dataclass(frozen=True)
class TopicPage:
    view: TopicView


@dataclass(frozen=True)
class TopicsPage:
    plans: tuple[Plan, ...]
    views: tuple[TopicView, ...]


@dataclass(frozen=True)
class IndicatorPage:
    view: IndicatorView
    missing: tuple[Plan, ...]  # plans with no value for this indicator


@dataclass(frozen=True)
class IndicatorRow:
    view: IndicatorView
    cells: tuple[TargetRef | None, ...]  # per plan: the latest target, or None


@dataclass(frozen=True)
class IndicatorsPage:
    plans: tuple[Plan, ...]
    rows: tuple[IndicatorRow, ...]
    city_specific: tuple[TargetRef, ...]  # targets with no canonical indicator


def latest_target(view: IndicatorView, plan: Plan) -> TargetRef | None:
    refs = next((refs for p, refs in view.rows if p.id == plan.id), ())
    targets = [t for t in refs if t.target.kind == "target"]
    return max(targets, key=lambda t: t.target.year) if targets else None


@dataclass(frozen=True)
class DataPage:
    plans: tuple[Plan, ...]
    target_columns: tuple[str, ...]
    offline_zip: str  # link from the data page to the offline bundle


def source_lines(plan: Plan, text: str) -> tuple[SourceLine, ...]:
    first, last = plan.source.body_lines
    skipped = {n for s in plan.source.skipped for n in range(s.lines[0], s.lines[1] + 1)}
    rows = []
    for n, line in enumerate(text.split("\n"), start=1):
        status = "chrome" if not first <= n <= last else "skipped" if n in skipped else "body"
        rows.append(SourceLine(n, line, status))
    while rows and not rows[-1].text.strip():
        rows.pop()
    return tuple(rows)


def heading_level(depth: int) -> Markup:
    return Markup("#" * min(depth + 2, 6))


class Writer:
    """Writes generated files, touching a file only when its bytes changed (so the docs folder can be kept
    between builds, MkDocs' and the reader's caches stay valid, and ``mkdocs serve`` does not loop).

    ``files`` lists every file this build produced, ``written`` those whose bytes changed."""

    def __init__(self, docs: Path):
        self.docs = docs
        self.files: list[Path] = []
        self.written: list[Path] = []
        self.nav: list = []

    def write(self, rel: str, header: str, body: str) -> None:
        comment = f"<!-- {header} -->\n"
        if body.startswith("---\n"):  # front matter must stay first
            end = body.index("\n---\n", 4) + 5
            text = body[:end] + comment + body[end:]
        else:
            text = comment + body
        self.write_raw(rel, text)

    def write_raw(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = self.docs / rel
        self.files.append(path)
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written.append(path)

    def prune(self) -> list[Path]:
        """Remove files (and then empty folders) under ``docs`` that this build did not produce."""
        keep = set(self.files)
        removed = [p for p in self.docs.rglob("*") if p.is_file() and p not in keep]
        for p in removed:
            p.unlink()
        for d in sorted((d for d in self.docs.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
        return removed


@dataclass(frozen=True)
class ResponsiblePage:
    plans: tuple[Plan, ...]
    groups: tuple            # curated groups used by at least one plan: (Department, {plan id: names})
    per_plan: tuple          # Responsibility per plan
    leads: tuple             # (Department, (lead count per plan, in plan order)) for groups leading anywhere


@dataclass(frozen=True)
class GlossaryPage:
    terms: tuple


@dataclass(frozen=True)
class GuidePage:
    models: tuple            # schema_doc.reference()
    example_id: str          # the plan shown as the worked example
    example_yaml: str        # its header and one action with bodies and targets, as YAML


def guide_example(corpus: Corpus) -> tuple[str, str]:
    """The first action (in plan order) that names responsible bodies and carries a target, with its plan's
    header: a real, always-current excerpt for the guide, taken from the validated plan (not re-read)."""
    import yaml

    for ref in corpus.provisions:
        p = ref.provision
        if p.lead and p.targets and len(ref.section_ids) >= 2:
            plan = ref.plan
            dump = plan.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
            header = {k: dump[k] for k in ("id", "city", "province", "title", "doc_number", "issuer", "date_written",
                                           "kind", "period", "target_years", "script") if k in dump}
            header["source"] = {k: dump["source"][k] for k in ("file", "body_lines") if k in dump["source"]}
            node, chain = dump, []
            for sid in ref.section_ids:
                node = next(s for s in node.get("sections", []) if s["id"] == sid)
                chain.append(node)
            leaf = {k: v for k, v in chain[-1].items() if k not in ("sections", "provisions")}
            leaf["provisions"] = [next(x for x in chain[-1].get("provisions", []) if x["id"] == p.id)]
            for outer in reversed(chain[:-1]):
                outer = {k: v for k, v in outer.items() if k not in ("sections", "provisions")}
                outer["sections"] = [leaf]
                leaf = outer
            header["sections"] = [leaf]
            return plan.id, yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=100)
    return "", ""


def escape_nav(items: list) -> list:
    """MkDocs and Material print navigation titles as raw HTML (the theme does not autoescape, and the
    page <title> uses ``striptags``, which would undo one escaping): titles come from data, so they are
    HTML-escaped here, and the <title> override in templates/overrides/main.html prints them as they are."""
    import html

    out = []
    for item in items:
        if isinstance(item, dict):
            out.append({html.escape(str(k), quote=True): escape_nav(v) if isinstance(v, list) else v for k, v in item.items()})
        else:
            out.append(item)
    return out


def nav(corpus: Corpus, lang: Lang) -> list[dict]:
    return escape_nav(_nav(corpus, lang))


def _nav(corpus: Corpus, lang: Lang) -> list[dict]:
    t = lang.t
    topics_nav = [{t("专题对比", "Topics"): ["topics/index.md"] + [{lang.name(v.topic): f"topics/{v.topic.id}.md"}
                                                               for v in corpus.topics]}] if corpus.topics else []
    indicators_nav = [{t("指标对比", "Indicators"): ["indicators/index.md"] + [{lang.name(v.indicator): f"indicators/{v.indicator.id}.md"}
                                                                           for v in corpus.indicators]}] if corpus.indicators else []
    return [
        {t("首页", "Home"): "index.md"},
        *topics_nav,
        *indicators_nav,
        {t("规划", "Plans"): [{lang.city(p): f"plans/{p.id}.md"} for p in corpus.plans]},
        {t("更多", "More"): [
            {t("谁来负责", "Who is responsible"): "responsible.md"},
            {t("术语表", "Glossary"): "glossary.md"},
            {t("原文", "Sources"): [{lang.city(p): f"sources/{p.id}.md"} for p in corpus.plans]},
            {t("开放数据", "Open data"): "data.md"},
            {t("添加一份规划", "Adding a plan"): "guide.md"},
            {t("关于", "About"): "about.md"},
        ]},
    ]


GENERATED = "Generated by build.py from {data} with templates/{tpl}; edit those, not this file."


class PageRenderer:
    """Renders page kinds into one language's docs folder; each kind has its own method below."""

    def __init__(self, corpus: Corpus, docs: Path, lang: Lang, writer: Writer | None = None):
        self.corpus, self.lang = corpus, lang
        self.env = environment()
        self.env.globals.update(lang.globals())
        self.env.globals.update(heading_level=heading_level, text_lang=text_lang,
                                topic_names={v.topic.id: lang.name(v.topic) for v in corpus.topics},
                                indicator_names={v.indicator.id: lang.name(v.indicator) for v in corpus.indicators})
        self.out = writer or Writer(docs)
        # from a page of this language to the zip at the site root
        self.zip_prefix = "../" if lang.prefix else ""

    def page(self, rel: str, tpl: str, data: str, **context) -> None:
        """Render ``tpl`` into ``rel``; templates get ``link(kind, id, anchor)`` relative to this page."""
        body = self.env.get_template(tpl).render(link=routes.linker(rel), **context)
        self.out.write(rel, GENERATED.format(data=data, tpl=tpl), body)

    def home(self) -> None:
        c = self.corpus
        home = HomePage(tuple(PlanRow(p, c.stats[p.id], routes.source("plan", p.id)) for p in c.plans),
                        total_provisions=len(c.provisions),
                        total_targets=sum(1 for t in c.targets if t.target.kind == "target"),
                        plans=tuple(c.plans), topics=tuple(c.topics), timeline=timeline(c, self.lang),
                        has_indicators=bool(c.indicators), offline_zip=self.zip_prefix + OFFLINE_ZIP)
        self.page(routes.source("home"), "index.md.j2", "data/plans/*.yaml, data/topics.yaml", page=home)

    def plan(self, plan: Plan) -> None:
        c, rel = self.corpus, routes.source("plan", plan.id)
        related = {r.id: c.related[r.id] for r in c.provisions_of(plan.id) if c.related.get(r.id)}
        self.page(rel, "plan.md.j2", f"data/plans/{plan.id}.yaml",
                  page=PlanPage(plan, c.stats[plan.id], routes.link(rel, "source", plan.id),
                                routes.link(rel, "source_text", plan.id), related))

    def source(self, plan: Plan) -> None:
        rel = routes.source("source", plan.id)
        text = self.corpus.sources[plan.id]
        src = SourcePage(plan, source_lines(plan, text), routes.link(rel, "plan", plan.id),
                         routes.link(rel, "source_text", plan.id))
        self.page(rel, "source.md.j2", f"data/{plan.source.file}", page=src)
        self.out.write_raw(routes.source("source_text", plan.id), text)

    def topic(self, view: TopicView) -> None:
        self.page(routes.source("topic", view.topic.id), "topic.md.j2", "data/topics.yaml, data/plans/*.yaml",
                  page=TopicPage(view))

    def topics(self) -> None:
        c = self.corpus
        self.page(routes.source("topics"), "topics.md.j2", "data/topics.yaml, data/plans/*.yaml",
                  page=TopicsPage(tuple(c.plans), tuple(c.topics)))

    def indicator(self, view: IndicatorView) -> None:
        covered = {plan.id for plan, _ in view.rows}
        self.page(routes.source("indicator", view.indicator.id), "indicator.md.j2",
                  "data/indicators.yaml, data/plans/*.yaml",
                  page=IndicatorPage(view, tuple(p for p in self.corpus.plans if p.id not in covered)),
                  chart=line_chart(view, self.lang))

    def indicators(self) -> None:
        c = self.corpus
        rows = tuple(IndicatorRow(v, tuple(latest_target(v, p) for p in c.plans)) for v in c.indicators)
        self.page(routes.source("indicators"), "indicators.md.j2", "data/indicators.yaml, data/plans/*.yaml",
                  page=IndicatorsPage(tuple(c.plans), rows, tuple(t for t in c.targets if not t.indicator_id)))

    def responsible(self) -> None:
        c = self.corpus
        totals = c.responsibility_totals
        self.page(routes.source("responsible"), "responsible.md.j2", "data/departments.yaml, data/plans/*.yaml",
                  page=ResponsiblePage(tuple(c.plans), totals.groups, tuple(c.responsibility), totals.leads))

    def glossary(self) -> None:
        self.page(routes.source("glossary"), "glossary.md.j2", "data/glossary.yaml",
                  page=GlossaryPage(tuple(self.corpus.glossary.terms)))

    def guide(self) -> None:
        from .schema_doc import reference
        self.page(routes.source("guide"), "guide.md.j2", "policy_compare/model.py, data/plans/*.yaml",
                  page=GuidePage(tuple(reference()), *guide_example(self.corpus)))

    def data(self) -> None:
        from .exports import TARGET_COLUMNS
        rel = routes.source("data")
        self.page(rel, "data.md.j2", "data/plans/*.yaml",
                  page=DataPage(tuple(self.corpus.plans), tuple(TARGET_COLUMNS),
                                routes.root_prefix(rel) + "../" + self.zip_prefix + OFFLINE_ZIP))

    def all(self) -> list[dict]:
        """Every page of the site in this language; return the MkDocs nav."""
        c = self.corpus
        self.home()
        for plan in c.plans:
            self.plan(plan)
            self.source(plan)
        for view in c.topics:
            self.topic(view)
        if c.topics:
            self.topics()
        for view in c.indicators:
            self.indicator(view)
        if c.indicators:
            self.indicators()
        self.responsible()
        self.glossary()
        self.guide()
        self.data()
        return nav(c, self.lang)


def write_pages(corpus: Corpus, docs: Path, lang: Lang = ZH, writer: Writer | None = None) -> list[dict]:
    """Render every page into ``docs`` in one interface language (through ``writer``, which records what
    was written); return the MkDocs nav."""
    return PageRenderer(corpus, docs, lang, writer).all()
