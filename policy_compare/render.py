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

from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from markupsafe import Markup

from .chart import line_chart, period_label, timeline
from .compare import Corpus, IndicatorView, PlanStats, TargetRef, TopicView
from .filters import FILTERS, md
from .i18n import ZH, Lang, text_lang
from .model import Plan
from .topicpage import CITY_MATRIX_LIMIT, by_province, province_matrix, topic_page

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ZIP = "downloads/policy-compare-offline.zip"  # below the site root
TEMPLATES = ROOT / "templates"


def environment() -> Environment:
    # finalize: every value a template prints that is not Markup (a label from t(), a rendered fragment)
    # is data and is escaped for Markdown and HTML alike (filters.md), whatever the context.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=md)
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
    """Writes generated pages, touching a file only when its content changed."""

    def __init__(self, docs: Path):
        self.docs = docs
        self.written: list[Path] = []

    def write(self, rel: str, header: str, body: str) -> None:
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        comment = f"<!-- {header} -->\n"
        if body.startswith("---\n"):  # front matter must stay first
            end = body.index("\n---\n", 4) + 5
            text = body[:end] + comment + body[end:]
        else:
            text = comment + body
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        self.written.append(path)


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


def guide_example(corpus: Corpus, data_dir: Path) -> tuple[str, str]:
    """The first action (in plan order) that names responsible bodies and carries a target, with its plan's
    header: a real, always-current excerpt for the guide."""
    import yaml

    for ref in corpus.provisions:
        p = ref.provision
        if p.lead and p.targets and len(ref.section_ids) >= 2:
            raw = yaml.safe_load((data_dir / "plans" / f"{ref.plan.id}.yaml").read_text(encoding="utf-8"))
            header = {k: raw[k] for k in ("id", "city", "province", "city_id", "admin_level", "division_code", "title",
                                          "doc_number", "issuer", "date_written", "kind", "period", "target_years",
                                          "script") if k in raw}
            header["source"] = {k: raw["source"][k] for k in ("file", "body_lines") if k in raw["source"]}
            node, chain = {"sections": raw["sections"]}, []
            for sid in ref.section_ids:
                node = next(s for s in node.get("sections", []) if s["id"] == sid)
                chain.append(node)
            leaf = dict(chain[-1])
            leaf.pop("sections", None)
            leaf["provisions"] = [next(x for x in leaf.get("provisions", []) if x["id"] == p.id)]
            for outer in reversed(chain[:-1]):
                outer = {k: v for k, v in outer.items() if k not in ("sections", "provisions")}
                outer["sections"] = [leaf]
                leaf = outer
            header["sections"] = [leaf]
            return ref.plan.id, yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=100)
    return "", ""


def site_url() -> str:
    """The deployed site's address (SITE_URL, as mkdocs.yml reads it), '' when not known."""
    import os
    url = os.environ.get("SITE_URL", "").strip()
    return url.rstrip("/") + "/" if url.startswith(("http://", "https://")) else ""


def robots_txt() -> str:
    """Every page may be indexed; the sitemap is named only when the site's address is known."""
    return "# Generated by build.py (policy_compare/render.py)\nUser-agent: *\nAllow: /\n" + (f"Sitemap: {site_url()}sitemap.xml\n" if site_url() else "")


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


def write_overviews(corpus: Corpus, page) -> None:
    """The overview pages the Plans and More tabs open."""
    groups = by_province(corpus.plans)
    ctx = PlansPage(tuple(corpus.plans), groups, len({p.city_id for p in corpus.plans}), corpus.stats)
    page("plans/index.md", "plans.md.j2", "data/plans/*.yaml", page=ctx)
    page("sources/index.md", "sources.md.j2", "data/plans/*.yaml", page=ctx)
    page("more/index.md", "more.md.j2", "templates/more.md.j2", page=ctx)


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


