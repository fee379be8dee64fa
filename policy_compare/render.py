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

import hashlib
import json
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from markupsafe import Markup, escape

from .chart import line_chart, period_label, timeline
from .compare import Corpus, IndicatorView, PlanStats, TargetRef, TopicView, related_wire
from . import routes
from .filters import FILTERS, md
from .i18n import ZH, Lang, text_lang
from .model import Plan
from .topicpage import CITY_MATRIX_LIMIT, by_province, province_matrix, topic_page

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ZIP = routes.OFFLINE_ZIP
TEMPLATES = ROOT / "templates"


def _escape_once(value):
    """Autoescape of a printed value: it has been through finalize (filters.md), which returns Markup, and
    escaping Markup only copies it; anything else is escaped as markupsafe does."""
    return value if type(value) is Markup else escape(value)


class _Template(Template):
    """A template whose autoescape skips values that are already Markup (:func:`_escape_once`): every
    value a template prints is ``escape(finalize(value))``, millions of calls for a large corpus."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        namespace = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)
        namespace["escape"] = _escape_once  # the name the compiled template's functions look up
        rv = cls._from_namespace(environment, namespace, globals)
        rv._uptodate = uptodate
        return rv


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
    env.template_class = _Template
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
    coverage: tuple = ()  # topicpage.province_matrix: (provinces, rows)
    provinces: tuple = ()  # ProvinceRow per province, when the corpus is too large for one row per plan
    cities: int = 0
    timeline_plans: int = 0  # plans on the timeline


# The home page lists every plan (table and timeline) up to this many; beyond it, one row per province and
# the timeline of the most recently written plans, so that the page does not grow with the corpus.
HOME_PLAN_LIMIT = 20


@dataclass(frozen=True)
class ProvinceRow:
    name: object             # model.Name
    slug: str                # its section's anchor on the plans overview (plans/index.md)
    plans: int
    cities: int
    provisions: int
    targets: int
    latest: int              # year the most recent of its plans was written


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
class TopicsPage:
    plans: tuple[Plan, ...]
    views: tuple[TopicView, ...]
    coverage: tuple = ()  # topicpage.province_matrix: (provinces, rows)
    city_matrix: bool = True  # small corpora also get the topics x cities matrix


@dataclass(frozen=True)
class IndicatorPage:
    view: IndicatorView
    missing: tuple[Plan, ...]      # plans with no value for this indicator
    unpublished: tuple[Plan, ...]  # of those, plans whose indicator list is not in the published document
    rows: tuple = ()               # (plan, ((target, (TargetRef, …) where it is stated), …)) — one row per value
    chart_cities: int = 0          # when the chart draws only some cities: how many (the most recent plans)


# An indicator chart draws one line per city up to this many; beyond, the most recently written plans' cities
# (the table below it has every city), so that the chart stays legible and the page light.
CHART_CITY_LIMIT = 12


def unpublished(plan: Plan) -> bool:
    """The plan's published page lacks part of the document (its indicator attachment): a missing value
    there means 'not in the published document', not 'no target'."""
    return any(d.not_published for d in plan.defects)


def merged_rows(view: IndicatorView) -> tuple:
    """One row per distinct value: a plan that states the same value twice (in the text and in its table)
    shows it once, with both places."""
    out = []
    for plan, refs in view.rows:
        rows: dict = {}
        for r in refs:
            t = r.target
            key = (t.year, t.kind, t.comparator, t.value, t.value_max, t.value_text, t.unit, t.relative)
            rows.setdefault(key, []).append(r)
        out.append((plan, tuple((group[0], tuple(group)) for group in rows.values())))
    return tuple(out)


@dataclass(frozen=True)
class IndicatorRow:
    view: IndicatorView
    cells: tuple[TargetRef | None, ...]  # per plan: the latest target, or None


@dataclass(frozen=True)
class IndicatorsPage:
    plans: tuple[Plan, ...]
    rows: tuple[IndicatorRow, ...]
    city_specific: tuple[TargetRef, ...]  # targets with no canonical indicator
    # beyond CITY_MATRIX_LIMIT plans: one column per province, cells (cities with a target, cities)
    provinces: tuple = ()
    city_specific_count: int = 0


def latest_target(view: IndicatorView, plan: Plan) -> TargetRef | None:
    refs = next((refs for p, refs in view.rows if p.id == plan.id), ())
    targets = [t for t in refs if t.target.kind == "target"]
    return max(targets, key=lambda t: t.target.year) if targets else None


@dataclass(frozen=True)
class DataPage:
    plans: tuple[Plan, ...]
    target_columns: tuple[str, ...]
    offline_zip: str  # link from the data page to the offline bundle
    files: tuple = ()  # (file name, (English, Chinese) content, fields) from exports_schema
    licenses: tuple = ()
    site_url: str = ""


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
        from .sitebuild import holds

        path = self.docs / rel
        self.files.append(path)
        if holds(path, data):
            return
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
    # beyond CITY_MATRIX_LIMIT plans: provinces instead of cities (the cities' detail on province pages)
    provinces: tuple = ()    # (topicpage.Province, plans naming bodies, plans naming none)
    province_leads: tuple = ()  # (Department, (cities where it leads, per province))
    names: tuple = ()        # (Department, ((name, plans using it), ...)) most used first


@dataclass(frozen=True)
class ResponsibleProvincePage:
    province: object         # topicpage.Province
    per_plan: tuple          # Responsibility of its plans


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
            header = {k: dump[k] for k in ("id", "city", "province", "city_id", "admin_level", "division_code",
                                           "title", "doc_number", "issuer", "date_written", "kind", "period",
                                           "target_years", "script") if k in dump}
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


def topic_columns(env: Environment, rel: str, page, memo=None, key=None) -> dict[str, Markup]:
    """Each city's column of the topic page ``page`` (at ``rel``), by plan ID, rendered with
    templates/_topic_column.md.j2 or taken from ``memo`` (a :class:`cache.Memo`) under
    ``key(coverage, deferred)`` ("" = not kept)."""
    module = None

    def make(c, deferred: bool) -> str:
        nonlocal module
        if module is None:
            module = env.get_template("_topic_column.md.j2").make_module(
                {"href": href_global(rel), "link": routes.linker(rel)})
        return str(module.column(c, deferred))

    out = {}
    for c, deferred in [(c, False) for c in page.shown] + [(c, True) for c in page.deferred] + \
            [(c, False) for c in page.absent]:
        k = key(c, deferred) if key and memo is not None else ""
        html = memo.get(k, lambda: make(c, deferred)) if k else make(c, deferred)
        out[c.plan.id] = Markup(html)
    return out


def href_global(here: str):
    """The template global ``href(kind, id, anchor)`` of the page at ``here``: an address for raw HTML,
    HTML-escaped once (not through the Markdown-safe ``md`` finalizer, which would write '#' as an entity)."""
    from markupsafe import escape
    page_href = routes.hrefs(here)
    return lambda *args: Markup(escape(page_href(*args)))


def site_url() -> str:
    """The deployed site's address (SITE_URL, as mkdocs.yml reads it), '' when not known."""
    import os
    url = os.environ.get("SITE_URL", "").strip()
    return url.rstrip("/") + "/" if url.startswith(("http://", "https://")) else ""


