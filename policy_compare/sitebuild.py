"""Stage 5 — MkDocs: build the rendered docs folder into a site, then swap it in.

MkDocs runs in strict mode with link and anchor validation, so a broken
generated link fails the build. The finished site replaces the output folder
in two renames; until then the previous site stays untouched. (The offline bundle is derived from
the built site by :mod:`.offline`.)
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
