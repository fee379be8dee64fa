"""Topic pages that stay the same size at any corpus size, and the province grouping every overview shares.

A topic page carries every city's name and count (the picker, grouped by province), but the provisions of
only a few cities: the default selection. The other cities' columns are rendered into the Markdown page as
usual (so MkDocs checks their links and anchors and rewrites their URLs for the online and the offline
build), then :func:`split_fragments` moves each of them out of the built HTML into a small script file
beside the page, ``pcFragment("<plan id>", "<html>")``. ``content/assets/compare.js`` loads one with a
``<script>`` element when the reader brings that city in; scripts load from ``file://`` too, so the offline
bundle works the same. The fragment's HTML is MkDocs' own output (every data field already escaped),
serialised as a JSON string, and inserted as markup: nothing in it runs.

Steps:
1. :func:`by_province` orders plans by province (division code, then name) and city;
2. :func:`topic_page` picks the default cities: the ``DEFAULT_CITIES`` with most provisions on the topic;
3. after MkDocs, :func:`split_fragments` cuts the deferred columns out of each built topic page.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .compare import TopicCoverage, TopicView
from .model import Name, Plan

DEFAULT_CITIES = 3  # side by side at 17rem or more each: fits a 1366-px screen


@dataclass(frozen=True)
class Province:
    name: Name
    slug: str                      # anchor on the plans and sources indexes
    plans: tuple[Plan, ...]


def province_slug(name: Name) -> str:
    return "p-" + (re.sub(r"[^a-z0-9]+", "-", name.en.lower()).strip("-") or "unknown")


def by_province(plans) -> tuple[Province, ...]:
    """Provinces in division-code order (names for plans without a code), each with its plans by city."""
    groups: dict[str, list[Plan]] = {}
    for p in plans:
        groups.setdefault(p.province.en, []).append(p)

    def code(p: Plan) -> str:
        return p.division_code or "999999"

    out = []
    for members in groups.values():
        members.sort(key=lambda p: (code(p), p.city.en, p.date_written))
        out.append(Province(members[0].province, province_slug(members[0].province), tuple(members)))
    out.sort(key=lambda g: (min(code(p)[:2] for p in g.plans), g.name.en))
    return tuple(out)


def search_key(plan: Plan) -> str:
    """What the picker's search box matches: city and province in both scripts and in English."""
    return _search_key(plan.city.zh, plan.province.zh, plan.city.en, plan.province.en, plan.city_id)


@lru_cache(maxsize=4096)
def _search_key(city: str, province: str, city_en: str, province_en: str, city_id: str) -> str:
    from .links import to_simplified, to_traditional
    words = (city, province)
    keys = (*words, *map(to_simplified, words), *map(to_traditional, words), city_en.lower(), province_en.lower(), city_id)
    return " ".join(dict.fromkeys(keys))  # ordered: the page is byte-identical from build to build


@dataclass(frozen=True)
class PickerGroup:
    province: Province
    items: tuple[tuple[TopicCoverage, str], ...]  # each city's coverage and its search key

    @property
    def addressing(self) -> int:
        return sum(1 for c, _ in self.items if c.addressed)


@dataclass(frozen=True)
class TopicPage:
    view: TopicView
    shown: tuple[TopicCoverage, ...]      # the default selection, rendered in the page
    deferred: tuple[TopicCoverage, ...]   # other addressing cities: moved to fragment files after MkDocs
    absent: tuple[TopicCoverage, ...]     # cities that do not address the topic (a one-line column each)
    groups: tuple[PickerGroup, ...]       # the picker: every city, by province

    @property
    def default_ids(self) -> str:
        return ",".join(c.plan.id for c in self.shown)

    @cached_property
    def shown_ids(self) -> frozenset[str]:
        return frozenset(c.plan.id for c in self.shown)