def robots_txt() -> str:
    """Every page may be indexed; the sitemap is named only when the site's address is known."""
    return "# Generated by build.py (policy_compare/render.py)\nUser-agent: *\nAllow: /\n" + (f"Sitemap: {site_url()}sitemap.xml\n" if site_url() else "")


def render_key(data_dir: Path) -> str:
    """A hash of what every page reads besides its own plan: the code, the templates, the catalogues and
    other shared files at the top of ``data/``, and the site address settings."""
    import os
    here = Path(__file__).parent
    h = hashlib.sha256()
    files = sorted(here.glob("*.py")) + sorted((here.parent / "templates").rglob("*")) + \
        sorted(p for p in Path(data_dir).glob("*") if p.is_file())
    for path in files:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(f"{os.environ.get('SITE_URL', '')}\0{os.environ.get('REPO_URL', '')}".encode())
    return h.hexdigest()[:20]


def glosses(corpus: Corpus) -> dict[str, str]:
    """Chinese words readers meet untranslated -> English: qualitative target values (data/glossary.yaml
    `values`) and body names (data/departments.yaml: a name's own gloss, else its curated group's name)."""
    out = {v.zh: v.en for v in corpus.glossary.values}
    for d in corpus.departments:
        if d.id.startswith("body-") and d.name_en == d.name_zh:
            continue  # an ungrouped name with no curated English
        for n in d.names:
            out.setdefault(n, d.names_en.get(n, d.name_en))
    return out


