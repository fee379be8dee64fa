"""The whole build, stage by stage: load → validate → compute → render → MkDocs → offline → swap.

1. every plan file is loaded and checked (:mod:`.validate`), through the per-plan cache (:mod:`.cache`):
   an unchanged plan is not parsed again; the catalogues (:mod:`.catalogue`) and the cross-file rules run
   every time;
2. the corpus is computed once (:mod:`.compare`: topics, indicators, links, responsibility);
3. each language is rendered into its working docs folder, kept between builds under ``.cache/work/``:
   a page is written only when its bytes change, and files no longer produced are removed;
4. MkDocs builds each language once, into a site folder kept between builds too: only the changed pages
   when nothing else changed (:func:`build_language`); the search index is written (:mod:`.search`); the
   build's site folder is a copy of the kept one in hard links;
5. the offline bundle is derived from that build (:mod:`.offline`) and zipped into the site, reusing the
   kept zip's entries of unchanged files;
6. the finished site is swapped into the output folder, so a failed build leaves the previous one as it was.

``timings`` holds the seconds each stage of the last build took (for ``bench/bench_scale.py``).
"""
from __future__ import annotations

import hashlib
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from . import routes
from .i18n import LANGS
from .problems import BuildFailed, Problem
from .validate import LoadedPlan, check_plan, validate_plans

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".cache" / "work"
KEEP_WORKSPACES = 4
timings: dict[str, float] = {}
written: dict[str, list[Path]] = {}  # language code -> docs files the last build (re)wrote
produced: dict[str, list[str]] = {}  # language code -> every docs file of the last build (below docs/)
dirty: dict[str, bool] = {}  # language code -> whether MkDocs rebuilt only the changed pages last time


