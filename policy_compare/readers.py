"""Readers: turn a published plan file into the canonical source text (``data/sources/<id>.txt``).

One reader per format, chosen by the file's extension (as Pelican's ``Readers`` does):

- ``.txt``  UTF-8 (with or without BOM) or GB18030/GBK text, line endings normalised;
- ``.html`` / ``.htm``  a saved government page: every visible block of the page becomes a line, the
  article body is found (the element holding most of the page's running Chinese text) and its line
  range is returned as ``body``, so the page chrome around it stays in the text (fidelity) but outside
  the document body; the page's metadata table (索引号, 发布机构, 成文日期, 文号 …) and its ``<meta>``
  tags are returned as ``meta``;
- ``.docx``  paragraphs in order, each table row on one line with its cells separated by a tab;
- ``.pdf``  the text layer, with lines wrapped at the right margin joined again (also across page
  breaks; where paragraphs start with an indent, as official documents do, a full line ending with 。 is
  joined too) and page-number lines dropped; a PDF without a text layer (a scan) is refused with a message.

Each reader returns a :class:`SourceText`; problems raise :class:`ReadError` with a one-line message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CELL_SEP = "\t"  # table cells of one row, on one line


class ReadError(Exception):
    """A file the importer cannot read; the message is one line, for the user."""


@dataclass
class SourceText:
    text: str
    fmt: str
    meta: dict[str, str] = field(default_factory=dict)
    body: tuple[int, int] | None = None  # 1-based line range of the article, when the reader knows it
    dropped: int = 0                     # lines the reader left out (page numbers of a PDF)
    notes: list[str] = field(default_factory=list)  # what the reader changed, for the draft's review list

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _clean(lines: list[str]) -> str:
    """Join lines; no trailing white space, at most one blank line in a row."""
    out: list[str] = []
    for line in lines:
        line = line.replace("\u00a0", " ").replace("\u3000", " ").rstrip()
        if line.strip() or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- text

def decode(raw: bytes, name: str) -> str:
    """UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ReadError(f"{name}: not a text file in UTF-8 or GB18030/GBK (save it as UTF-8 text, or import the .html/.docx/.pdf)")


LONG_LINE = 1500
BREAK_BEFORE = re.compile(r"(?<=[。；;:：！？])\s*(?=第[一二三四五六七八九十百]+[章节部分]|[一二三四五六七八九十]+、|\d{1,2}[.．、]\D|附件\s*\d)"
                          r"|\s*(?=[（(][一二三四五六七八九十]+[）)])|\s{2,}(?=\S)")  # "(一)" never occurs inside a sentence


def split_long_lines(text: str) -> tuple[str, int]:
    """A document saved as one long line (copied from a page without its paragraph breaks): break it
    before each numbered heading that follows a sentence end, and at runs of spaces. Only white space
    changes, so every text stays verbatim."""
    out, n = [], 0
    for line in text.split("\n"):
        if len(line) > LONG_LINE:
            parts = [p.strip() for p in BREAK_BEFORE.split(line) if p.strip()]
            n += len(parts) - 1
            out.extend(parts)
        else:
            out.append(line)
    return "\n".join(out), n


def read_txt(path: Path) -> SourceText:
    text = decode(path.read_bytes(), path.name)
    text, breaks = split_long_lines(text)  # otherwise unchanged apart from the encoding and line endings
    notes = [f"source text: {breaks} line breaks added to very long lines, before numbered headings (white space only)"] if breaks else []
    return SourceText(text, "txt", notes=notes)


# ---------------------------------------------------------------- html

BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
         "ul", "ol", "dl", "dt", "dd", "header", "footer", "nav", "form", "blockquote", "pre", "hr", "center"}
META_LABELS = ("索引号", "索引號", "发布机构", "發布機構", "成文日期", "发文日期", "发布日期", "發布日期", "文号", "文號",
               "文件编号", "文件編號", "发文字号", "发文机关", "发文机构", "标题", "名称", "主题分类", "公开方式", "有效性")