@dataclass(frozen=True)
class PlansPage:
    """plans/index.md and sources/index.md: every plan, by province (the navigation links only these)."""
    plans: tuple[Plan, ...]
    provinces: tuple  # topicpage.Province
    cities: int
    stats: dict
    prefix: str = ""


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
    """Tabs open their overviews; plans and sources are listed on their index pages (by province), not in the
    navigation, so no page's navigation grows with the corpus."""
    t = lang.t
    topics_nav = [{t("专题对比", "Topics"): ["topics/index.md"] + [{lang.name(v.topic): f"topics/{v.topic.id}.md"}
                                                               for v in corpus.topics]}] if corpus.topics else []
    indicators_nav = [{t("指标对比", "Indicators"): ["indicators/index.md"] + [{lang.name(v.indicator): f"indicators/{v.indicator.id}.md"}
                                                                           for v in corpus.indicators]}] if corpus.indicators else []
    return [
        {t("首页", "Home"): "index.md"},
        *topics_nav,
        *indicators_nav,
        {t("规划", "Plans"): ["plans/index.md"]},
        {t("更多", "Data and guides"): [
            "more/index.md",
            {t("谁来负责", "Who is responsible"): "responsible.md"},
            {t("术语表", "Glossary"): "glossary.md"},
            {t("原文", "Sources"): "sources/index.md"},
            {t("开放数据", "Open data"): "data.md"},
            {t("添加一份规划", "Adding a plan"): "guide.md"},
            {t("关于", "About"): "about.md"},
        ]},
    ]


GENERATED = "Generated by build.py from {data} with templates/{tpl}; edit those, not this file."


def _digest(plans, value: dict[str, str]) -> str:
    """A hash of these plans' IDs and ``value`` of each, in order; "" when one has none (a plan not from a
    file: the page is rendered, :meth:`PageRenderer.reuse`)."""
    if not all(value.get(p.id) for p in plans):
        return ""
    return hashlib.sha256("\0".join(f"{p.id}:{value[p.id]}" for p in plans).encode()).hexdigest()


