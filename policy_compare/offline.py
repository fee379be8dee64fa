"""The offline bundle, derived from the online build (no second MkDocs run).

The online site uses directory URLs (``plans/ordos-2020/``), which a web server completes with
``index.html`` and a browser on ``file://`` does not. The bundle is a copy of the built site in which every
relative address in the HTML (``href``, ``src``) and every search-result location ending in a folder gets
``index.html`` appended (:func:`routes.directory_to_file`), and each page loads the self-hosted
iframe-worker shim, which lets Material's search worker run from ``file://`` (Material's offline plugin
would fetch it from unpkg.com). Search index files are carried over as they are, plus
``search_index.js`` (the index as a script, which is how Material's offline mode reads it), as the offline
plugin writes it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from .routes import directory_to_file

SHIM = "assets/vendor/iframe-worker/shim.js"  # below the language root
_ATTR = re.compile(r'(\b(?:href|src)=)("[^"]*"|\'[^\']*\'|[^\s>"\']+)')
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#|\?)")


def offline_address(address: str) -> str:
    if not address or _ABSOLUTE.match(address):
        return address
    return directory_to_file(address)


def rewrite_html(html: str, shim: str | None) -> str:
    def repl(m: re.Match) -> str:
        value = m.group(2)
        quote = value[0] if value[:1] in "\"'" else ""
        inner = value[1:-1] if quote else value
        return f"{m.group(1)}{quote}{offline_address(inner)}{quote}"

    html = _ATTR.sub(repl, html)
    if shim and "</head>" in html:
        html = html.replace("</head>", f'<script src="{shim}"></script></head>', 1)
    return html


def _shim_path(page: Path, lang_root: Path) -> str | None:
    if not (lang_root / SHIM).exists():
        return None
    return os.path.relpath(lang_root / SHIM, page.parent).replace(os.sep, "/")


def files(site: Path, lang_roots: list[str], skip: tuple[str, ...] = ("downloads",)):
    """(path below the site, bytes) of every file of the bundle, in a stable order; ``lang_roots`` are the
    language folders ('' and 'en')."""
    roots = sorted((site / r for r in lang_roots), key=lambda p: len(p.parts), reverse=True)
    for path in sorted(site.rglob("*"), key=lambda p: p.relative_to(site).as_posix()):
        rel = path.relative_to(site)
        if (rel.parts and rel.parts[0] in skip) or not path.is_file():
            continue
        name = rel.as_posix()
        if path.suffix == ".html":
            root = next(r for r in roots if path.is_relative_to(r))
            yield name, rewrite_html(path.read_text(encoding="utf-8"), _shim_path(path, root)).encode("utf-8")
        elif path.name == "search_index.json":
            index = json.loads(path.read_text(encoding="utf-8"))
            for doc in index.get("docs", []):
                if "location" in doc:
                    doc["location"] = offline_address(doc["location"]) if doc["location"] else "index.html"
            data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
            if not (path.parent / "search_index.js").exists():  # before .json: entries stay in sorted order
                yield name[:-len(".json")] + ".js", f"var __index = {data}".encode("utf-8")
            yield name, data.encode("utf-8")
        else:
            yield name, path.read_bytes()


def write_zip(site: Path, zip_path: Path, lang_roots: list[str], top: str = "policy-compare") -> Path:
    """The bundle as a zip with every entry below ``top/``, straight from the built site (no copy on disk)."""
    import time
    import zipfile

    from .sitebuild import source_date_epoch

    # the build's date (SOURCE_DATE_EPOCH) and fixed permissions, so the same site gives the same bytes
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch()), 315532800)  # zip dates start in 1980
    stamp = time.gmtime(epoch)[:6]
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in files(site, lang_roots):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=6)
    return zip_path


def derive(site: Path, out: Path, lang_roots: list[str]) -> Path:
    """The bundle as a folder (for looking at it; the build writes the zip directly)."""
    if out.exists():
        shutil.rmtree(out)
    for name, data in files(site, lang_roots):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out