META_TAGS = {"ArticleTitle": "标题", "PubDate": "发布日期", "ContentSource": "发布机构"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _html_lines(root) -> tuple[list[str], dict[int, int]]:
    """Visible text of the tree, one line per block; table rows become tab-separated cells.
    Returns the lines and, for every element (by id()), the index of its first line."""
    from bs4 import NavigableString, Tag, Comment

    lines, current, starts = [], [], {}
    spans: dict[int, dict[int, int]] = {}  # per table: column -> rows a rowspan cell still covers

    def flush():
        text = "".join(current).strip()
        current.clear()
        if text:
            lines.append(text)

    def walk(node):
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                current.append(re.sub(r"\s+", " ", str(child)))
                continue
            if not isinstance(child, Tag) or child.name in ("script", "style", "noscript", "template", "head"):
                continue
            if child.name == "tr":
                flush()
                starts[id(child)] = len(lines)
                cells = _row_cells(child, spans.setdefault(id(child.find_parent("table")), {}))
                if any(cells):
                    lines.append(CELL_SEP.join(cells) if len(cells) > 1 else cells[0])
                continue
            if child.name in BLOCK:
                flush()
            starts[id(child)] = len(lines)
            walk(child)
            if child.name in BLOCK:
                flush()
    walk(root)
    flush()
    return lines, starts


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, 1)).strip() or 1), 50))
    except ValueError:
        return 1


def _row_cells(tr, pending: dict[int, int]) -> list[str]:
    """The cells of one table row on the table's grid: a cell merged over several rows (rowspan) or
    columns (colspan) is written once, and "" stands in the grid cells it covers, as the .docx reader
    does (CURATION.md: 'put "" in the row where the source has no cell')."""
    cells: list[str] = []

    def covered():
        while pending.get(len(cells), 0) > 0:
            pending[len(cells)] -= 1
            cells.append("")

    for cell in tr.find_all(["td", "th"], recursive=False):
        covered()
        col = len(cells)
        cells.append(re.sub(r"\s+", " ", cell.get_text(" ")).strip())
        cells.extend([""] * (_span(cell, "colspan") - 1))
        if _span(cell, "rowspan") > 1:
            for k in range(col, len(cells)):
                pending[k] = _span(cell, "rowspan") - 1
    covered()
    while any(v > 0 for k, v in pending.items() if k >= len(cells)):  # spans past the row's last cell
        cells.append("")
        covered()
    return cells


def _article(soup):
    """The element holding the article: the smallest block that holds most of the page's Chinese text
    in paragraphs (a density rule rather than a list of site-specific class names)."""
    body = soup.body or soup
    total = len(CJK.findall(body.get_text()))
    best = body
    for tag in body.find_all(["div", "article", "section", "td", "main"]):
        n = len(CJK.findall(tag.get_text()))
        if n >= 0.6 * total and len(CJK.findall(best.get_text())) > n:
            best = tag
    return best


def _meta_from_lines(lines: list[str]) -> dict[str, str]:
    """'索引号:\tX\t发布机构:\tY' (label and value in neighbouring cells) or '索引号: X' in one cell."""
    meta = {}
    label = rf"\s*({'|'.join(META_LABELS)})\s*[:：]?\s*"
    for line in lines[:80]:
        cells = re.split(r"\t| {2,}", line)
        for k, cell in enumerate(cells):
            alone = re.fullmatch(label, cell)
            m = alone or re.match(label + r"(\S.*)$", cell)
            if not m or m.group(1) in meta:
                continue
            value = (cells[k + 1] if k + 1 < len(cells) else "") if alone else m.group(2)
            if value.strip() and not re.fullmatch(label, value):
                meta[m.group(1)] = value.strip()
    return meta


def read_html(path: Path) -> SourceText:
    from bs4 import BeautifulSoup
    raw = path.read_bytes()
    head = raw[:2000].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_-]+)", head)
    try:
        html = raw.decode(m.group(1)) if m else decode(raw, path.name)
    except (LookupError, UnicodeDecodeError):
        html = decode(raw, path.name)
    soup = BeautifulSoup(html, "lxml")
    meta = {META_TAGS[t["name"]]: t.get("content", "").strip() for t in soup.find_all("meta")
            if t.get("name") in META_TAGS and t.get("content", "").strip()}
    article = _article(soup)
    lines, starts = _html_lines(soup.body or soup)
    if not lines:
        raise ReadError(f"{path.name}: the page has no visible text")
    first = starts.get(id(article), 0)
    n_article = len(_html_lines(article)[0])
    for key, value in _meta_from_lines(lines).items():
        meta.setdefault(key, value)
    text = "\n".join(lines) + "\n"
    body = (first + 1, max(first + n_article, first + 1)) if article is not (soup.body or soup) else None
    return SourceText(text, "html", meta, body)


# ---------------------------------------------------------------- docx

def read_docx(path: Path) -> SourceText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged or non-docx file
        raise ReadError(f"{path.name}: not a readable .docx file ({type(exc).__name__})") from None
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            seen: list = []  # the cell elements written so far (kept alive, so identity is reliable)
            for row in Table(block, document).rows:
                cells = []
                for cell in row.cells:  # a merged cell is returned once per grid cell it spans: write it once
                    tc = cell._tc
                    cells.append("" if any(tc is x for x in seen) else cell.text.replace("\n", " ").strip())
                    seen.append(tc)
                if any(cells):
                    lines.append(CELL_SEP.join(cells))
            lines.append("")
    if not any(line.strip() for line in lines):
        raise ReadError(f"{path.name}: the document has no text")
    return SourceText(_clean(lines), "docx")


