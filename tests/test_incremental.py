"""Incremental builds: an edit to one plan re-reads that plan only and rewrites only the pages that show it."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _render(data: Path, docs: Path, cache, langs=None):
    from policy_compare import compare, pipeline
    from policy_compare.i18n import LANGS
    from policy_compare.pipeline import validate_all

    plans, problems, catalogues = validate_all(data, cache)
    assert not [p for p in problems if p.level == "error"]
    corpus = compare.build_corpus(plans, data, catalogues)
    pipeline.written.clear()
    for lang in LANGS if langs is None else [lg for lg in LANGS if lg.code in langs]:
        pipeline.render_language(corpus, docs / lang.code, lang)
    return {code: set(paths) for code, paths in pipeline.written.items()}


def test_one_plan_edit_rewrites_only_the_pages_that_show_it(tmp_path):
    from policy_compare.cache import PlanCache

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    docs = tmp_path / "docs"
    cache = PlanCache(tmp_path / "cache")
    first = _render(data, docs, cache)
    assert cache.misses == 5 and cache.hits == 0
    files = {code: {p for p in (docs / code).rglob("*") if p.is_file()} for code in first}
    assert all(first[code] == files[code] for code in first)  # a fresh folder: everything written
    mtimes = {p: p.stat().st_mtime_ns for code in files for p in files[code]}

    plan = data / "plans" / "quzhou-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    old_title = next(line for line in text.splitlines() if line.startswith("title: ")).removeprefix("title: ")
    new_title = old_title + "（修订稿）"
    plan.write_text(text.replace(f"title: {old_title}\n", f"title: {new_title}\n", 1), encoding="utf-8")
    cache = PlanCache(tmp_path / "cache")
    second = _render(data, docs, cache)
    assert cache.misses == 1 and cache.hits == 4  # only the edited plan is loaded and validated again

    for code in second:
        showing = {p for p in (docs / code).rglob("*") if p.is_file() and new_title in p.read_text(encoding="utf-8", errors="replace")}
        assert showing, "the edited title appears nowhere"
        assert second[code] == showing, (code, sorted(str(p.relative_to(docs)) for p in second[code] ^ showing))
        assert docs / code / "plans" / "quzhou-2020.md" in second[code]
        others = {p for p in files[code] if p.parent.name in ("plans", "sources") and p.stem not in ("quzhou-2020", "index")}
        assert others and not others & second[code]  # no other plan's page or source page
        for p in files[code] - second[code]:
            assert p.stat().st_mtime_ns == mtimes[p], p  # untouched files keep their time stamps


def test_cross_links_are_reused_only_while_what_they_read_is_unchanged(tmp_path):
    """The kept cross-links (compare.related_items with a cache folder) equal a fresh computation, and a
    change to a provision's text computes them again."""
    from policy_compare import compare
    from policy_compare.pipeline import validate_all

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    keep = tmp_path / "keep"
    keep.mkdir()

    def corpus(cache_dir):
        plans, _, catalogues = validate_all(data)
        return compare.build_corpus(plans, data, catalogues, links_cache=cache_dir)

    def links(c):
        return compare.related_wire(c.related)

    fresh = links(corpus(None))
    assert any(fresh.values())
    assert links(corpus(keep)) == fresh and len(list(keep.glob("links-*.pickle"))) == 1
    kept = next(keep.glob("links-*.pickle"))
    assert links(corpus(keep)) == fresh  # read back from the kept file
    plan = data / "plans" / "ordos-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("summary_en: ", "summary_en: (edited) ", 1), encoding="utf-8")
    assert links(corpus(keep)) == fresh and kept.exists()  # a header edit: the same links, the same key
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("text: ") and len(ln) > 60)
    plan.write_text(text.replace(line, line.replace("text: ", "text: 全面", 1), 1), encoding="utf-8")
    edited = links(corpus(keep))
    assert not kept.exists() and len(list(keep.glob("links-*.pickle"))) == 1  # a new key, computed again
    assert edited == links(corpus(None))


