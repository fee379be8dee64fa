"""The search index builder, in-process on small inputs (policy_compare/search.py); the browser side is
tests/test_search_browser.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_compare import search, synonyms
from policy_compare.problems import BuildFailed

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def payload(path: Path):
    """The data of one JSONP file: __pcSearch("key",<JSON>);"""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("__pcSearch(") and text.endswith(");\n")
    key, _, rest = text[len("__pcSearch("):-3].partition(",")
    return json.loads(key), json.loads(rest)


def test_fold_maps_traditional_to_simplified_keeping_every_length():
    for trad, simple in [("麗水", "丽水"), ("控煙", "控烟"), ("醫保", "医保"), ("家庭醫生", "家庭医生"), ("ＤＲＧｓ", "drgs")]:
        assert search.fold(trad) == search.fold(simple) == simple
        assert len(search.fold(trad)) == len(trad)
    assert search.fold("丽水") == "丽水"  # Simplified text is left as it is


def test_terms_include_words_inside_compounds_and_both_scripts_meet():
    terms = search.terms_of("全面推进家庭医生签约服务")
    assert {"家庭医生", "医生", "家庭", "签约"} <= terms
    assert search.terms_of("加強控煙宣傳") & search.terms_of("加强控烟宣传") >= {"控烟", "宣传"}
    assert "drgs" in search.terms_of("按疾病相關診斷分組(DRGs)付費")


def groups_fixture():
    trad = search.Doc("s1-p1", "一、控煙", "加強控煙宣傳，推進按疾病相關診斷分組(DRGs)付費改革。")
    simple = search.Doc("s1-p1", "一、控烟", "加强控烟宣传教育，开展按疾病诊断相关分组付费。")
    table = search.Doc("s9-p1", "主要指标", "健康指标表", ["指标 | 2025", "居民健康素养水平 | 25%", "婴儿死亡率 | 5‰"])
    hostile = search.Doc("x", "</script><script>alert(1)</script>", "__proto__ \u2028 {\"a\":1} <img src=x onerror=alert(1)>")
    return [search.Group("plans/a-2021/", "麗水 2021：甲", "plan", [search.Doc("", "麗水 2021：甲", ""), trad]),
            search.Group("plans/b-2020/", "乙 2020：乙", "plan", [search.Doc("", "乙 2020：乙", ""), simple, table]),
            search.Group("about/", "关于", "page", [hostile])]


SYN = [["drg", "drgs", "按疾病诊断相关分组", "按疾病相关诊断分组"], ["pm2.5", "细颗粒物"]]


def test_synonym_matches_kept_between_builds_give_the_same_index():
    """build_index with the synonym matches of an earlier build (write_index keeps them by text digest):
    the same index as from nothing, and the kept matches are what decides (a wrong kept entry shows)."""
    from policy_compare.cache import Memo

    seen = Memo()
    fresh = search.build_index(groups_fixture(), SYN)
    assert search.build_index(groups_fixture(), SYN, seen) == fresh and seen.made
    again = Memo()
    again.kept = dict(seen.used)
    assert search.build_index(groups_fixture(), SYN, again) == fresh and again.made == 0
    wrong = Memo()
    wrong.kept = {digest: (1,) if found == (0,) else found for digest, found in seen.used.items()}
    assert search.synonym_key(0) not in search.build_index(groups_fixture(), SYN, wrong)[1]


def test_index_holds_both_scripts_under_one_term_and_synonym_groups():
    meta, table, records = search.build_index(groups_fixture(), SYN)
    assert meta["n"] == len(records) == 6
    assert table["控烟"][0] == [1, 3]  # Lishui's 控煙 and the other plan's 控烟: the same term
    assert "控煙" not in table
    assert table[search.synonym_key(0)][0] == [1, 3]  # DRGs (word order of Lishui) and the full form
    assert search.synonym_key(1) not in table
    assert [g[3] for g in meta["groups"]] == [0, 2, 5]  # each group's first document: results group by plan/page
    assert meta["syn"][0] == [search.synonym_key(0), SYN[0]]
    # the fold table for the browser holds what the query needs: 煙 -> 烟
    pairs = dict(zip(*meta["fold"]))
    assert pairs["煙"] == "烟" and pairs["麗"] == "丽"
    assert records[1] == ["s1-p1", "一、控煙", "加強控煙宣傳，推進按疾病相關診斷分組(DRGs)付費改革。"]  # verbatim
    assert records[4][3] == ["指标 | 2025", "居民健康素养水平 | 25%", "婴儿死亡率 | 5‰"]  # rows apart, for the snippet


def test_written_files_are_data_only_and_every_term_sits_in_its_shard(tmp_path):
    meta, table, records = search.build_index(groups_fixture(), SYN)
    written = search.write_files(tmp_path / "search", meta, table, records)
    key, m = payload(tmp_path / "search" / "meta.js")
    assert key == "meta" and m["shards"] == written.shards and m["n"] == 6
    folder = tmp_path / "search" / m["v"]
    seen = {}
    for k in range(m["shards"]):
        key, rows = payload(folder / "t" / f"{k}.js")
        assert key == f"t/{k}"
        for row in rows:
            assert isinstance(row, list) and search.shard_of(row[0], m["shards"]) == k
            ids, total = [], 0
            for d in row[1]:
                total += d
                ids.append(total)
            seen[row[0]] = ids
    assert seen.keys() == table.keys() and seen["控烟"] == [1, 3]
    docs = []
    for j in range((m["n"] + m["chunk"] - 1) // m["chunk"]):
        key, chunk = payload(folder / "d" / f"{j}.js")
        docs += chunk
    assert docs == records
    # hostile text stays a JSON string: no key from data, no raw line separator, a string equal to the input
    raw = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "search").rglob("*.js"))
    assert "\u2028" not in raw
    assert docs[5][1] == "</script><script>alert(1)</script>"
    assert "proto" in seen  # a term, but stored in an array row (a Map in the browser), never as an object key


def test_shard_of_matches_the_browsers_first_utf16_unit():
    assert search.shard_of("控烟", 64) == ord("控") % 64
    assert search.shard_of("\U00020000x", 64) == 0xD840 % 64


def test_page_sections_leave_out_excluded_parts(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("""<html><head></head><body><article class="md-content__inner md-typeset">
      <h1 id="t">控烟限酒<a class="headerlink" href="#t">¶</a></h1><p>专题说明 &amp; 概要</p>
      <div class="provision" data-search-exclude><p>条文不进页面条目</p></div>
      <div class="compare"><section class="compare-col" id="city-a" data-plan="a">
      <p class="compare-city" role="heading" aria-level="2">衢州 2020</p><p class="col-summary">3 条</p>
      <p class="pv-path">第一章</p></section></div><p>专题尾注</p>
      <h2 id="more">更多<a class="headerlink" href="#more">¶</a></h2><p>其他<svg><text>图表</text></svg>内容</p>
      <script>var x = "脚本";</script></article></body></html>""", encoding="utf-8")
    title, docs = search.page_docs(page)
    assert title == "控烟限酒"
    assert [(d.anchor, d.title) for d in docs] == [("", "控烟限酒"), ("more", "更多")]
    assert docs[0].text == "专题说明 & 概要 专题尾注"  # a city column is left out, not what follows it
    assert docs[1].text == "其他内容"
    excluded = tmp_path / "source.html"
    excluded.write_text('<html><head><meta name="pc-search" content="exclude"></head><body>'
                        '<article class="md-content__inner"><h1>原文</h1><p>x</p></article></body></html>', encoding="utf-8")
    assert search.page_docs(excluded) is None


def test_page_urls_for_both_url_styles():
    assert search.page_url("index.html", True) == ""
    assert search.page_url("topics/diet/index.html", True) == "topics/diet/"
    assert search.page_url("topics/diet.html", False) == "topics/diet.html"


def test_the_real_synonyms_table_is_valid_and_only_uses_forms_from_the_sources():
    from policy_compare.links import to_simplified
    sources = {p.stem: p.read_text(encoding="utf-8") for p in (DATA / "sources").glob("*.txt")}
    groups = synonyms.load_synonyms(DATA, sources)
    assert ["drg", "drgs", "按疾病诊断相关分组", "按疾病相关诊断分组"] in groups
    simplified = [to_simplified(s) for s in sources.values()]
    for group in groups:
        for form in group:
            if search.HAN.search(form):
                assert any(form in s for s in simplified), form


def test_a_broken_synonyms_file_gives_one_line_per_problem(tmp_path):
    (tmp_path / "synonyms.yaml").write_text(
        "synonyms:\n"
        "- terms: [DRG, 按疾病诊断相关分组]\n"
        "- terms: [火星基地, 医联体]\n"
        "- terms: [drg, ' 医联体']\n"
        "- terms: [医联体]\n"
        "- words: [x]\n", encoding="utf-8")
    sources = {"a": "推进按疾病诊断相关分组付费，建设医联体。"}
    with pytest.raises(BuildFailed) as exc:
        synonyms.load_synonyms(tmp_path, sources)
    got = [str(p).split(": ", 1)[1] for p in exc.value.problems]
    assert got == [
        "synonyms[1].terms[0]: '火星基地' occurs in no source text in data/sources/; list only forms the plans use [synonym_not_in_sources]",
        "synonyms[1]: a group needs at least two valid forms [synonym_group]",
        "synonyms[2].terms[0]: 'drg' is already in synonyms[0]; a form belongs to one group [synonym_duplicate]",
        "synonyms[2].terms[1]: ' 医联体' is not a form (a non-empty string without surrounding spaces, at most 40 characters) [synonym_form]",
        "synonyms[2]: a group needs at least two valid forms [synonym_group]",
        "synonyms[3].terms[0]: '医联体' is already in synonyms[1]; a form belongs to one group [synonym_duplicate]",
        "synonyms[3]: a group needs at least two valid forms [synonym_group]",
        "synonyms[4]: a group is a mapping with 'terms' (a list) and an optional 'note' [synonyms_shape]",
    ]
    assert all(str(p).startswith(str(tmp_path.name)) or "synonyms.yaml:" in str(p) for p in exc.value.problems)
    assert [p.line for p in exc.value.problems][:2] == [3, 3]


def test_a_rewritten_index_keeps_the_files_that_did_not_change(tmp_path):
    """write_files again: an unchanged index leaves every file as it is (the same inode); a changed one gets
    a new version folder in which each unchanged file is a hard link to its last version (the offline zip
    then reuses its entry), the changed files are new, and the last version folder is gone."""
    folder = tmp_path / "search"
    meta, table, records = search.build_index(groups_fixture(), SYN)
    search.write_files(folder, meta, table, records)

    def files() -> dict[str, int]:
        return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.js")}

    first = files()
    search.write_files(folder, meta, table, records)
    assert files() == first
    changed = [row[:] for row in records]
    changed[0][2] = changed[0][2] + " 新增"  # one document's display text: its chunk only
    search.write_files(folder, meta, table, changed)
    second = files()
    old_v, new_v = {k.split("/")[0] for k in first} - {"meta.js"}, {k.split("/")[0] for k in second} - {"meta.js"}
    assert len(old_v) == len(new_v) == 1 and old_v != new_v
    (old,), (new,) = old_v, new_v
    same = [k for k in first if k.startswith(old + "/") and second.get(new + k[len(old):]) == first[k]]
    assert len(same) == len([k for k in first if k.startswith(old + "/")]) - 1  # all but the changed chunk
    assert second[f"{new}/d/0.js"] != first[f"{old}/d/0.js"]
    assert not (folder / old).exists() and not list(folder.glob(".*"))


def test_a_topic_pages_entry_leaves_its_city_columns_out(site):
    """On the real site, a topic page's own search entry is its heading and description: the city columns
    (each city's name, summary, plan title and provisions' headings) are found under their plans, not as
    one long page entry that every city name would match."""
    from policy_compare.pipeline import validate

    loaded, _ = validate(DATA)
    titles = [lp.plan.title for lp in loaded]
    page = site / "topics" / "tobacco-alcohol" / "index.html"
    assert "compare-col" in page.read_text(encoding="utf-8")
    _, docs = search.page_docs(page)
    assert docs and all(t not in d.text for d in docs for t in titles)
    assert not any("未涉及" in d.text for d in docs)


def test_synonym_forms_kept_between_builds_give_the_same_groups_and_problems(tmp_path):
    """load_synonyms with the forms each source held in an earlier build (search.prepare keeps them by the
    source's digest): the same groups; a source that changed is looked through again, so a form it no
    longer holds is reported."""
    from policy_compare.cache import Memo

    (tmp_path / "synonyms.yaml").write_text("synonyms:\n- terms: [DRG, 按疾病诊断相关分组]\n- terms: [医联体, 医疗联合体]\n",
                                            encoding="utf-8")
    sources = {"a": "推进按疾病诊断相关分组付费。", "b": "建设醫聯體（醫療聯合體）。"}
    memo = Memo()
    fresh = synonyms.load_synonyms(tmp_path, sources)
    assert synonyms.load_synonyms(tmp_path, sources, memo) == fresh == [["drg", "按疾病诊断相关分组"], ["医联体", "医疗联合体"]]
    assert memo.made == 2
    again = Memo()
    again.kept = memo.used
    assert synonyms.load_synonyms(tmp_path, sources, again) == fresh and again.made == 0
    with pytest.raises(BuildFailed) as exc:
        synonyms.load_synonyms(tmp_path, {**sources, "b": "建设医联体。"}, again)
    assert [p.code for p in exc.value.problems] == ["synonym_not_in_sources", "synonym_group"]


def test_group_terms_kept_between_builds_give_the_same_index():
    """build_index with each group's terms kept from an earlier build (as numbers, under the group's key):
    the same index as from nothing, again when read back, and after one group changed (a new key) and a
    group was added in the middle (every later document's number moves)."""
    from dataclasses import replace

    from policy_compare.cache import Memo

    def keyed(groups):
        return [replace(g, key=(g.url, tuple(d.text for d in g.docs))) for g in groups]

    groups = keyed(groups_fixture())
    memo = Memo()
    fresh = search.build_index(groups, SYN)
    assert search.build_index(groups, SYN, None, memo) == fresh
    again = Memo()
    again.kept = memo.used
    assert search.build_index(groups, SYN, None, again) == fresh and again.made == 1  # only the vocabulary
    changed = groups_fixture()
    changed[1].docs[1] = search.Doc("s1-p1", "一、控烟", "全面加强控烟宣传，推进健康城市建设。")
    changed.insert(1, search.Group("topics/x/", "专题", "page", [search.Doc("", "专题", "健康城市与控烟")]))
    changed = keyed(changed)
    later = Memo()
    later.kept = again.used
    assert search.build_index(changed, SYN, None, later) == search.build_index(changed, SYN)
    assert later.made == 3  # the vocabulary, the changed group and the new one
