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
import os
import re
import shutil
from pathlib import Path

from .routes import directory_to_file

_ATTR = re.compile(r'(\b(?:href|src)=)("[^"]*"|\'[^\']*\'|[^\s>"\']+)')
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#|\?)")
_FRAGMENT = re.compile(r"\ApcFragment\((\"(?:[^\"\\]|\\.)*\"), (.*)\);\n?\Z", re.S)


def offline_address(address: str) -> str:
    if not address or _ABSOLUTE.match(address):
        return address
    return directory_to_file(address)


def rewrite_html(html: str) -> str:
    def repl(m: re.Match) -> str:
        value = m.group(2)
        quote = value[0] if value[:1] in "\"'" else ""
        inner = value[1:-1] if quote else value
        return f"{m.group(1)}{quote}{offline_address(inner)}{quote}"

    return _ATTR.sub(repl, html)


def rewrite_fragment(text: str) -> str:
    """A deferred city column (``pcFragment("plan", "<html>");``) with its links made file:// ready."""
    m = _FRAGMENT.match(text)
    if not m:
        return text
    inner = rewrite_html(json.loads(m.group(2)))
    payload = json.dumps(inner, ensure_ascii=False).replace("</", "<\\/")
    return f"pcFragment({m.group(1)}, {payload});\n"


def files(site: Path, lang_roots: list[str], skip: tuple[str, ...] = ("downloads",)):
    """(path below the site, bytes) of every file of the bundle, in a stable order; ``lang_roots`` are the
    language folders ('' and 'en')."""
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
    """The bundle as a folder (for looking at it and for tests; the build writes the zip directly)."""
    if out.exists():
        shutil.rmtree(out)
    for name, data in files(site, lang_roots):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out
