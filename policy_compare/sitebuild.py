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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(docs: Path, site: Path, nav: list | None = None) -> None:
    """Build ``docs`` into ``site`` with mkdocs.yml; warnings are errors (strict)."""
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
        config = load_config(config_file=str(ROOT / "mkdocs.yml"), **options)
        build(config)
    except (MkDocsException, SystemExit) as exc:
        messages = handler.messages or [str(exc)]
        raise BuildFailed([Problem("mkdocs.yml", 1, "", "mkdocs", m) for m in messages]) from None
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