# ---------------------------------------------------------------- pdf

PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*/\s*\d{1,3})?(?:\s*[-—–])?\s*$")
OPENS_ITEM = re.compile(r"^\s*(?:第[一二三四五六七八九十百]+[章节部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、]\D|附件|[—-]{2})")
ENDS_LINE = "。；;！？!?"  # a full-width line ending with a colon still wraps ("(牵头部门:" / "市卫生健康委…)")


def _pdf_lines(pdf) -> tuple[list[tuple[str, bool, bool]], int]:
    """(text, reaches the right margin, indented) for each text line of every page, page numbers dropped.
    The margins are the document's (its text block keeps one measure on every page, so a page holding
    only a short list does not get a narrow one). Indented: starts at least 1.5 characters right of the
    left margin (official documents indent each paragraph's first line by two characters, GB/T 9704)."""
    rows, dropped = [], 0
    for page in pdf.pages:
        found = page.extract_text_lines(layout=False, strip=True) or []
        text_rows = [r for r in found if not PAGE_NUMBER.match(r["text"])]
        dropped += len(found) - len(text_rows)
        rows += text_rows
    if not rows:
        return [], dropped
    x0s, x1s = sorted(r["x0"] for r in rows), sorted(r["x1"] for r in rows)
    left, right = x0s[len(x0s) // 20], x1s[min(len(x1s) - 1, len(x1s) * 19 // 20)]
    out = []
    for r in rows:  # digits and punctuation are narrower, so a full line may end well short of the margin
        size = next((c.get("size") for c in r.get("chars", []) if c.get("size")), None) or (r["bottom"] - r["top"]) or 10
        out.append((r["text"], r["x1"] >= left + 0.75 * (right - left), r["x0"] - left >= 1.5 * size))
    return out, dropped


def _uses_indent(rows: list[tuple[str, bool, bool]]) -> bool:
    """Whether paragraphs are marked by a first-line indent: most lines that follow a sentence end and do
    not reach the margin's end are indented, and some lines are."""
    after_end = [rows[k + 1][2] for k in range(len(rows) - 1) if rows[k][0].endswith(tuple(ENDS_LINE)) and not rows[k][1]]
    return sum(r[2] for r in rows) >= 3 and len(after_end) >= 3 and sum(after_end) >= 0.6 * len(after_end)


def read_pdf(path: Path) -> SourceText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    try:
        with pdfplumber.open(str(path)) as pdf:
            rows, dropped = _pdf_lines(pdf)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file; pdfplumber wraps them
        if isinstance(exc, ReadError):
            raise
        if isinstance(exc, PDFPasswordIncorrect) or any(isinstance(a, PDFPasswordIncorrect) for a in exc.args):
            raise ReadError(f"{path.name}: the PDF is encrypted; save an unprotected copy first") from None
        raise ReadError(f"{path.name}: not a readable PDF ({type(exc).__name__})") from None
    if not rows:
        raise ReadError(f"{path.name}: the PDF has no text layer (a scanned image?); run OCR first or import the .docx/.html version")
    indent = _uses_indent(rows)
    lines: list[str] = []
    joining = False
    for text, full, indented in rows:
        if joining and lines and not OPENS_ITEM.match(text) and not (indent and indented):
            lines[-1] += text
        else:
            lines.append(text)
        # a line that runs to the right margin wraps onto the next, unless it ends a sentence; where paragraphs
        # are indented, a full line wraps even after a sentence end ("…建设。" / "(市卫生健康委)") and an
        # indented line always starts a paragraph
        joining = full and (indent or not lines[-1].endswith(tuple(ENDS_LINE)))
    return SourceText(_clean(lines), "pdf", dropped=dropped)


READERS = {".txt": read_txt, ".text": read_txt, ".html": read_html, ".htm": read_html, ".shtml": read_html,
           ".docx": read_docx, ".pdf": read_pdf}


def read(path: Path) -> SourceText:
    """Read ``path`` with the reader for its extension."""
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ReadError(f"{path.name}: old Word .doc files are not read; save it as .docx (Word or LibreOffice: Save as) and import that")
    reader = READERS.get(suffix)
    if reader is None:
        raise ReadError(f"{path.name}: unknown file type '{suffix}'; the importer reads {', '.join(sorted(READERS))}")
    return reader(path)
