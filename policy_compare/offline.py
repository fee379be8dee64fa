"""The offline bundle, derived from the online build (no second MkDocs run).

The online site uses directory URLs (``plans/ordos-2020/``), which a web server completes with
``index.html`` and a browser on ``file://`` does not. The bundle is a copy of the built site in which every
relative address in the HTML (``href``, ``src``), including the HTML inside the topic pages' deferred city
columns (``topics/<id>/<plan>.js``, :mod:`.topicpage`), gets ``index.html`` appended where it ends in a
folder (:func:`routes.directory_to_file`). The search files (:mod:`.search`) are scripts that load from
``file://`` as they are; ``search.js`` adds ``index.html`` to result addresses there.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .routes import directory_to_file

# A relative address that names a folder (ends in "/", or is "." or ".."), in an href or src (data-href too):
# the only ones the bundle changes. One regex pass with no work for the other attributes (the former
# callback on every href/src was most of the bundle's time at 300 plans). Values are quoted or bare; data
# never puts a quote inside one (addresses are validated, text is entity-escaped).
_FOLDER_ADDRESS = re.compile(
    r"""([\s-](?:href|src)=["']?)"""                       # the attribute, its opening quote if any
    r"""((?![a-zA-Z][a-zA-Z0-9+.\-]*:|//|/|#|\?)"""          # not absolute, not only a fragment or query
    r"""(?:[^"'?#\s>]*/|\.\.?))(?=["'?#\s>])""")          # a path ending in a folder, then its end


_FRAGMENT = re.compile(r"\ApcFragment\((\"(?:[^\"\\]|\\.)*\"), (.*)\);\n?\Z", re.S)


def rewrite_html(html: str) -> str:
    return _FOLDER_ADDRESS.sub(lambda m: m.group(1) + directory_to_file(m.group(2)), html)


def rewrite_fragment(text: str) -> str:
    """A deferred city column (``pcFragment("plan", "<html>");``) with its links made file:// ready."""
    m = _FRAGMENT.match(text)
    if not m:
        return text
    inner = rewrite_html(json.loads(m.group(2)))
    payload = json.dumps(inner, ensure_ascii=False).replace("</", "<\\/")
    return f"pcFragment({m.group(1)}, {payload});\n"


def files(site: Path, skip: tuple[str, ...] = ("downloads",)):
    """(path below the site, bytes) of every file of the bundle, in a stable order."""
    for path in sorted(site.rglob("*"), key=lambda p: p.relative_to(site).as_posix()):
        rel = path.relative_to(site)
        if (rel.parts and rel.parts[0] in skip) or not path.is_file():
            continue
        name = rel.as_posix()
        if path.suffix == ".html":
            yield name, rewrite_html(path.read_text(encoding="utf-8")).encode("utf-8")
        elif path.suffix == ".js" and "topics" in rel.parts[:-1] and rel.parts[-2] != "topics":
            yield name, rewrite_fragment(path.read_text(encoding="utf-8")).encode("utf-8")
        else:
            yield name, path.read_bytes()


def write_zip(site: Path, zip_path: Path, top: str = "policy-compare") -> Path:
    """The bundle as a zip with every entry below ``top/``, straight from the built site (no copy on disk)."""
    from .sitebuild import write_zip as zip_entries
    return zip_entries(files(site), zip_path, top)


def derive(site: Path, out: Path) -> Path:
    """The bundle as a folder (for looking at it; the build writes the zip directly)."""
    if out.exists():
        shutil.rmtree(out)
    for name, data in files(site):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out
