#!/usr/bin/env python3
"""Benchmark at scale: the build and the site for synthetic corpora of N plans (figures, never asserted).

    python bench/bench_scale.py [--sizes 5 100 300] [--runs 1] [--out bench/RESULTS.md]

For each N: makes the corpus (bench/corpus.py, seed 1; N = 5 is the real data), then
1. a full build from cold (no per-plan or catalogue cache, no kept workspace: docs and site folders, page,
   column, link, term and zip caches), in its own process: wall time, peak
   memory (the largest memory of the build's process tree, sampled, shared pages counted once: it forks
   a process per language), and the seconds of each stage as the pipeline records them (stages run in the language
   processes are summed over them; "languages" is their wall time);
2. a rebuild with nothing changed, a rebuild after one plan's text was edited (its summary line), and a
   rebuild after one provision's topics were edited (a topic added to, then taken from, the first provision
   with topics in the last plan: what cross-linking reads), three times in turn (each edit differs from the
   last): the median of each;
3. pages, site size, search index size (raw and gzip, Chinese root), offline zip size;
4. the first-visit transfer of the home page and of the largest topic page, in headless Chromium
   (/usr/bin/chromium via Playwright), from a local HTTP server on 127.0.0.1 that serves gzip to clients
   that accept it: the sum of every request's encoded body and headers;
5. the peer: plain ``mkdocs build`` of the same generated pages (``build.py render`` for each language, then
   ``python -m mkdocs build -f`` on the rendered folder), both languages, timed the same way; the ratio is
   the project's full build over the sum of the two plain builds.
Results are printed and written as a Markdown table.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from browser import Quiet  # noqa: E402

REBUILDS = 3  # rebuilds with nothing changed and after an edit, each: the median is reported

BUILD_ONE = """
import json, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from policy_compare import pipeline
pipeline.build(Path({data!r}), Path({out!r}))
json.dump({{"timings": pipeline.timings, "written": {{k: len(v) for k, v in pipeline.written.items()}}}},
          open({report!r}, "w"))
"""


def tree_rss_mb(pid: int) -> float:
    """Memory of a process and all its descendants now (MB): the sum of their proportional set sizes (Pss:
    a page shared after a fork counts once over the processes sharing it; RSS where Pss is not available)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            try:
                lines = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
                key = "Pss:"
            except OSError:
                lines, key = Path(f"/proc/{p}/status").read_text().splitlines(), "VmRSS:"
            for line in lines:
                if line.startswith(key):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


SAMPLE_EVERY = 1.0  # seconds between memory samples: one sample of a 1.5 GB process tree costs ~20-50 ms of
# a core (the kernel walks its page tables), which at 0.2 s took a fifth of a core from the build measured


def run(cmd: list[str], env=None, sample: bool = True) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one child process: the larger of its own peak RSS (wait4, which
    also covers its largest descendant) and the largest memory of its process tree (:func:`tree_rss_mb`),
    sampled every SAMPLE_EVERY s (the build forks one process per language). ``sample`` False: the tree is
    not sampled (rebuilds, whose wall time is what is reported)."""
    import threading

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        peak_tree = [0.0]
        done = threading.Event()

        def sampling() -> None:
            while not done.wait(SAMPLE_EVERY):
                peak_tree[0] = max(peak_tree[0], tree_rss_mb(proc.pid))

        sampler = threading.Thread(target=sampling, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        if sample:
            sampler.join()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{err.read().decode()[-2000:]}")
    return wall, max(usage.ru_maxrss / 1024, peak_tree[0])


def build(data: Path, out: Path, report: Path, sample: bool = True) -> tuple[float, float, dict]:
    code = BUILD_ONE.format(root=str(ROOT), data=str(data), out=str(out), report=str(report))
    wall, peak = run([sys.executable, "-c", code], sample=sample)
    return wall, peak, json.loads(report.read_text())


def peer(data: Path, tmp: Path) -> float:
    """Plain mkdocs build of the same rendered pages, both languages (render time not counted)."""
    total = 0.0
    for lang in ("zh", "en"):
        folder = tmp / f"peer-{lang}"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "render", "--lang", lang, "--data", str(data),
                        "--out", str(folder)], check=True, capture_output=True)
        wall, _ = run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml")])
        total += wall
    return total


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(gz(p.read_bytes()) for p in files)


class GzipHandler(Quiet):
    """Static files, gzip-encoded for clients that accept it (as GitHub Pages serves them)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        import io
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def first_visits(site: Path, paths: list[str]) -> dict[str, tuple[int, int]]:
    """Per page: (requests, bytes transferred: encoded bodies + headers) of a first visit in Chromium."""
    from browser import chromium, served

    out = {}
    with served(site, GzipHandler) as base, chromium() as browser:
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            finished: list = []
            page.on("requestfinished", lambda r: finished.append(r))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)
            sizes = [r.sizes() for r in finished]  # while the page is open
            out[path] = (len(sizes), sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes))
            context.close()
    return out


TOPIC_LIST = re.compile(r"^( +)topics:\n((?:\1- .+\n)+)", re.M)


def toggle_topic(text: str, topic: str) -> str:
    """The plan text with ``topic`` added to the first provision's topic list that lacks it, or taken out of
    the first that has it as an added last item (the edit made before)."""
    for m in TOPIC_LIST.finditer(text):
        indent, items = m.group(1), m.group(2)
        line = f"{indent}- {topic}\n"
        if items.endswith(line) and items != line:
            return text[:m.start(2)] + items[:-len(line)] + text[m.end(2):]
        if line not in items:
            return text[:m.end(2)] + line + text[m.end(2):]
    raise SystemExit("no provision with topics to edit")