def test_page_cache_keeps_pages_of_unchanged_plans_and_matches_a_fresh_render(tmp_path):
    """Plan and source pages whose plan, links and linked plans did not change are kept, not rendered
    again (render.PageRenderer.reuse); the folder is then byte for byte what a fresh render gives."""
    from policy_compare import render
    from policy_compare.cache import PlanCache

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    docs = tmp_path / "docs"
    _render(data, docs, PlanCache(tmp_path / "cache"))
    assert render.reused["zh"] == []  # nothing to reuse in a new folder
    _render(data, docs, PlanCache(tmp_path / "cache"))
    shared = {f"{kind}/{p.stem}.md" for kind in ("topics", "indicators") for p in (docs / "zh" / kind).glob("*.md")
              if p.stem != "index"}
    for code in ("zh", "en"):  # 5 plan pages, 5 source pages, every topic and indicator page
        assert sorted(render.reused[code]) == sorted({f"{kind}/{p}.md" for kind in ("plans", "sources")
                                                      for p in ("jiamusi-2024", "lianyungang-2017", "lishui-2021",
                                                                "ordos-2020", "quzhou-2020")} | shared)
    assert render.columns_rendered == {"zh": 0, "en": 0}  # every topic page's columns from the column cache

    plan = data / "plans" / "ordos-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("title: "))
    plan.write_text(text.replace(line, line + "（修订）", 1), encoding="utf-8")
    _render(data, docs, PlanCache(tmp_path / "cache"))
    for code in ("zh", "en"):
        assert "plans/ordos-2020.md" not in render.reused[code] and "sources/ordos-2020.md" not in render.reused[code]
        assert {f"sources/{p}.md" for p in ("jiamusi-2024", "lishui-2021", "quzhou-2020")} <= set(render.reused[code])
    topics = len(list((docs / "zh" / "topics").glob("*.md"))) - 1  # less the index
    assert render.columns_rendered["zh"] == render.columns_rendered["en"] == topics  # Ordos' column of each
    fresh = tmp_path / "fresh"
    _render(data, fresh, PlanCache(tmp_path / "cache"))
    kept = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file() and not p.name.startswith(".")}
    new = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert kept == new
    assert "（修订）" in (docs / "zh" / "plans" / "ordos-2020.md").read_text(encoding="utf-8")


