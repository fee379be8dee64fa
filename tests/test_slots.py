"""Pre-rendered HTML blocks skip Python-Markdown and come back unchanged (policy_compare/slots.py)."""
from __future__ import annotations

import pytest

from policy_compare import slots
from policy_compare.sitebuild import run_mkdocs

BLOCK = '<!--pc-raw-->\n<div class="provision" id="p1">\n\n<p>*不是强调* [不是链接](x.md)</p>\n\n</div>\n<!--/pc-raw-->'


def test_adjacent_blocks_share_one_slot_and_nested_markers_stay_inside():
    text = f"# 标题\n\n{BLOCK}\n\n{BLOCK.replace('p1', 'p2')}\n\n## 小节\n\n<!--pc-raw-->\n<div>{BLOCK.replace('p1', 'p3')}</div>\n<!--/pc-raw-->\n"
    out, blocks = slots.extract(text)
    assert out.count("<!--pc-slot-") == 2 and len(blocks) == 2
    assert "## 小节" in out and "provision" not in out
    assert 'id="p1"' in blocks[0] and 'id="p2"' in blocks[0] and 'id="p3"' in blocks[1]
    assert "pc-raw" not in "".join(blocks)
    assert slots.anchor_ids(blocks) == {"p1", "p2", "p3"}
    assert slots.splice(out, blocks).count('class="provision"') == 3


@pytest.mark.parametrize("text", ["<!--pc-raw-->\n<div></div>\n", "<div></div>\n<!--/pc-raw-->\n"])
def test_unbalanced_markers_are_an_error(text):
    with pytest.raises(slots.Unbalanced):
        slots.extract(text)


def test_a_lost_slot_is_an_error():
    _, blocks = slots.extract(BLOCK)
    with pytest.raises(slots.Unbalanced):
        slots.splice("<p>nothing here</p>", blocks)


def test_mkdocs_build_keeps_the_block_verbatim_and_its_anchors_linkable(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 首页\n\n[到条文](page.md#p1)\n", encoding="utf-8")
    (docs / "page.md").write_text(f"# 页\n\n## 小节\n\n{BLOCK}\n\n[回到首页](index.md)\n", encoding="utf-8")
    run_mkdocs(docs, tmp_path / "site", nav=[{"首页": "index.md"}, {"页": "page.md"}])  # strict: an unknown anchor fails
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert '<p>*不是强调* [不是链接](x.md)</p>' in html  # passed through, not converted
    assert "pc-slot" not in html and "pc-raw" not in html
    assert 'href="../">回到首页' in html and 'id="p1"' in html  # Markdown around the block still converted
