"""Readers per format: files generated here from the real source texts (GBK/BOM text, a saved
government page, a .docx with a table, a text-layer PDF with wrapped lines and a page break)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, run_build
from policy_compare import importer
from policy_compare.readers import ReadError, read

ORDOS = (DATA / "sources" / "ordos-2020.txt").read_text(encoding="utf-8").split("\n")
# the covering notice, title, first heading and first task of the real Ordos plan (lines 9-27)
PIECE = [line.strip() for line in ORDOS[8:27] if line.strip()]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_txt_encodings(tmp_path, encoding):
    text = "\n".join(PIECE) + "\n"
    path = tmp_path / "ordos-2020.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert read(path).text == text


def _page(tmp_path: Path) -> Path:
    from html import escape
    paras = "".join(f"<p>{escape(line)}</p>" for line in PIECE)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title>
<meta name="ArticleTitle" content="鄂尔多斯市人民政府办公室关于印发健康鄂尔多斯行动实施方案的通知">
<meta name="PubDate" content="2020-07-17 16:27"><script>var nav = "不是正文";</script><style>p{{}}</style></head><body>
<div class="top"><a href="/">首页</a> &gt; <a href="#">政府文件</a></div>
<ul class="nav"><li>首页</li><li>政务公开</li><li>办事服务</li></ul>
<table class="meta"><tr><td>索引号:</td><td>1115/2020-01</td><td>发布机构:</td><td>鄂尔多斯市人民政府办公室</td></tr>
<tr><td>成文日期:</td><td>2020-03-25</td><td>文号:</td><td>鄂府办发〔2020〕33号</td></tr></table>
<div class="main"><h1>鄂尔多斯市人民政府办公室关于印发健康鄂尔多斯行动实施方案的通知</h1>
<div class="info">发布时间:2020-07-17 16:27:00 【打印】 【关闭】</div>
<div id="zoom">{paras}</div></div>
<div class="footer"><p>主办单位:鄂尔多斯市人民政府办公室</p><p>网站标识码:1506000001</p></div></body></html>"""
    path = tmp_path / "ordos-2020.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_html_article_found_chrome_outside_and_metadata_read(tmp_path):
    src = read(_page(tmp_path))
    lines = src.lines
    assert "<" not in src.text and "不是正文" not in src.text
    assert src.meta["成文日期"] == "2020-03-25" and src.meta["文号"] == "鄂府办发〔2020〕33号"
    first, last = src.body
    assert lines[first - 1] == PIECE[0] and lines[last - 1] == PIECE[-1]
    plan = importer.draft(src, "ordos-2020", DATA, "sources/ordos-2020.txt").plan
    assert plan["doc_number"] == "鄂府办发〔2020〕33号" and plan["date_written"] == "2020-03-25"
    assert plan["date_published"] == "2020-07-17" and plan["issuer"] == ["鄂尔多斯市人民政府办公室"]
    first, last = plan["source"]["body_lines"]
    outside = [line for n, line in enumerate(lines, 1) if line and not first <= n <= last]
    assert "网站标识码:1506000001" in outside and "政务公开" in outside
    heads = [s["heading"] for s in importer.walk(plan["sections"])]
    assert heads[:3] == ["健康鄂尔多斯行动实施方案", "一、工作原则", "(一)普及健康知识、提升健康素养。"]
    assert plan["defects"][0]["kind"] == "page_chrome"