class PageRenderer:
    """Renders page kinds into one language's docs folder; each kind has its own method below."""

    def __init__(self, corpus: Corpus, docs: Path, lang: Lang, writer: Writer | None = None):
        lang = lang.with_glosses(glosses(corpus))
        self.corpus, self.lang = corpus, lang
        self.env = environment()
        self.env.globals.update(lang.globals())
        self.env.globals.update(heading_level=heading_level, text_lang=text_lang, unpublished=unpublished,
                                period=period_label,
                                topic_names={v.topic.id: lang.name(v.topic) for v in corpus.topics},
                                indicator_names={v.indicator.id: lang.name(v.indicator) for v in corpus.indicators})
        self.out = writer or Writer(docs)
        # from a page of this language to the zip at the site root
        self.zip_prefix = "../" if lang.prefix else ""
        self._grouped: tuple | None = None
        self._roster: str | None = None
        self._provinces: dict[tuple, tuple] = {}
        # the page cache of plan and source pages: the key each was last rendered from (kept beside the
        # docs folder); a page whose key is unchanged and whose file is there is not rendered again
        self.keys_file = docs.parent / f".{docs.name}.render-keys.json"
        try:
            self.old_keys = json.loads(self.keys_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old_keys = {}
        self.keys: dict[str, str] = {}
        self.reused: list[str] = []
        self.render_key = render_key(corpus.data_dir) if corpus.data_dir else ""
        # the column cache of topic pages: rendered columns by key (see topic()), kept beside the docs folder
        from .cache import Memo
        self.columns = Memo(docs.parent / f".{docs.name}.columns.pickle" if self.render_key else None)

    def reuse(self, rel: str, *parts: str) -> bool:
        """True when the page at ``rel`` was last rendered from the same parts and is still in the docs
        folder (then it is kept as it is); otherwise the key is noted for the page about to be rendered."""
        if not all(parts) or not self.render_key:
            return False
        key = hashlib.sha256("\0".join((self.render_key, self.lang.code, rel) + parts).encode()).hexdigest()[:20]
        self.keys[rel] = key
        path = self.out.docs / rel
        if self.old_keys.get(rel) == key and path.is_file():
            self.out.files.append(path)
            self.reused.append(rel)
            return True
        return False

    def plans_key(self, plans) -> str:
        """What pages showing these plans in full read of them: their IDs and fingerprints, in order."""
        return _digest(plans, self.corpus.fingerprints)

    def roster_key(self) -> str:
        """What pages listing every plan without its provisions read of them (:attr:`Corpus.identities`),
        in plan order."""
        if self._roster is None:
            self._roster = _digest(self.corpus.plans, self.corpus.identities)
        return self._roster

    def save_keys(self) -> None:
        self.keys_file.write_text(json.dumps(self.keys, sort_keys=True), encoding="utf-8")
        self.columns.save()

    def page(self, rel: str, tpl: str, data: str, **context) -> None:
        """Render ``tpl`` into ``rel``; templates get ``link(kind, id, anchor)`` relative to this page."""
        body = self.env.get_template(tpl).render(link=routes.linker(rel), href=href_global(rel), **context)
        self.out.write(rel, GENERATED.format(data=data, tpl=tpl), body)

    def home(self) -> None:
        c = self.corpus
        here = routes.source("home")
        rows, provinces, shown = tuple(PlanRow(p, c.stats[p.id], routes.link(here, "plan", p.id)) for p in c.plans), (), c.plans
        if len(c.plans) > HOME_PLAN_LIMIT:
            # one row per province, and the timeline of the most recently written plans
            provinces = tuple(ProvinceRow(g.name, g.slug, len(g.plans), len({p.city_id for p in g.plans}),
                                          sum(c.stats[p.id].provisions for p in g.plans),
                                          sum(c.stats[p.id].targets for p in g.plans),
                                          max(p.date_written.year for p in g.plans)) for g in by_province(c.plans))
            recent = {p.id for p in sorted(c.plans, key=lambda p: (p.date_written, p.id), reverse=True)[:HOME_PLAN_LIMIT]}
            shown = [p for p in c.plans if p.id in recent]  # in plan order
            rows = ()
        home = HomePage(rows, total_provisions=len(c.provisions),
                        total_targets=sum(1 for t in c.targets if t.target.kind == "target"),
                        plans=tuple(c.plans), topics=tuple(c.topics), timeline=timeline(c, self.lang, shown),
                        has_indicators=bool(c.indicators), offline_zip=self.zip_prefix + OFFLINE_ZIP,
                        coverage=province_matrix(c.topics, c.plans), provinces=provinces,
                        cities=len({p.city_id for p in c.plans}), timeline_plans=len(shown))
        self.page(routes.source("home"), "index.md.j2", "data/plans/*.yaml, data/topics.yaml", page=home)

    def plan(self, plan: Plan) -> None:
        c, rel = self.corpus, routes.source("plan", plan.id)
        related = {r.id: c.related[r.id] for r in c.provisions_of(plan.id) if c.related.get(r.id)}
        # the links, and the plans they lead to (their city names and headings are shown), pickled: plain
        # tuples of strings and numbers, the same bytes for the same links
        linked = sorted({item.ref.plan.id for items in related.values() for item in items})
        links = hashlib.sha256(pickle.dumps((list(related_wire(related).items()),
                                             [c.fingerprints.get(pid, "") for pid in linked]), protocol=4)).hexdigest()
        if self.reuse(rel, c.fingerprints.get(plan.id, ""), links):
            return
        self.page(rel, "plan.md.j2", f"data/plans/{plan.id}.yaml",
                  page=PlanPage(plan, c.stats[plan.id], routes.link(rel, "source", plan.id),
                                routes.link(rel, "source_text", plan.id), related))

    def source(self, plan: Plan) -> None:
        rel = routes.source("source", plan.id)
        text = self.corpus.sources[plan.id]
        self.out.write_raw(routes.source("source_text", plan.id), text)
        if self.reuse(rel, self.corpus.fingerprints.get(plan.id, "")):
            return
        src = SourcePage(plan, source_lines(plan, text), routes.link(rel, "plan", plan.id),
                         routes.link(rel, "source_text", plan.id))
        self.page(rel, "source.md.j2", f"data/{plan.source.file}", page=src)

    def topic(self, view: TopicView) -> None:
        """A topic page: the city bar and picker, then one column per city. The columns are rendered one by
        one (templates/_topic_column.md.j2) and kept in the column cache under the key of their plan, so
        an edit to one plan renders only its columns again."""
        rel, page = routes.source("topic", view.topic.id), topic_page(view, provinces=self.provinces)
        fingerprints = self.corpus.fingerprints

        def key(c: TopicCoverage, deferred: bool) -> str:
            fp = fingerprints.get(c.plan.id, "")
            if not fp or not self.render_key:
                return ""
            return "\0".join((self.render_key, self.lang.code, rel, c.plan.id, fp, str(deferred)))

        columns = topic_columns(self.env, rel, page, self.columns, key)
        # the page around the columns reads of each city its place in the page and picker and its counts
        shell = repr((view.topic.id, view.cities_addressing, page.default_ids,
                      [(c.plan.id, c.addressed, len(c.provisions), c.targets, c.baselines) for c in view.coverage]))
        if self.reuse(rel, self.roster_key(), shell,
                      hashlib.sha256("\0".join(f"{k}\0{v}" for k, v in columns.items()).encode()).hexdigest()):
            return
        self.page(rel, "topic.md.j2", "data/topics.yaml, data/plans/*.yaml", page=page, columns=columns)

    def topics(self) -> None:
        c = self.corpus
        self.page(routes.source("topics"), "topics.md.j2", "data/topics.yaml, data/plans/*.yaml",
                  page=TopicsPage(tuple(c.plans), tuple(c.topics), province_matrix(c.topics, c.plans),
                                  len(c.plans) <= CITY_MATRIX_LIMIT))

    def overviews(self) -> None:
        """The overview pages the Plans and More tabs open (plans and sources by province)."""
        c = self.corpus
        ctx = PlansPage(tuple(c.plans), by_province(c.plans), len({p.city_id for p in c.plans}), c.stats)
        self.page(routes.source("plans"), "plans.md.j2", "data/plans/*.yaml", page=ctx)
        self.page(routes.source("sources"), "sources.md.j2", "data/plans/*.yaml", page=ctx)
        self.page(routes.source("more"), "more.md.j2", "templates/more.md.j2", page=ctx)

    def provinces(self, plans) -> tuple:
        """:func:`by_province` of these plans, worked out once for each list of plans (the topic pages all
        list every plan)."""
        key = tuple(p.id for p in plans)
        if key not in self._provinces:
            self._provinces[key] = by_province(plans)
        return self._provinces[key]

    def grouped_plans(self) -> tuple[Plan, ...]:
        """Plans with a province's cities together (indicator views)."""
        if self._grouped is None:
            self._grouped = tuple(p for g in by_province(self.corpus.plans) for p in g.plans)
        return self._grouped

    def indicator(self, view: IndicatorView) -> None:
        rel = routes.source("indicator", view.indicator.id)
        if self.reuse(rel, view.indicator.id, self.roster_key(), self.plans_key([plan for plan, _ in view.rows])):
            return  # the same cities set the same targets, and every other city is listed as before
        grouped = self.grouped_plans()
        rank = {p.id: i for i, p in enumerate(grouped)}
        covered = {plan.id for plan, _ in view.rows}
        by_prov = replace(view, rows=tuple(sorted(view.rows, key=lambda row: rank[row[0].id])))
        missing = tuple(p for p in grouped if p.id not in covered)
        drawn, partial = view, 0
        if len(view.rows) > CHART_CITY_LIMIT:
            recent = sorted(view.rows, key=lambda row: (row[0].date_written, row[0].id), reverse=True)[:CHART_CITY_LIMIT]
            keep = {plan.id for plan, _ in recent}
            drawn, partial = replace(view, rows=tuple(row for row in view.rows if row[0].id in keep)), CHART_CITY_LIMIT
        self.page(rel, "indicator.md.j2",
                  "data/indicators.yaml, data/plans/*.yaml",
                  page=IndicatorPage(by_prov, tuple(p for p in missing if not unpublished(p)),
                                     tuple(p for p in missing if unpublished(p)), merged_rows(by_prov), partial),
                  chart=line_chart(drawn, self.lang))

    def indicators(self) -> None:
        c, grouped = self.corpus, self.grouped_plans()
        specific = tuple(t for t in c.targets if not t.indicator_id)
        if len(grouped) <= CITY_MATRIX_LIMIT:
            rows = tuple(IndicatorRow(v, tuple(latest_target(v, p) for p in grouped)) for v in c.indicators)
            page = IndicatorsPage(grouped, rows, specific)
        else:  # one column per province: how many of its cities set a target for the indicator
            provinces = by_province(c.plans)
            rows = []
            for v in c.indicators:
                covered = {plan.id for plan, refs in v.rows if any(r.target.kind == "target" for r in refs)}
                rows.append(IndicatorRow(v, tuple((sum(1 for p in g.plans if p.id in covered), len(g.plans))
                                                  for g in provinces)))
            page = IndicatorsPage(grouped, tuple(rows), (), provinces, len(specific))
        self.page(routes.source("indicators"), "indicators.md.j2", "data/indicators.yaml, data/plans/*.yaml", page=page)

    def responsible(self) -> None:
        c = self.corpus
        totals = c.responsibility_totals
        data = "data/departments.yaml, data/plans/*.yaml"
        if len(c.plans) <= CITY_MATRIX_LIMIT:
            self.page(routes.source("responsible"), "responsible.md.j2", data,
                      page=ResponsiblePage(tuple(c.plans), totals.groups, tuple(c.responsibility), totals.leads))
            return
        # many plans: bodies x provinces on the overview, each province's cities on a page of its own
        of_plan = {r.plan.id: r for r in c.responsibility}
        rank = {p.id: i for i, p in enumerate(c.plans)}
        provinces = by_province(c.plans)
        rows = []
        for dept, counts in totals.leads:
            rows.append((dept, tuple(sum(1 for p in g.plans if counts[rank[p.id]]) for g in provinces)))
        names = []
        for dept, by_plan in totals.groups:
            used: dict[str, int] = {}
            for ns in by_plan.values():
                for n in ns:
                    used[n] = used.get(n, 0) + 1
            names.append((dept, tuple(sorted(used.items(), key=lambda item: (-item[1], item[0])))))
        summary = tuple((g, sum(1 for p in g.plans if of_plan[p.id].states_bodies),
                         sum(1 for p in g.plans if not of_plan[p.id].states_bodies)) for g in provinces)
        self.page(routes.source("responsible"), "responsible.md.j2", data,
                  page=ResponsiblePage(tuple(c.plans), (), (), (), summary, tuple(rows), tuple(names)))
        for g in provinces:
            rel = routes.source("responsible_province", g.slug)
            if self.reuse(rel, g.slug, self.plans_key(g.plans)):
                continue  # the province's plans are unchanged
            self.page(rel, "responsible_province.md.j2", data,
                      page=ResponsibleProvincePage(g, tuple(of_plan[p.id] for p in g.plans)))

    def glossary(self) -> None:
        self.page(routes.source("glossary"), "glossary.md.j2", "data/glossary.yaml",
                  page=GlossaryPage(tuple(self.corpus.glossary.terms)))

    def guide(self) -> None:
        from .schema_doc import reference
        self.page(routes.source("guide"), "guide.md.j2", "policy_compare/model.py, data/plans/*.yaml",
                  page=GuidePage(tuple(reference()), *guide_example(self.corpus)))

    def data(self) -> None:
        from .exports import TARGET_COLUMNS
        from .exports_schema import FIELDS, FILES, LICENSES
        rel = routes.source("data")
        self.page(rel, "data.md.j2", "data/plans/*.yaml, policy_compare/exports_schema.py",
                  page=DataPage(tuple(self.corpus.plans), tuple(TARGET_COLUMNS),
                                routes.root_prefix(rel) + "../" + self.zip_prefix + OFFLINE_ZIP,
                                tuple((name, FILES[name], tuple(FIELDS[name])) for name in FIELDS), tuple(LICENSES),
                                site_url()))

    def robots(self) -> None:
        if not self.lang.prefix:  # at the site root only
            self.out.write_raw("robots.txt", robots_txt())

    def all(self) -> list[dict]:
        """Every page of the site in this language; return the MkDocs nav."""
        c = self.corpus
        self.home()
        self.overviews()
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
        self.robots()
        return nav(c, self.lang)


def write_pages(corpus: Corpus, docs: Path, lang: Lang = ZH, writer: Writer | None = None) -> list[dict]:
    """Render every page into ``docs`` in one interface language (through ``writer``, which records what
    was written); return the MkDocs nav."""
    renderer = PageRenderer(corpus, docs, lang, writer)
    nav = renderer.all()
    renderer.save_keys()
    reused[lang.code] = renderer.reused
    columns_rendered[lang.code] = renderer.columns.made
    return nav


reused: dict[str, list[str]] = {}  # language code -> pages the last write_pages kept from the page cache
columns_rendered: dict[str, int] = {}  # language code -> topic-page columns the last write_pages rendered