def topic_page(view: TopicView, n: int = DEFAULT_CITIES, provinces=by_province) -> TopicPage:
    """``provinces``: :func:`by_province`, or a function giving what it gives (the renderer's, which groups
    the same plans once for every topic page)."""
    addressing = [c for c in view.coverage if c.addressed]
    most = sorted(range(len(addressing)), key=lambda i: -len(addressing[i].provisions))[:n]
    shown = tuple(addressing[i] for i in sorted(most))  # the cities that say most on it, in plan order
    ids = {c.plan.id for c in shown}
    by_plan = {c.plan.id: c for c in view.coverage}
    groups = tuple(PickerGroup(g, tuple((by_plan[p.id], search_key(p)) for p in g.plans))
                   for g in provinces([c.plan for c in view.coverage]))
    return TopicPage(view, shown, tuple(c for c in addressing if c.plan.id not in ids),
                     tuple(c for c in view.coverage if not c.addressed), groups)


_DEFERRED = re.compile(r'<section (?=[^>]*data-defer="1")[^>]*data-plan="([a-z0-9_-]+)"[^>]*>(.*?)</section>', re.S)


def split_fragments(site_dir: Path, directory_urls: bool = True) -> int:
    """Move every deferred city column of the built topic pages into ``<page folder>/<plan>.js``; return how
    many fragments were written. Online, ``topics/<id>/index.html`` gets ``topics/<id>/<plan>.js``; offline
    (``topics/<id>.html``), the fragments go to ``topics/<id>/<plan>.js`` as well. A page already split (kept
    from an earlier build) is left as it is; a page split again, or left with no deferred column, loses the
    fragments it no longer has. Files are replaced, not written into (:func:`sitebuild.replace_file`)."""
    from .sitebuild import replace_file

    written = 0
    topics = site_dir / "topics"
    pages = topics.glob("*/index.html") if directory_urls else (p for p in topics.glob("*.html") if p.stem != "index")
    for page in pages:
        folder = page.parent if directory_urls else page.with_suffix("")
        prefix = "" if directory_urls else folder.name + "/"
        html = page.read_text(encoding="utf-8")
        if 'data-defer="1"' not in html:
            if "data-src=" not in html and folder.is_dir():  # no deferred column (any more): no fragments
                for old in folder.glob("*.js"):
                    old.unlink()
            continue
        made: set[str] = set()

        def cut(m: re.Match) -> str:
            nonlocal written
            plan, inner = m.group(1), m.group(2)
            folder.mkdir(exist_ok=True)
            payload = json.dumps(inner, ensure_ascii=False).replace("</", "<\\/")
            replace_file(folder / f"{plan}.js", f"pcFragment({json.dumps(plan)}, {payload});\n".encode("utf-8"))
            made.add(f"{plan}.js")
            written += 1
            return (f'<section class="compare-col" id="city-{plan}" data-plan="{plan}" '
                    f'data-src="{prefix}{plan}.js" hidden></section>')

        new = _DEFERRED.sub(cut, html)
        if new != html:
            replace_file(page, new.encode("utf-8"))
            for old in folder.glob("*.js"):
                if old.name not in made:
                    old.unlink()
    return written


@dataclass(frozen=True)
class ProvinceCell:
    province: Province
    plans: tuple[Plan, ...]   # the province's plans that address the topic
    provisions: int

    @property
    def cities(self) -> str:
        """The ?cities= value that opens the topic page on exactly these plans."""
        return ",".join(p.id for p in self.plans)


@dataclass(frozen=True)
class ProvinceRow:
    view: TopicView
    cells: tuple[ProvinceCell, ...]  # one per province, in province order


CITY_MATRIX_LIMIT = 30  # the topics x cities matrix is shown up to this many plans; beyond, topics x provinces only


def province_matrix(views, plans) -> tuple[tuple[Province, ...], tuple[ProvinceRow, ...]]:
    """Topics x provinces: per province, the plans addressing each topic and their provisions. Its size
    depends on the number of provinces, not of plans."""
    provinces = by_province(plans)
    rows = []
    for view in views:
        by_plan = {c.plan.id: c for c in view.coverage}
        cells = []
        for g in provinces:
            on = [by_plan[p.id] for p in g.plans if by_plan[p.id].addressed]
            cells.append(ProvinceCell(g, tuple(c.plan for c in on), sum(len(c.provisions) for c in on)))
        rows.append(ProvinceRow(view, tuple(cells)))
    return provinces, tuple(rows)