def test_a_dirty_rebuild_gives_the_site_of_a_clean_build_and_never_writes_into_the_published_one(tmp_path):
    """After one plan's edit, the rebuild runs MkDocs only over what changed (its dirty mode, on the site
    kept in the workspace) and its site is byte for byte that of a clean build of the edited data, into a
    fresh workspace. The published site shares files with the kept one (hard links): a witness linked to
    every published file before the rebuild still reads what it read. (Builds run as build.py, each in its
    own process, as a user runs them.)"""
    import os

    from conftest import run_build
    from policy_compare import pipeline

    data, out = tmp_path / "data", tmp_path / "out" / "site"
    shutil.copytree(ROOT / "data", data)

    def snapshot(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    def build(folder: Path) -> None:
        proc = run_build("--data", str(data), "--out", str(folder))
        assert proc.returncode == 0, proc.stderr

    build(out)
    before = snapshot(out)
    witness = tmp_path / "witness"
    for rel in before:
        (witness / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(out / rel, witness / rel)
    work = pipeline.workspace(data, out)
    untouched = work / "site-zh" / "sources" / "jiamusi-2024" / "index.html"
    edited_page = work / "site-zh" / "plans" / "ordos-2020" / "index.html"
    stamps = untouched.stat().st_mtime_ns, edited_page.stat().st_mtime_ns

    plan = data / "plans" / "ordos-2020.yaml"
    text = plan.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("title: "))
    plan.write_text(text.replace(line, line + "（修订）", 1), encoding="utf-8")
    build(out)
    assert untouched.stat().st_mtime_ns == stamps[0]  # a dirty build: an unchanged page is not written again
    assert edited_page.stat().st_mtime_ns != stamps[1]
    assert "（修订）" in (out / "plans" / "ordos-2020" / "index.html").read_text(encoding="utf-8")
    assert snapshot(witness) == before  # nothing was written into a published file

    fresh = tmp_path / "fresh" / "site"
    build(fresh)
    assert not (pipeline.workspace(data, out) == pipeline.workspace(data, fresh))
    a, b = snapshot(out), snapshot(fresh)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_fragments_follow_the_topic_page_they_were_cut_from(tmp_path):
    """topicpage.split_fragments on a kept site: a page already split keeps its fragments; a rebuilt page
    gets the fragments of its deferred columns only; a page left with no deferred column has none."""
    from policy_compare.topicpage import split_fragments

    page = tmp_path / "topics" / "t" / "index.html"
    page.parent.mkdir(parents=True)

    def col(plan: str) -> str:
        return f'<section class="compare-col" data-defer="1" data-plan="{plan}" hidden><p>{plan}</p></section>'

    page.write_text("<main>" + col("a") + col("b") + "</main>", encoding="utf-8")
    assert split_fragments(tmp_path) == 2
    assert sorted(p.name for p in page.parent.glob("*.js")) == ["a.js", "b.js"]
    assert split_fragments(tmp_path) == 0 and len(list(page.parent.glob("*.js"))) == 2  # already split
    page.write_text("<main>" + col("b") + "</main>", encoding="utf-8")  # rebuilt: a is no longer deferred
    assert split_fragments(tmp_path) == 1
    assert [p.name for p in page.parent.glob("*.js")] == ["b.js"]
    page.write_text("<main><p>no deferred city</p></main>", encoding="utf-8")
    split_fragments(tmp_path)
    assert list(page.parent.glob("*.js")) == []


def test_kept_pages_after_edits_of_every_kind_match_a_fresh_render(tmp_path):
    """At 32 plans (the by-province layouts: province pages of who is responsible, the provinces' matrix), a
    docs folder rendered again after each kind of edit, keeping every page the page cache allows (plan,
    source, topic and indicator pages, province pages), is byte for byte what a fresh render gives: a page
    key that missed what its page reads shows here."""
    import re
    import sys

    from policy_compare import render
    from policy_compare.cache import PlanCache

    sys.path.insert(0, str(ROOT / "bench"))
    import corpus
    from bench_scale import toggle_topic

    data = tmp_path / "data"
    ids = corpus.make(32, data, seed=4)
    docs = tmp_path / "docs"
    _render(data, docs, PlanCache(tmp_path / "cache"))
    plans = [data / "plans" / f"{pid}.yaml" for pid in ids]

    def edit(path: Path, change) -> None:
        text = path.read_text(encoding="utf-8")
        new = change(text)
        assert new != text
        path.write_text(new, encoding="utf-8")

    def swap_lead(text: str) -> str:  # the first lead body and the first partner change places
        m = re.search(r"(\n +lead:\n +- )(.+)(\n +partners:\n +- )(.+)\n", text)
        return text[:m.start()] + m.group(1) + m.group(4) + m.group(3) + m.group(2) + "\n" + text[m.end():]

    def edit_text(text: str) -> str:  # a provision's text and the source line it is copied from
        source = data / re.search(r"\n  file: (.+)\n", text).group(1)
        lines = source.read_text(encoding="utf-8")
        m = next(m for m in re.finditer(r"\n +text: ([^'\"\n]{30,})\n", text) if lines.count(m.group(1)) == 1)
        source.write_text(lines.replace(m.group(1), "全面" + m.group(1)), encoding="utf-8")
        return text.replace(m.group(0), m.group(0).replace("text: ", "text: 全面", 1), 1)

    edits = [
        ("a provision's topics", plans[-1], lambda t: toggle_topic(t, "fitness")),
        ("a plan's title and its city's English name", plans[3], lambda t: re.sub(
            r"\ncity:\n  zh: (.+)\n  en: (.+)\n", r"\ncity:\n  zh: \1\n  en: \2 City\n",
            re.sub(r"\ntitle: (.+)\n", r"\ntitle: \1（修订）\n", t, count=1), count=1)),
        ("targets' notes and comparators", plans[7], lambda t: re.sub(r"\n( +)note: (.+)\n", r"\n\1note: \2 (edited)\n",
                                                                     t.replace("comparator: '>='", "comparator: '='"), count=1)),
        ("a lead body", plans[11], swap_lead),
        ("a provision's text, and its source", plans[20], edit_text),
        ("the first edit, back", plans[-1], lambda t: toggle_topic(t, "fitness")),
    ]
    reused_any = set()
    for i, (what, path, change) in enumerate(edits):
        edit(path, change)
        langs = ("zh",) if i < len(edits) - 1 else ("zh", "en")  # the English pages once (kept from the first render)
        _render(data, docs, PlanCache(tmp_path / "cache"), langs)
        reused_any |= {rel.split("/")[0] for code in langs for rel in render.reused[code]}
        fresh = tmp_path / f"fresh-{i}"
        _render(data, fresh, PlanCache(tmp_path / "cache"), langs)
        if len(langs) == 1:
            shutil.copytree(docs / "en", fresh / "en")
        kept = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file() and not p.name.startswith(".")}
        new = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file() and not p.name.startswith(".")}
        assert kept.keys() == new.keys(), what
        assert [str(k) for k in kept if kept[k] != new[k]] == [], what
        shutil.rmtree(fresh)
    # the kinds of page this checks were kept somewhere along the way
    assert {"plans", "sources", "topics", "indicators", "responsible"} <= reused_any, reused_any