def write_pages(corpus: Corpus, docs: Path, lang: Lang = ZH, data_dir: Path = ROOT / "data") -> list[dict]:
    """Render every page into ``docs`` in one interface language; return the MkDocs nav."""
    from .schema_doc import reference

    env = environment()
    lang = lang.with_glosses(glosses(corpus))
    env.globals.update(lang.globals())
    env.globals.update(heading_level=heading_level, text_lang=text_lang, unpublished=unpublished, period=period_label,
                       topic_names={v.topic.id: lang.name(v.topic) for v in corpus.topics},
                       indicator_names={v.indicator.id: lang.name(v.indicator) for v in corpus.indicators})
    out = Writer(docs)
    gen = "Generated by build.py from {data} with templates/{tpl}; edit those, not this file."

    def page(rel: str, tpl: str, data: str, **context) -> None:
        out.write(rel, gen.format(data=data, tpl=tpl), env.get_template(tpl).render(**context))

    home = HomePage(tuple(PlanRow(p, corpus.stats[p.id], f"plans/{p.id}.md") for p in corpus.plans),
                    total_provisions=len(corpus.provisions),
                    total_targets=sum(1 for t in corpus.targets if t.target.kind == "target"),
                    plans=tuple(corpus.plans), topics=tuple(corpus.topics), timeline=timeline(corpus, lang),
                    has_indicators=bool(corpus.indicators), offline_zip=("../" if lang.prefix else "") + OFFLINE_ZIP,
                    coverage=province_matrix(corpus.topics, corpus.plans))
    page("index.md", "index.md.j2", "data/plans/*.yaml, data/topics.yaml", page=home)

    for plan in corpus.plans:
        related = {k: v for k, v in corpus.related.items() if k.startswith(plan.id + ".") and v}
        page(f"plans/{plan.id}.md", "plan.md.j2", f"data/plans/{plan.id}.yaml",
             page=PlanPage(plan, corpus.stats[plan.id], f"../sources/{plan.id}.md", f"../sources/{plan.id}.txt", related))
        src = SourcePage(plan, source_lines(plan, corpus.sources[plan.id]), f"../plans/{plan.id}.md", f"{plan.id}.txt")
        page(f"sources/{plan.id}.md", "source.md.j2", f"data/{plan.source.file}", page=src)
        (docs / "sources").mkdir(parents=True, exist_ok=True)
        (docs / "sources" / f"{plan.id}.txt").write_text(corpus.sources[plan.id], encoding="utf-8")

    write_overviews(corpus, page)
    for view in corpus.topics:
        page(f"topics/{view.topic.id}.md", "topic.md.j2", "data/topics.yaml, data/plans/*.yaml", page=topic_page(view))
    if corpus.topics:
        page("topics/index.md", "topics.md.j2", "data/topics.yaml, data/plans/*.yaml",
             page=TopicsPage(tuple(corpus.plans), tuple(corpus.topics), province_matrix(corpus.topics, corpus.plans),
                             len(corpus.plans) <= CITY_MATRIX_LIMIT))

    grouped = tuple(p for g in by_province(corpus.plans) for p in g.plans)  # indicator views: a province's cities together
    rank = {p.id: i for i, p in enumerate(grouped)}
    for view in corpus.indicators:
        covered = {plan.id for plan, _ in view.rows}
        by_prov = replace(view, rows=tuple(sorted(view.rows, key=lambda row: rank[row[0].id])))
        missing = tuple(p for p in grouped if p.id not in covered)
        page(f"indicators/{view.indicator.id}.md", "indicator.md.j2", "data/indicators.yaml, data/plans/*.yaml",
             page=IndicatorPage(by_prov, tuple(p for p in missing if not unpublished(p)),
                                tuple(p for p in missing if unpublished(p)), merged_rows(by_prov)),
             chart=line_chart(view, lang))
    if corpus.indicators:
        rows = tuple(IndicatorRow(v, tuple(latest_target(v, p) for p in grouped)) for v in corpus.indicators)
        page("indicators/index.md", "indicators.md.j2", "data/indicators.yaml, data/plans/*.yaml",
             page=IndicatorsPage(grouped, rows, tuple(t for t in corpus.targets if not t.indicator_id)))

    used = {row.group.id: {} for r in corpus.responsibility for row in r.rows}
    for r in corpus.responsibility:
        for row in r.rows:
            used[row.group.id][r.plan.id] = row.names
    groups = tuple((d, used[d.id]) for d in corpus.departments if d.id in used)
    lead_counts = {(r.plan.id, row.group.id): len(row.lead) for r in corpus.responsibility for row in r.rows}
    leads = tuple((d, tuple(lead_counts.get((p.id, d.id), 0) for p in corpus.plans)) for d, _ in groups
                  if any(lead_counts.get((p.id, d.id), 0) for p in corpus.plans))
    leads = tuple(sorted(leads, key=lambda item: (-sum(1 for n in item[1] if n), -sum(item[1]))))
    page("responsible.md", "responsible.md.j2", "data/departments.yaml, data/plans/*.yaml",
         page=ResponsiblePage(tuple(corpus.plans), groups, tuple(corpus.responsibility), leads))
    page("glossary.md", "glossary.md.j2", "data/glossary.yaml", page=GlossaryPage(tuple(corpus.glossary.terms)))
    page("guide.md", "guide.md.j2", "policy_compare/model.py, data/plans/*.yaml",
         page=GuidePage(tuple(reference()), *guide_example(corpus, data_dir)))

    if not lang.prefix:
        (docs / "robots.txt").write_text(robots_txt(), encoding="utf-8")
    from .exports import TARGET_COLUMNS
    from .exports_schema import FIELDS, FILES, LICENSES
    page("data.md", "data.md.j2", "data/plans/*.yaml, policy_compare/exports_schema.py",
         page=DataPage(tuple(corpus.plans), tuple(TARGET_COLUMNS), ("../" if lang.prefix else "") + "../" + OFFLINE_ZIP,
                       tuple((name, FILES[name], tuple(FIELDS[name])) for name in FIELDS), tuple(LICENSES), site_url()))
    return nav(corpus, lang)
