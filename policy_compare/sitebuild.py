"""Stage 5 — MkDocs: build the rendered docs folder into a site, then swap it in.

MkDocs runs in strict mode with link and anchor validation, so a broken
generated link fails the build. The finished site replaces the output folder
in two renames; until then the previous site stays untouched.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .problems import BuildFailed, Problem

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_SHIM = "assets/vendor/iframe-worker/shim.js"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(docs: Path, site: Path, nav: list | None = None, config_file: Path = ROOT / "mkdocs.yml",
               lang_prefix: str = "", jieba_dict_user: Path | None = None, offline: bool = False,
               **overrides) -> None:
    """Build ``docs`` into ``site`` with ``config_file``; warnings are errors (strict).

    ``lang_prefix`` ("en/") is where this language's site lives below the site root; it is appended to
    ``site_url`` so canonical URLs and the sitemap point at the right place."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        options = {"docs_dir": str(docs), "site_dir": str(site), "strict": True}
        if nav is not None:
            options["nav"] = nav
        options.update(overrides)
        config = load_config(config_file=str(config_file), **options)
        if config.site_url:
            absolute_alternates(config)
        if lang_prefix and config.site_url:
            config.site_url = config.site_url.rstrip("/") + "/" + lang_prefix
        search = config.plugins.get("material/search")
        if search is not None and jieba_dict_user is not None:
            search.config["jieba_dict_user"] = str(jieba_dict_user)
        if offline:
            if "material/offline" not in config.plugins:
                raise BuildFailed([Problem(config_file.name, 1, "plugins", "mkdocs",
                                           "the offline bundle needs '- offline: {enabled: !ENV [OFFLINE, false]}' under plugins")])
            config.plugins["material/offline"].config["enabled"] = True
            # Material would add https://unpkg.com/iframe-worker/shim; use the copy in content/assets/vendor.
            config.extra["polyfills"] = [OFFLINE_SHIM]
        build(config)
    except (MkDocsException, SystemExit) as exc:
        messages = handler.messages or [str(exc)]
        raise BuildFailed([Problem(config_file.name, 1, "", "mkdocs", m) for m in messages]) from None
    finally:
        logger.removeHandler(handler)


def absolute_alternates(config) -> None:
    """With a known site address, each language alternate gets its absolute base (``abs``) for hreflang."""
    from .i18n import LANGS
    prefixes = {lang.code: lang.prefix for lang in LANGS}
    root = config.site_url.rstrip("/") + "/"
    config.extra["alternate"] = [dict(alt, abs=root + prefixes.get(alt.get("lang"), "")) for alt in config.extra.get("alternate", [])]


def swap(new_site: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``new_site``: rename the old one aside, move the new one in, delete the old."""
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    shutil.move(str(new_site), str(out_dir))
    if old.exists():
        shutil.rmtree(old)


def localised_content(content: Path, docs: Path, lang_code: str) -> None:
    """Copy ``content/`` into ``docs`` for one language: ``page.en.md`` replaces ``page.md`` on the English
    site and is left out of the Chinese one. A page without an English twin is shown as it is."""
    def ignore(folder, names):
        return [n for n in names if n.endswith(".en.md")]
    shutil.copytree(content, docs, ignore=ignore)
    if lang_code != "zh":
        for twin in content.rglob(f"*.{lang_code}.md"):
            target = docs / twin.relative_to(content).with_name(twin.name.replace(f".{lang_code}.md", ".md"))
            shutil.copyfile(twin, target)


def zip_folder(folder: Path, zip_path: Path, top: str) -> Path:
    """Zip ``folder`` into ``zip_path`` with every entry below ``top/`` (deterministic order)."""
    import zipfile

    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return zip_path