@contextmanager
def stage(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


@contextmanager
def _no_gc():
    """Python's cycle collector paused while a stage makes the build's long-lived objects (the plans, read
    back from the cache, and the corpus: millions of objects, which it would scan again and again for
    nothing), then those objects moved out of its view (``gc.freeze``: the language processes forked next
    share their pages too). Garbage without cycles is freed as usual meanwhile."""
    import gc
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def validate_all(data_dir: Path, plan_stage=check_plan):
    """Load the catalogues (:mod:`.catalogue`), then check every plan against them (:mod:`.validate`).
    Returns the plans, every problem, and the catalogues (None when one failed to load)."""
    from .catalogue import load_catalogues

    loaded = load_catalogues(data_dir)
    plans, problems = validate_plans(data_dir, loaded, plan_stage)
    return plans, problems, (loaded.catalogues() if plans or not problems else None)


def validate(data_dir: Path) -> tuple[list[LoadedPlan], list[Problem]]:
    """Load and check every plan under ``data_dir/plans``; return the plans and all problems."""
    plans, problems, _ = validate_all(data_dir)
    return plans, problems


def _checked(data_dir: Path, strict: bool, cached: bool = True):
    from .cache import PlanCache

    if not data_dir.is_dir():
        raise BuildFailed([Problem(str(data_dir), 1, "", "no_data", "the data folder does not exist")])
    plans, problems, catalogue = validate_all(data_dir, PlanCache()) if cached else validate_all(data_dir)
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


def content_files(content: Path, lang_code: str) -> dict[str, Path]:
    """content/ for one language: ``page.en.md`` replaces ``page.md`` on the English site and is left out of
    the Chinese one. A page without an English twin is shown as it is."""
    out: dict[str, Path] = {}
    twins = []
    for path in sorted(content.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(content).as_posix()
        if rel.endswith(".en.md"):
            twins.append(rel)
        else:
            out[rel] = path
    if lang_code != "zh":
        for rel in twins:
            if rel.endswith(f".{lang_code}.md"):
                out[rel[:-len(f".{lang_code}.md")] + ".md"] = content / rel
    return out


def render_language(corpus, docs: Path, lang) -> list:
    """One language's MkDocs docs folder: content/ (localised), the rendered pages and, at the root language,
    the exports (one set of data files, linked from both interfaces: templates/data.md.j2). The folder is
    kept: unchanged files are not touched, files this build does not produce are removed."""
    from . import exports, render

    writer = render.Writer(docs)
    for rel, path in content_files(ROOT / "content", lang.code).items():
        writer.write_bytes(rel, path.read_bytes())
    nav = render.write_pages(corpus, docs, lang, writer)
    if not lang.prefix:
        version = render.render_key(corpus.data_dir) if corpus.data_dir else ""
        for name, text in exports.files(corpus, render.site_url(), keep=docs.parent / ".exports.pickle",
                                        version=version).items():
            writer.write_raw(routes.source("export", name), text)
    writer.prune()
    written[lang.code] = list(writer.written)
    produced[lang.code] = sorted(path.relative_to(docs).as_posix() for path in writer.files)
    return nav


def workspace(data_dir: Path, out_dir: Path) -> Path:
    """The kept working folder of builds from this data folder into this output folder."""
    key = hashlib.sha256(f"{data_dir.resolve()}\0{out_dir.resolve()}".encode()).hexdigest()[:12]
    if WORK.is_dir():  # keep the few most recently used (test runs build into fresh temp folders)
        others = sorted((d for d in WORK.iterdir() if d.is_dir() and d.name != key), key=lambda d: d.stat().st_mtime)
        for old in others[:-KEEP_WORKSPACES]:
            shutil.rmtree(old, ignore_errors=True)
    return WORK / key


def build(data_dir: Path, out_dir: Path, strict: bool = False) -> list[Problem]:
    """Validate, render pages and exports, run MkDocs once per language, derive the offline bundle, then swap
    the result into ``out_dir``."""
    from . import compare, offline, render, search, sitebuild

    timings.clear()
    with stage("load+validate"), _no_gc():
        plans, warnings, catalogue = _checked(data_dir, strict)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # under the output folder's lock (sitebuild.build_dir): the kept working folder is this output's too
    with sitebuild.build_dir(out_dir) as tmp, sitebuild.fixed_build_date():
        work = workspace(data_dir, out_dir)
        work.mkdir(parents=True, exist_ok=True)
        site = tmp / "site"
        ahead = {}

        def before_links(corpus) -> None:  # the provisions' search terms are segmented beside the cross-links
            with stage("search"):  # checks data/synonyms.yaml, loads jieba's user dictionary
                ahead["synonyms"] = search.prepare(corpus, data_dir, work)
                ahead["terms"] = search.terms_ahead(corpus, work, work / "jieba_user_dict.txt")

        with stage("compute"), _no_gc():
            corpus = compare.build_corpus(plans, data_dir, catalogue, stage=stage, before_links=before_links,
                                          links_cache=work)
        with stage("search"):  # loaded here, so the language processes forked next share them
            ahead["terms"].load()
        synonyms = ahead["synonyms"]
        with stage("languages"):
            each_language(corpus, work, tmp, synonyms)
        for lang in LANGS[1:]:  # each language was built in its own folder: the others go below the root one
            (tmp / f"site-{lang.code}").rename(site / lang.prefix.rstrip("/"))
        with stage("offline"):  # derived from the online build; its search files work from file:// as they are
            offline.write_zip(site, site / render.OFFLINE_ZIP, keep=work)
        with stage("swap"):
            sitebuild.swap(site, out_dir)
    return warnings


def build_language(corpus, work: Path, site: Path, lang, synonyms) -> None:
    """One language, from the corpus to its built site folder: render into the kept docs folder, MkDocs into
    the kept site folder, the topic pages' deferred columns, the search index; then ``site`` is made a copy
    of the kept site in hard links (:func:`sitebuild.link_tree`).

    The kept site is rebuilt only where the docs changed (MkDocs' dirty mode) while the site key holds: the
    same docs files, navigation, configuration, code, templates and MkDocs and Material versions
    (:func:`site_key`). Otherwise, or when the last build into it did not finish, it is built from clean."""
    from . import search, sitebuild, topicpage

    docs, kept = work / f"docs-{lang.code}", work / f"site-{lang.code}"
    key_file = work / f".site-{lang.code}.key"
    with stage("render"):
        nav = render_language(corpus, docs, lang)
    key = site_key(corpus, lang, nav, produced[lang.code])
    try:
        dirty[lang.code] = kept.is_dir() and key_file.read_text(encoding="utf-8") == key
    except OSError:
        dirty[lang.code] = False
    key_file.unlink(missing_ok=True)  # written back once the kept site is whole again
    with stage("mkdocs"):
        sitebuild.run_mkdocs(docs, kept, nav, config_file(lang), lang.prefix, dirty=dirty[lang.code])
    with stage("render"):  # the topic pages' deferred city columns, loaded on demand (first: search
        topicpage.split_fragments(kept)  # then reads light pages; provisions come from data)
    with stage("search"):
        search.write_index(kept, corpus, lang, synonyms, cache=work / f".search-pages-{lang.code}.pickle")
    key_file.write_text(key, encoding="utf-8")
    with stage("copy"):
        sitebuild.link_tree(kept, site)


def site_key(corpus, lang, nav: list, files: list[str]) -> str:
    """What every built page depends on besides its own Markdown (see :func:`build_language`)."""
    import json
    from importlib.metadata import version

    from .render import render_key

    h = hashlib.sha256()
    for part in (render_key(corpus.data_dir) if corpus.data_dir else "", lang.code, json.dumps(nav, ensure_ascii=False),
                 "\n".join(files), version("mkdocs"), version("mkdocs-material"),
                 *(path.read_text(encoding="utf-8") for path in sorted(ROOT.glob("mkdocs*.yml")))):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()[:20]


def _site_folder(tmp: Path, lang) -> Path:
    return tmp / ("site" if lang is LANGS[0] else f"site-{lang.code}")


def each_language(corpus, work: Path, tmp: Path, synonyms) -> None:
    """Build every language, each in its own folder: in parallel, one forked process per language, when the
    machine has a core for each (the languages share nothing but the computed corpus, which the fork
    shares); one after the other otherwise. A child reports its stage times and written files back, or the
    problems that failed it (raised here as they would be in one process)."""
    import multiprocessing

    from .cores import spare_core

    if len(LANGS) == 1 or not spare_core():
        for lang in LANGS:
            build_language(corpus, work, _site_folder(tmp, lang), lang, synonyms)
        return
    ctx = multiprocessing.get_context("fork")
    children = []
    for lang in LANGS:
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(send, corpus, work, _site_folder(tmp, lang), lang, synonyms))
        proc.start()
        send.close()
        children.append((lang, proc, receive))
    failure = None
    for lang, proc, receive in children:
        try:
            kind, payload = receive.recv()
        except EOFError:
            kind, payload = "crash", f"the {lang.code} build process ended without a report"
        proc.join()
        if kind == "ok":
            child_timings, files, was_dirty = payload
            for name, seconds in child_timings.items():
                timings[name] = timings.get(name, 0.0) + seconds
            written[lang.code] = files
            dirty[lang.code] = was_dirty
        elif failure is None:
            failure = (kind, payload)
    if failure:
        kind, payload = failure
        if kind == "failed":
            raise BuildFailed(payload)
        raise RuntimeError(payload)


def _child(send, corpus, work, site, lang, synonyms) -> None:
    import traceback

    timings.clear()
    try:
        build_language(corpus, work, site, lang, synonyms)
        send.send(("ok", (dict(timings), written.get(lang.code, []), dirty.get(lang.code, False))))
    except BuildFailed as exc:
        send.send(("failed", exc.problems))
    except BaseException:  # noqa: BLE001 - reported by the parent, which raises it
        send.send(("crash", traceback.format_exc()))
    finally:
        send.close()


def serve(out_dir: Path, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"serving {out_dir} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        httpd.serve_forever()


def render_only(data_dir: Path, out_dir: Path, strict: bool = False, lang_code: str = "zh") -> Path:
    """Render one language's pages into ``out_dir/docs`` and write ``out_dir/mkdocs.yml``: a standalone
    config (this language's settings merged over the base ``mkdocs.yml``, the theme overrides copied beside
    it, the navigation filled in), for MkDocs or other engines such as Zensical:
    ``zensical build -f out_dir/mkdocs.yml``. Search entries per provision are added by ``build`` only."""
    from . import compare, mkdocs_config

    lang = next(lg for lg in LANGS if lg.code == lang_code)
    plans, _, catalogue = _checked(data_dir, strict)
    corpus = compare.build_corpus(plans, data_dir, catalogue)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    nav = render_language(corpus, out_dir / "docs", lang)
    overrides = out_dir / "overrides"
    if overrides.exists():
        shutil.rmtree(overrides)
    shutil.copytree(ROOT / "templates" / "overrides", overrides)
    config = out_dir / "mkdocs.yml"
    config.write_text(mkdocs_config.standalone(config_file(lang), nav), encoding="utf-8")
    return config
