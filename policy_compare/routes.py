"""Routes: where every page kind lives. The one place that knows page paths.

Each page kind has a source path in the docs folder MkDocs builds (``plans/ordos-2020.md``) and a URL
below its language's site root (``plans/ordos-2020/``, directory URLs). Render writes pages at
:func:`source`, templates link with :func:`link` (a Markdown link from one page to another, which MkDocs
checks and turns into a URL), exports and search give :func:`url`. The offline bundle uses the same
folders, with every directory URL ending in ``index.html`` (:func:`offline_url`).
"""
from __future__ import annotations

import posixpath
from functools import lru_cache

OFFLINE_ZIP = "downloads/policy-compare-offline.zip"  # below the site root (shared by both languages)

# kind -> source path pattern; "{id}" for kinds with one page per item
_SOURCES = {
    "home": "index.md",
    "plans": "plans/index.md",          # the overview the Plans tab opens (by province)
    "plan": "plans/{id}.md",
    "sources": "sources/index.md",
    "source": "sources/{id}.md",
    "source_text": "sources/{id}.txt",  # the captured text itself, downloadable
    "topics": "topics/index.md",
    "topic": "topics/{id}.md",
    "indicators": "indicators/index.md",
    "indicator": "indicators/{id}.md",
    "responsible": "responsible.md",
    "responsible_province": "responsible/{id}.md",  # one province's cities, beyond topicpage.CITY_MATRIX_LIMIT plans
    "glossary": "glossary.md",
    "guide": "guide.md",
    "data": "data.md",
    "about": "about.md",
    "more": "more/index.md",            # the overview the More tab opens
    "export": "data/{id}",              # open data files (plans.json, targets.csv …)
}
KINDS = tuple(_SOURCES)


def top_folders() -> list[str]:
    """The site's top-level folders (page folders, assets, search, downloads, the English site): what the
    404 page looks for in a missing address to find the site root (templates/overrides/404.html)."""
    folders = {"assets", "search", "downloads", "en", OFFLINE_ZIP.split("/")[0]}
    for kind, pattern in _SOURCES.items():
        address = url(kind, "x" if "{id}" in pattern else None)
        if "/" in address:
            folders.add(address.split("/")[0])
    return sorted(folders)


def source(kind: str, ident: str | None = None) -> str:
    """The page's path in the docs folder, e.g. source('plan', 'ordos-2020') == 'plans/ordos-2020.md'."""
    pattern = _SOURCES[kind]
    if ("{id}" in pattern) != (ident is not None):
        raise ValueError(f"route '{kind}' {'needs' if '{id}' in pattern else 'takes no'} an id")
    return pattern.format(id=ident)


def url(kind: str, ident: str | None = None, anchor: str | None = None) -> str:
    """The page's URL below its language's site root, e.g. 'plans/ordos-2020/' (directory URLs)."""
    return _address(source(kind, ident)) + (f"#{anchor}" if anchor else "")


def _address(path: str) -> str:
    """The URL of the docs file at ``path``: 'plans/x.md' -> 'plans/x/', 'plans/index.md' -> 'plans/'."""
    if path.endswith(".md"):
        path = path[:-3]
        path = "" if path == "index" else path[:-len("index")] if path.endswith("/index") else path + "/"
    return path


def offline_url(kind: str, ident: str | None = None, anchor: str | None = None) -> str:
    """The same page in the offline bundle (no web server to add index.html)."""
    return directory_to_file(url(kind, ident, anchor) or "index.html")


def directory_to_file(address: str) -> str:
    """'plans/x/#a' -> 'plans/x/index.html#a', '../' -> '../index.html', '' and 'x.html' unchanged."""
    path, sep, rest = _split(address)
    if path in (".", "..") or path.endswith("/"):
        path = (path if path.endswith("/") else path + "/") + "index.html"
    return path + sep + rest


def _split(address: str) -> tuple[str, str, str]:
    for i, ch in enumerate(address):
        if ch in "?#":
            return address[:i], ch, address[i + 1:]
    return address, "", ""


def link(here: str, kind: str, ident: str | None = None, anchor: str | None = None) -> str:
    """A Markdown link target from the page at source path ``here`` to another page."""
    target = source(kind, ident)
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def linker(here: str):
    """``link`` bound to one page: the template global ``link(kind, id, anchor)``."""
    def page_link(kind: str, ident: str | None = None, anchor: str | None = None) -> str:
        return link(here, kind, ident, anchor)
    return page_link


def href(here: str, kind: str, ident: str | None = None, anchor: str | None = None) -> str:
    """An address from the built page of source path ``here`` to another page, for raw HTML (which MkDocs
    neither checks nor rewrites; the site's link test does): href('plans/a.md', 'topic', 't') == '../../topics/t/'."""
    rel = _relative(_address(here), url(kind, ident))
    if anchor:
        return f"#{anchor}" if rel == "./" else f"{rel}#{anchor}"  # on the same page: the anchor alone
    return rel


@lru_cache(maxsize=4096)
def _relative(here: str, target: str) -> str:
    rel = posixpath.relpath(target or ".", here.rstrip("/") or ".")
    return rel + "/" if target.endswith("/") or not target else rel


def hrefs(here: str):
    """``href`` bound to one page: the template global ``href(kind, id, anchor)``."""
    def page_href(kind: str, ident: str | None = None, anchor: str | None = None) -> str:
        return href(here, kind, ident, anchor)
    return page_href


def root_prefix(here: str) -> str:
    """'../' repeated up to the docs root from the page at ``here`` ('' at the root)."""
    depth = here.count("/")
    return "../" * depth
