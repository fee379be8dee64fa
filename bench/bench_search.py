"""Search index at scale: build time, sizes, and what a reader's first search transfers.

    python bench/bench_search.py [N ...] [--site SITE] [--queries 控烟,DRG,…]

For each N (default 5, 100, 300) it makes a corpus of N plans in-process from the five real plans (plan k is
real plan k mod 5 with a new ID and city name; each provision keeps a random 80% of its sentences in a shuffled
order, so texts vary rather than repeat), plus the real site's pages, and times ``search.build_index`` +
``search.write_files`` (jieba included; each N in a fresh process state is not needed: the texts differ).
It prints the number of documents, terms and shards, the total size, the largest and median shard and chunk
(raw and gzip), and meta.js.

With ``--site`` (a site built by ``build.py``) it then puts each synthetic index into a copy of that site and,
in headless Chromium, types each query into the search box of a topic page and sums the gzip size of every
search file the page requested (what a first search transfers from a host that compresses).
When ``bench/corpus.py`` (the scale benchmark's corpus generator) exists, prefer building its corpus with
``build.py`` and running this script on that site with N omitted.
"""
from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 呼和浩特 包头 乌海 赤峰 通辽 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛 长春 吉林 四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 七台河 牡丹江 黑河 绥化 南京 无锡 徐州 常州 苏州 南通 淮安 盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 舟山 台州".split()


def synthetic_groups(corpus, lang, pages, n: int, seed: int = 1):
    """The real site's non-plan pages plus n plans made from the real ones (see the module docstring)."""
    from policy_compare import search
    rng = random.Random(seed)
    groups = [g for g in pages if g.kind == "page"]
    by_plan = {}
    for ref in corpus.provisions:
        by_plan.setdefault(ref.plan.id, []).append(ref)
    real = [p for p in corpus.plans]
    for k in range(n):
        plan = real[k % len(real)]
        city = CITIES[k % len(CITIES)] + ("" if k < len(CITIES) else str(k // len(CITIES)))
        docs = []
        for ref in by_plan[plan.id]:
            d = search.provision_doc(ref, lang)
            sentences = [s for s in d.text.replace("；", "。").split("。") if s]
            if len(sentences) > 1 and k >= len(real):
                keep = rng.sample(sentences, max(1, round(len(sentences) * 0.8)))
                d.text = "。".join(keep) + "。"
            if k >= len(real):
                d.text = d.text.replace(plan.city.zh, city)
                d.index_title = f"{city} {plan.date_written.year}"
            docs.append(d)
        title = f"{city} {plan.date_written.year}：{plan.title}"
        groups.append(search.Group(f"plans/{plan.id}-s{k}/", title, "plan", [search.Doc("", title, "")] + docs))
    return groups


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def measure(folder: Path, written) -> dict:
    files = {rel: (folder / rel).read_bytes() for rel in written.files}
    shards = [gz(b) for r, b in files.items() if "/t/" in r]
    chunks = [gz(b) for r, b in files.items() if "/d/" in r]
    return {"files": len(files), "raw": sum(map(len, files.values())), "gz": sum(gz(b) for b in files.values()),
            "shard_max": max(shards), "shard_median": statistics.median(shards),
            "chunk_max": max(chunks), "chunk_median": statistics.median(chunks),
            "meta_gz": gz(files["meta.js"])}


def first_search(site: Path, queries: list[str]) -> dict[str, tuple[int, int]]:
    """query -> (search files requested, their gzip bytes) for a first search on a topic page."""
    from browser import chromium, served

    out = {}
    with served(site) as base, chromium() as browser:
        for q in queries:
            page = browser.new_page()
            urls: list[str] = []
            page.on("request", lambda r: urls.append(r.url))
            page.goto(base + "topics/tobacco-alcohol/", wait_until="networkidle")
            page.keyboard.press("s")
            page.fill("input.md-search__input", q)
            page.wait_for_function("q => document.getElementById('pc-search').getAttribute('data-done') === q", arg=q)
            page.wait_for_load_state("networkidle")
            files = [u[len(base):] for u in urls if u.startswith(base + "search/")]
            out[q] = (len(files), sum(gz((site / f).read_bytes()) for f in files))
            page.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="*", type=int, default=[5, 100, 300])
    ap.add_argument("--site", type=Path, help="a built site: also measure first searches in Chromium")
    ap.add_argument("--queries", default="控烟,麗水,家庭医生,DRG,健康,医保 基金")
    args = ap.parse_args()

    from policy_compare import compare, pipeline, search
    from policy_compare.i18n import ZH

    plans, _, catalogue = pipeline._checked(ROOT / "data", False)
    corpus = compare.build_corpus(plans, ROOT / "data", catalogue)
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    synonyms = search.prepare(corpus, ROOT / "data", tmp)
    pages = search.collect(args.site, corpus, ZH) if args.site else []
    search.terms_of("预热 jieba")  # load jieba's dictionary outside the timing
    for n in args.n:
        groups = synthetic_groups(corpus, ZH, pages, n)
        search.forget_terms()
        t0, c0 = time.perf_counter(), time.process_time()
        meta, table, records = search.build_index(groups, synonyms)
        t1, c1 = time.perf_counter(), time.process_time()
        written = search.write_files(tmp / f"n{n}" / "search", meta, table, records)
        t2 = time.perf_counter()
        m = measure(written.folder, written)
        print(f"N={n}: {written.docs} documents, {written.terms} terms, {written.shards} shards; "
              f"index {t1 - t0:.1f} s ({c1 - c0:.1f} s CPU) + write {t2 - t1:.1f} s; {m['files']} files, {m['raw'] / 1e6:.1f} MB raw, "
              f"{m['gz'] / 1e6:.2f} MB gzip; shard gzip median {m['shard_median'] / 1024:.1f} KB, max "
              f"{m['shard_max'] / 1024:.1f} KB; chunk gzip median {m['chunk_median'] / 1024:.1f} KB, max "
              f"{m['chunk_max'] / 1024:.1f} KB; meta.js {m['meta_gz'] / 1024:.1f} KB gzip")
        if args.site:
            site = tmp / f"site{n}"
            shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("search", "en", "downloads"))
            shutil.copytree(written.folder, site / "search")
            for q, (count, size) in first_search(site, args.queries.split(",")).items():
                print(f"    first search {q!r}: {count} files, {size / 1024:.0f} KB gzip")
            shutil.rmtree(site)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
