"""MkDocs runs strict: a broken generated link or anchor fails the build instead of shipping."""
from __future__ import annotations

from pathlib import Path

import pytest

from policy_compare.problems import BuildFailed
from policy_compare.sitebuild import run_mkdocs


def make_docs(tmp: Path, body: str) -> Path:
    docs = tmp / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "extra.css").write_text("", encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n\n## 目标 {#goal}\n", encoding="utf-8")
    (docs / "page.md").write_text(body, encoding="utf-8")
    return docs


@pytest.mark.parametrize("body,fragment", [
    ("# 页\n\n[坏链接](nowhere.md)\n", "nowhere.md"),
    ("# 页\n\n[坏锚点](index.md#no-such-anchor)\n", "no-such-anchor"),
])
def test_broken_link_or_anchor_fails_the_build(tmp_path: Path, body, fragment):
    docs = make_docs(tmp_path, body)
    with pytest.raises(BuildFailed) as failed:
        run_mkdocs(docs, tmp_path / "site", nav=[{"首页": "index.md"}, {"页": "page.md"}])
    assert any(fragment in str(p) for p in failed.value.problems)


def test_good_links_build(tmp_path: Path):
    docs = make_docs(tmp_path, "# 页\n\n[好](index.md#goal)\n")
    run_mkdocs(docs, tmp_path / "site", nav=[{"首页": "index.md"}, {"页": "page.md"}])
    assert (tmp_path / "site" / "page" / "index.html").exists()