def test_html_page_in_gbk(tmp_path):
    path = _page(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    assert PIECE[1] in read(path).text


def test_html_table_merged_cells_keep_the_grid(tmp_path):
    """A 领域 cell spanning two rows (rowspan) and a header spanning two columns (colspan) are written once,
    with "" in the grid cells they cover, so every row keeps its columns (as the .docx reader does)."""
    table = ("<table><tr><th>领域</th><th>序号</th><th>主要指标</th><th>单位</th><th colspan=2>目标值</th><th>性质</th></tr>"
             "<tr><td></td><td></td><td></td><td></td><td>2020年</td><td>2025年</td><td></td></tr>"
             "<tr><td rowspan='2'>健康水平</td><td>1</td><td>人均预期寿命</td><td>岁</td><td>77.6</td><td>80.00</td><td>预期性</td></tr>"
             "<tr><td>2</td><td>婴儿死亡率</td><td>‰</td><td>3.69</td><td>3.60</td><td>预期性</td></tr></table>")
    paras = "".join(f"<p>{line}</p>" for line in PIECE[:6])
    path = tmp_path / "city-2021.html"
    path.write_text(f'<html><head><meta charset="utf-8"></head><body><div>{paras}<p>“十四五”主要发展指标</p>{table}'
                    f"<p>{PIECE[6]}</p></div></body></html>", encoding="utf-8")
    lines = read(path).lines
    assert "领域\t序号\t主要指标\t单位\t目标值\t\t性质" in lines
    assert "\t2\t婴儿死亡率\t‰\t3.69\t3.60\t预期性" in lines
    plan = importer.draft(read(path), "city-2021", DATA, "sources/city-2021.txt").plan
    prov = next(p for s in importer.walk(plan["sections"]) for p in s["provisions"] if p.get("table"))
    assert all(len(row) == 7 for row in prov["table"])
    got = {(t["indicator"], t["year"], t["kind"], t["value"]) for t in prov["targets"]}
    assert got == {("人均预期寿命", 2020, "baseline", 77.6), ("人均预期寿命", 2025, "target", 80.0),
                   ("婴儿死亡率", 2020, "baseline", 3.69), ("婴儿死亡率", 2025, "target", 3.6)}


def test_docx_paragraphs_and_table_rows(tmp_path):
    import docx
    doc = docx.Document()
    for line in PIECE[:6]:
        doc.add_paragraph(line)
    doc.add_paragraph("“十四五”主要发展指标")
    rows = [["领域", "序号", "主要指标", "单位", "2020年", "2025年", "性质"],
            ["健康水平", "1", "人均预期寿命", "岁", "77.6", "80.00", "预期性"],
            ["", "2", "婴儿死亡率", "‰", "3.69", "3.60", "预期性"]]
    table = doc.add_table(rows=3, cols=7)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    table.cell(1, 0).merge(table.cell(2, 0))  # 领域 spans two rows
    doc.add_paragraph(PIECE[6])
    path = tmp_path / "city-2021.docx"
    doc.save(str(path))
    src = read(path)
    assert src.lines[:6] == PIECE[:6]
    assert "健康水平\t1\t人均预期寿命\t岁\t77.6\t80.00\t预期性" in src.lines
    assert "\t2\t婴儿死亡率\t‰\t3.69\t3.60\t预期性" in src.lines  # the merged cell is written once
    plan = importer.draft(src, "city-2021", DATA, "sources/city-2021.txt").plan
    prov = next(p for s in importer.walk(plan["sections"]) for p in s["provisions"] if p.get("table"))
    assert prov["text"] == "“十四五”主要发展指标" and len(prov["table"]) == 3
    got = {(t["indicator"], t["year"], t["kind"], t["value"], t["unit"]) for t in prov["targets"]}
    assert ("婴儿死亡率", 2025, "target", 3.6, "‰") in got and ("人均预期寿命", 2020, "baseline", 77.6, "岁") in got


def _pdf(path: Path, paragraphs: list[str], per_line=30, lines_per_page=12, encrypt=None, indent=False):
    """Paragraphs wrapped every ``per_line`` characters; with ``indent``, each paragraph's first line is
    indented by two characters (and holds two fewer), as in an official document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    y, n, page = 800, 0, 1
    for para in paragraphs:
        if para == "\f":  # a page break
            n = lines_per_page
            continue
        first = per_line - 2 if indent else per_line
        pieces = [para[:first]] + [para[k:k + per_line] for k in range(first, len(para), per_line)]
        for k, piece in enumerate(pieces):
            if n == lines_per_page:
                c.drawString(290, 40, str(page))  # page number
                c.showPage()
                y, n, page = 800, 0, page + 1
            c.setFont("STSong-Light", 12)
            c.drawString(84 if indent and k == 0 else 60, y, piece)
            y -= 18
            n += 1
    c.save()


def test_pdf_lines_rejoined_across_wraps_and_page_breaks(tmp_path):
    path = tmp_path / "ordos-2020.pdf"
    _pdf(path, PIECE)
    src = read(path)
    assert src.lines[:len(PIECE)] == PIECE and src.dropped >= 1


def test_pdf_indented_paragraphs_rejoined_after_a_sentence_end(tmp_path):
    """A line that fills the measure and ends with 。 still wraps when paragraphs are indented: the
    responsibility "(市卫生健康委)" on the next line belongs to the same paragraph."""
    wrapped = "加强健康教育" * 4 + "再推进。" + "(市卫生健康委)实施健康知识普及行动。"  # 28 characters fill the first line
    paras = PIECE[:8] + [wrapped] + PIECE[8:]
    path = tmp_path / "ordos-2020.pdf"
    _pdf(path, paras, indent=True)
    assert read(path).lines[:len(paras)] == paras


def test_pdf_list_on_its_own_page_keeps_its_lines(tmp_path):
    """The right margin is the document's: on a page holding only a list of names, the longer names do not
    'reach the margin' and swallow the next line."""
    members = ["王桂珍 市直属机关工作委员会副书记", "武再厚 市发展和改革委员会副主任", "康富 市教育体育局副局长",
               "石宇军 市人力资源和社会保障局副局长", "丁玉厚 市自然资源局副局长", "刘书文 团市委副书记"]
    paras = PIECE[:12]
    path = tmp_path / "ordos-2020.pdf"
    _pdf(path, paras + ["\f", "附件3"] + members, lines_per_page=40)
    assert [line for line in read(path).lines if line][-len(members):] == members


def test_pdf_without_text_layer_and_encrypted(tmp_path):
    from reportlab.pdfgen import canvas
    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    c.rect(50, 50, 400, 600, fill=1)  # an image-like page, no text
    c.save()
    with pytest.raises(ReadError, match="no text layer"):
        read(scan)
    locked = tmp_path / "locked.pdf"
    _pdf(locked, PIECE[:2], encrypt="secret")
    proc = run_build("import", str(locked), "--id", "x-2020")
    assert proc.returncode == 1 and "encrypted" in proc.stderr and "Traceback" not in proc.stderr


def test_a_plan_on_one_line_is_split_before_its_headings(tmp_path):
    body = [line.strip() for line in ORDOS[13:40] if line.strip()]
    path = tmp_path / "ordos-2020.txt"
    path.write_text("".join(body), encoding="utf-8")
    src = read(path)
    assert "一、工作原则" in src.lines and "(一)实施健康知识普及行动" not in src.text.split("\n")[0]
    plan = importer.draft(src, "ordos-2020", DATA, "sources/ordos-2020.txt").plan
    heads = [s["heading"] for s in importer.walk(plan["sections"])]
    assert "一、工作原则" in heads and "三、工作任务" in heads and "(二)加强自我管理、享受健康生活。" in heads and any("line breaks added" in r for r in plan["review"])


def test_write_keeps_the_original_beside_the_canonical_text(tmp_path):
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    text = "\n".join(PIECE) + "\n"
    src = data / "sources" / "ordos-2020.txt"
    src.write_bytes(text.encode("gbk"))  # a GBK file imported in place
    d = importer.make_draft(src, None, DATA)
    written = importer.write(d, src, data)
    assert (data / "sources" / "ordos-2020.original.txt").read_bytes() == text.encode("gbk")
    assert src.read_text(encoding="utf-8") == text and data / "plans" / "ordos-2020.yaml" in written