def measure(n: int, tmp: Path, runs: int) -> dict:
    import corpus

    data = tmp / f"data-{n}"
    corpus.make(n, data, seed=1)
    out = tmp / f"site-{n}"
    from policy_compare import pipeline

    shutil.rmtree(ROOT / ".cache" / "plans", ignore_errors=True)
    shutil.rmtree(ROOT / ".cache" / "files", ignore_errors=True)
    shutil.rmtree(pipeline.workspace(data, out), ignore_errors=True)
    cold, peak, report = build(data, out, tmp / "report.json")
    edited = sorted((data / "plans").glob("*.yaml"))[-1]
    text = edited.read_text(encoding="utf-8")
    warms, edits, topic_edits = [], [], []
    current = text
    for i in range(REBUILDS):  # nothing changed, then each edit; the median of each
        warms.append(build(data, out, tmp / "report-warm.json", sample=False)[0])
        edited.write_text(current.replace("summary_en: ", f"summary_en: (edited {i}) ", 1), encoding="utf-8")
        edit, _, report_i = build(data, out, tmp / "report-edit.json", sample=False)
        edits.append((edit, report_i))
        current = toggle_topic(current, "fitness")
        edited.write_text(current, encoding="utf-8")
        edit, _, report_i = build(data, out, tmp / "report-topic.json", sample=False)
        topic_edits.append((edit, report_i))
    edited.write_text(text, encoding="utf-8")
    warm = sorted(warms)[len(warms) // 2]
    edit, edit_report = sorted(edits, key=lambda e: e[0])[len(edits) // 2]
    topic_edit, topic_report = sorted(topic_edits, key=lambda e: e[0])[len(topic_edits) // 2]
    peers = [peer(data, tmp) for _ in range(runs)]
    html = list(out.rglob("*.html"))
    site_raw = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    index = out / "search"
    index_raw, index_gz = folder_size(index) if index.exists() else (0, 0)
    topics = sorted((out / "topics").glob("*/index.html"), key=lambda p: p.stat().st_size)
    largest = f"topics/{topics[-1].parent.name}/"
    visits = first_visits(out, ["", largest, "en/", f"en/{largest}"])
    zip_path = out / "downloads" / "policy-compare-offline.zip"
    return {
        "plans": n, "cold": cold, "warm": warm, "edit": edit, "peak_mb": peak, "stages": report["timings"],
        "edit_written": edit_report["written"], "edit_stages": edit_report["timings"], "peer": min(peers), "pages": len(html),
        "topic_edit": topic_edit, "topic_edit_stages": topic_report["timings"], "topic_edit_written": topic_report["written"],
        "site_mb": site_raw / 2**20, "index_kb": (index_raw / 1024, index_gz / 1024),
        "zip_mb": zip_path.stat().st_size / 2**20 if zip_path.exists() else 0,
        "largest_topic": largest, "visits": {k: (r, b / 1024) for k, (r, b) in visits.items()},
    }


def table(results: list[dict]) -> str:
    rows = ["| plans | full build (cold) | rebuild, nothing changed | rebuild, one plan edited | rebuild, one provision's topics edited | plain mkdocs build, both languages | ratio | peak memory | pages | site | search index (zh, raw / gzip) | offline zip |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r['plans']} | {r['cold']:.1f} s | {r['warm']:.1f} s | {r['edit']:.1f} s | "
                    f"{r['topic_edit']:.1f} s ({sum(r['topic_edit_written'].values())} docs files) | {r['peer']:.1f} s | "
                    f"{r['cold'] / r['peer']:.2f} | {r['peak_mb']:.0f} MB | {r['pages']} | {r['site_mb']:.0f} MB | "
                    f"{r['index_kb'][0]:,.0f} / {r['index_kb'][1]:,.0f} KB | {r['zip_mb']:.0f} MB |")
    stages = sorted({k for r in results for k in r["stages"]})
    rows += ["", "Seconds per stage of the cold build (compute includes links):", "",
             "| plans | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
    for r in results:
        rows.append(f"| {r['plans']} | " + " | ".join(f"{r['stages'].get(s, 0):.1f}" for s in stages) + " |")
    stages = sorted({k for r in results for k in r.get("edit_stages", {})})
    rows += ["", "Seconds per stage of the rebuild after one plan's edit:", "",
             "| plans | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
    for r in results:
        rows.append(f"| {r['plans']} | " + " | ".join(f"{r.get('edit_stages', {}).get(s, 0):.1f}" for s in stages) + " |")
    stages = sorted({k for r in results for k in r.get("topic_edit_stages", {})})
    rows += ["", "Seconds per stage of the rebuild after one provision's topics were edited:", "",
             "| plans | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
    for r in results:
        rows.append(f"| {r['plans']} | " + " | ".join(f"{r.get('topic_edit_stages', {}).get(s, 0):.1f}" for s in stages) + " |")
    rows += ["", "First visit in Chromium, gzip-serving local server (requests, KB transferred):", "",
             "| plans | home | largest topic page | en home | en largest topic page |", "|---|---|---|---|---|"]
    for r in results:
        cells = [f"{q} req, {kb:,.0f} KB" for q, kb in r["visits"].values()]
        rows.append(f"| {r['plans']} ({r['largest_topic']}) | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 100, 300])
    ap.add_argument("--runs", type=int, default=1, help="plain mkdocs builds per size (the fastest is kept)")
    ap.add_argument("--out", type=Path, help="write the tables to this Markdown file")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in args.sizes:
            results.append(measure(n, Path(tmp), args.runs))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    text = table(results)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
