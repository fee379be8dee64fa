"""Pre-rendered HTML blocks kept out of Python-Markdown, spliced back into the built page.

Most of a generated page is HTML that ``render.py`` already wrote in full (provisions, topic columns, the
city picker), with links that are the built pages' addresses (``routes.href``). Python-Markdown passes such
blocks through unchanged, but only after running ``html.parser`` over them and MkDocs' own anchor scan: at
300 plans that was most of MkDocs' time (bench/RESULTS.md). The templates mark each such block::

    <!--pc-raw-->
    <div class="provision" ...>...</div>
    <!--/pc-raw-->

:func:`extract` replaces every outermost marked block (a run of adjacent ones becomes one) by a short
comment, ``<!--pc-slot-N-->``; MkDocs converts what is left (headings, Markdown tables, admonitions: its TOC
and anchors come from these); :func:`splice` puts the blocks back into the converted HTML. The ids inside
the blocks are handed to MkDocs, so its anchor validation of Markdown links still sees them.

Outside this build (``build.py render``, a standalone folder for MkDocs or Zensical) the markers are plain
HTML comments and the blocks are passed through as raw HTML: the same page either way.
"""
from __future__ import annotations

import re

OPEN, CLOSE = "<!--pc-raw-->", "<!--/pc-raw-->"
_MARK = re.compile(r"<!--(/?)pc-raw-->")
_SLOT = re.compile(r"<!--pc-slot-(\d+)-->")
_ID = re.compile(r'\sid="([^"<>]*)"')


class Unbalanced(ValueError):
    pass


def extract(text: str) -> tuple[str, list[str]]:
    """``text`` with each outermost marked block replaced by a slot comment, and the blocks (markers
    removed) in slot order. Adjacent blocks (only whitespace between) share one slot."""
    spans: list[list[int]] = []
    depth, start = 0, 0
    for m in _MARK.finditer(text):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                raise Unbalanced(f"a closing {CLOSE} without its {OPEN} at character {m.start()}")
            if depth == 0:
                if spans and not text[spans[-1][1]:start].strip():
                    spans[-1][1] = m.end()
                else:
                    spans.append([start, m.end()])
    if depth:
        raise Unbalanced(f"an {OPEN} that is never closed (at character {start})")
    if not spans:
        return text, []
    out, blocks, pos = [], [], 0
    for i, (a, b) in enumerate(spans):
        out.append(text[pos:a])
        out.append(f"\n\n<!--pc-slot-{i}-->\n\n")
        blocks.append(_MARK.sub("", text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out), blocks


def splice(html: str, blocks: list[str]) -> str:
    """Put the blocks back where :func:`extract` left their slots."""
    if not blocks:
        return html
    found = set()

    def put(m: re.Match) -> str:
        i = int(m.group(1))
        found.add(i)
        return blocks[i]

    out = _SLOT.sub(put, html)
    if len(found) != len(blocks):
        missing = sorted(set(range(len(blocks))) - found)
        raise Unbalanced(f"slots {missing} were lost in the Markdown conversion")
    return out


def anchor_ids(blocks: list[str]) -> set[str]:
    return {m.group(1) for b in blocks for m in _ID.finditer(b)}


def plugin():
    """The MkDocs plugin doing both steps for every page of a build (added by ``sitebuild.run_mkdocs``)."""
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import BasePlugin

    class Slots(BasePlugin):
        def __init__(self) -> None:
            super().__init__()
            self.blocks: dict[str, list[str]] = {}

        def on_page_markdown(self, markdown, page, config, files):
            try:
                text, self.blocks[page.file.src_uri] = extract(markdown)
            except Unbalanced as exc:
                raise PluginError(f"{page.file.src_uri}: {exc}") from None
            return text

        def on_page_content(self, html, page, config, files):
            blocks = self.blocks.pop(page.file.src_uri, [])
            if page.present_anchor_ids is not None:
                page.present_anchor_ids |= anchor_ids(blocks)
            try:
                return splice(html, blocks)
            except Unbalanced as exc:
                raise PluginError(f"{page.file.src_uri}: {exc}") from None

    return Slots()
