"""The whole build, stage by stage: load → validate → compute → render → mkdocs → swap.

Everything is read and checked before anything is written. The site is built
into a temporary folder beside the output and swapped in only when MkDocs
succeeded, so a failed build leaves the previous ``site/`` as it was.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .problems import BuildFailed, Problem
from .validate import LoadedPlan, validate_all

ROOT = Path(__file__).resolve().parent.parent


def _checked(data_dir: Path, strict: bool):
    if not data_dir.is_dir():
        raise BuildFailed([Problem(str(data_dir), 1, "", "no_data", "the data folder does not exist")])
    plans, problems, catalogue = validate_all(data_dir)
    errors = [p for p in problems if p.level == "error" or strict]
    if errors:
        raise BuildFailed(problems)
    return plans, problems, catalogue


def check(data_dir: Path, strict: bool = False) -> tuple[list[LoadedPlan], list[Problem]]:
    """Validate only; return the plans and warnings (errors raise BuildFailed)."""
    plans, warnings, _ = _checked(data_dir, strict)
    return plans, warnings


def summary(plans: list[LoadedPlan]) -> str:
    from .validate import iter_provisions
    n_prov = sum(1 for lp in plans for _ in iter_provisions(lp.plan))
    n_tgt = sum(len(p.targets) for lp in plans for p, _, _ in iter_provisions(lp.plan))
    return f"{len(plans)} plans, {n_prov} provisions, {n_tgt} targets"


def build(data_dir: Path, out_dir: Path, strict: bool = False) -> list[Problem]:
    """Validate, render pages and exports, run MkDocs, then swap the result into ``out_dir``."""
    from . import compare, exports, render, sitebuild

    plans, warnings, catalogue = _checked(data_dir, strict)
    corpus = compare.build_corpus(plans, data_dir, catalogue)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir.parent) as tmp:
        tmp = Path(tmp)
        docs, site = tmp / "docs", tmp / "site"
        shutil.copytree(ROOT / "content", docs)
        nav = render.write_pages(corpus, docs)
        exports.write_all(corpus, docs / "data")
        sitebuild.run_mkdocs(docs, site, nav)
        sitebuild.swap(site, out_dir)
    return warnings


def serve(out_dir: Path, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"serving {out_dir} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        httpd.serve_forever()
