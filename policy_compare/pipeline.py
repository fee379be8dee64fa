"""The whole build, stage by stage: load → validate → compute → render → mkdocs → swap.

Everything is read and checked before anything is written. The site is built
into a temporary folder beside the output and swapped in only when MkDocs
succeeded, so a failed build leaves the previous ``site/`` as it was.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .i18n import LANGS
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


def config_file(lang) -> Path:
    """mkdocs.yml builds the Chinese site; mkdocs.<code>.yml (INHERIT: mkdocs.yml) each other language."""
    return ROOT / ("mkdocs.yml" if lang.code == "zh" else f"mkdocs.{lang.code}.yml")


def render_language(corpus, docs: Path, lang, data_dir: Path) -> list:
    """One language's MkDocs docs folder: content/ (localised), the rendered pages and the exports."""
    from . import exports, render, sitebuild
    sitebuild.localised_content(ROOT / "content", docs, lang.code)
    nav = render.write_pages(corpus, docs, lang, data_dir)
    if not lang.prefix:  # one set of data files at the root, linked from both interfaces (templates/data.md.j2)
        exports.write_all(corpus, docs / "data", render.site_url())
    return nav


def build(data_dir: Path, out_dir: Path, strict: bool = False) -> list[Problem]:
    """Validate, render pages and exports, run MkDocs, then swap the result into ``out_dir``."""
    from . import compare, render, search, sitebuild, topicpage

    plans, warnings, catalogue = _checked(data_dir, strict)
    corpus = compare.build_corpus(plans, data_dir, catalogue)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with sitebuild.build_dir(out_dir) as tmp, sitebuild.fixed_build_date():
        site = tmp / "site"
        synonyms = search.prepare(corpus, data_dir, tmp)  # checks data/synonyms.yaml, loads jieba's user dictionary
        # Chinese at the root first (MkDocs cleans its output folder), then en/; then the same again as the
        # offline bundle (file:// URLs, search index inlined), zipped into the site.
        offline = tmp / "offline"
        for lang in LANGS:
            docs = tmp / f"docs-{lang.code}"
            nav = render_language(corpus, docs, lang, data_dir)
            config = config_file(lang)
            for out, is_offline in ((site, False), (offline, True)):
                sitebuild.run_mkdocs(docs, out / lang.prefix, nav, config, lang.prefix, offline=is_offline)
                search.write_index(out / lang.prefix, corpus, lang, synonyms, directory_urls=not is_offline)
                topicpage.split_fragments(out / lang.prefix, directory_urls=not is_offline)
        sitebuild.zip_folder(offline, site / render.OFFLINE_ZIP, "policy-compare")
        sitebuild.swap(site, out_dir)
    return warnings


def serve(out_dir: Path, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"serving {out_dir} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        httpd.serve_forever()


def render_only(data_dir: Path, out_dir: Path, strict: bool = False, lang_code: str = "zh") -> Path:
    """Render one language's pages into ``out_dir/docs`` and write ``out_dir/mkdocs.yml`` (the project's
    config with the navigation and absolute paths filled in), for other engines such as Zensical:
    ``zensical build -f out_dir/mkdocs.yml``. Search entries per provision are added by ``build`` only."""
    import yaml

    from . import compare

    lang = next(lg for lg in LANGS if lg.code == lang_code)
    plans, _, catalogue = _checked(data_dir, strict)
    corpus = compare.build_corpus(plans, data_dir, catalogue)
    out_dir = out_dir.resolve()
    docs = out_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    out_dir.mkdir(parents=True, exist_ok=True)
    nav = render_language(corpus, docs, lang, data_dir)
    text = config_file(lang).read_text(encoding="utf-8")
    if lang.code != "zh":  # resolve INHERIT: the base file, then this language's settings on top
        text = text.replace("INHERIT: mkdocs.yml", f"INHERIT: {ROOT / 'mkdocs.yml'}")
    overrides = out_dir / "overrides"
    if overrides.exists():
        shutil.rmtree(overrides)
    shutil.copytree(ROOT / "templates" / "overrides", overrides)
    # paths relative to the generated config (Zensical 0.1 does not accept absolute ones)
    text = (text.replace("docs_dir: content", "docs_dir: docs")
                .replace("custom_dir: templates/overrides", "custom_dir: overrides"))
    if "docs_dir:" not in text:
        text += "docs_dir: docs\nsite_dir: site\n"
    text += "\n# Generated by build.py render\n" + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False)
    config = out_dir / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config
