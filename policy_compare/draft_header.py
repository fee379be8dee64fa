"""Document header and body range for the importer (:mod:`policy_compare.importer`).

1. chrome: page furniture recognised line by line (breadcrumbs, 发布时间, 字号, 打印, 分享, the metadata
   block); the body runs from the first line that is not chrome to the last one;
2. skipped: inside the body, chrome, the document number, signature and date lines, "(此件公开发布)",
   attachment file names and attachment lists, each with its reason;
3. header: title (the last title-like line before the first heading), 文号, issuer (the signature of the
   covering notice, else the notice title, else 发布机构), dates (成文日期, else the signed date; 发布日期),
   kind and period from the title; what cannot be read is the placeholder 待核, named in the review list.
"""
from __future__ import annotations

import re
from datetime import date

CHROME = re.compile(
    r"^(?:当前位置|當前位置|您当前的位置|您現在的位置|您现在的位置|您的位置|首页\s*[>/》]|首頁|>>|发布时间|發布時間|发布日期|發布日期|"
    r"信息来源|信息來源|来源[:：]|浏览次数|瀏覽次數|阅读次数|访问量|字号|字體|字体|【|\[|打印|分享|扫一扫|掃一掃|关闭|關閉|"
    r"收藏|相关链接|相關鏈接|责任编辑|責任編輯|主办单位|主辦單位|版权所有|網站標識|网站标识码|技术支持|上一篇|下一篇|•|·|"
    r"\S{0,20}官方(?:微信|微博)|返回顶部|【\s*】|政务服务|无障碍|English\b)")
META_LINE = re.compile(r"(?:索引号|索引號|发布机构|發布機構|成文日期|文件编号|文件編號|组配分类|組配分類|公开方式|公開方式|有效性|统一编号|主题分类)")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]")
DATE_CN = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
ORG_LINE = re.compile(r"^\s*[\u4e00-\u9fff“”]{2,30}(?:人民政府|办公室|辦公室|委员会|委員會|市委|县委|区委|政府|办公厅|辦公廳|局|厅|廳|委)\s*$")
PUBLISH_NOTE = re.compile(r"^\s*[（(]此件.{0,20}[)）]\s*$")
KIND_WORDS = [("实施意见", "实施意见"), ("實施意見", "实施意见"), ("意见", "实施意见"), ("意見", "实施意见"), ("行动方案", "行动方案"),
              ("行動方案", "行动方案"), ("方案", "实施方案"), ("行动计划", "行动计划"), ("行動計劃", "行动计划"), ("计划", "行动计划"),
              ("計劃", "行动计划"), ("工作要点", "工作要点"), ("工作要點", "工作要点"), ("要点", "工作要点"), ("要點", "工作要点"),
              ("规划", "发展规划"), ("規劃", "发展规划"), ("纲要", "发展规划"), ("綱要", "发展规划")]
TITLE_WORDS = re.compile(r"(?:方案|规划|規劃|意见|意見|计划|計劃|要点|要點|纲要|綱要|办法|辦法|措施|通知)[”」》]?\s*$")
FIVE_YEAR = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
PLACEHOLDER = "待核"  # a visible, valid placeholder; every use is listed in the draft's review list


# ---------------------------------------------------------------- body and skipped lines

def is_chrome(s: str) -> bool:
    return bool(CHROME.match(s)) or (bool(META_LINE.search(s)) and len(s) < 160 and not s.endswith("。"))


def find_body(lines: list[str], hint: tuple[int, int] | None) -> tuple[int, int]:
    """First and last line of the document body (1-based)."""
    n = len(lines)
    nonblank = [i for i in range(1, n + 1) if lines[i - 1].strip()]
    lo, hi = hint or (1, n)
    inside = [i for i in nonblank if lo <= i <= hi and not is_chrome(lines[i - 1].strip())]
    if not inside:
        return (nonblank[0], nonblank[-1]) if nonblank else (1, 1)
    return inside[0], inside[-1]


def skipped_lines(lines: list[str], first: int, last: int) -> dict[int, str]:
    """Lines inside the body not encoded, with the reason (contiguous lines are merged later)."""
    skip: dict[int, str] = {}
    nb = [i for i in range(first, last + 1) if lines[i - 1].strip()]
    for k, i in enumerate(nb):
        s = lines[i - 1].strip()
        nxt = lines[nb[k + 1] - 1].strip() if k + 1 < len(nb) else ""
        if is_chrome(s):
            skip[i] = "page chrome (publication time, font size, print or share links)"
        elif DOC_NUMBER.fullmatch(s):
            skip[i] = "document number (recorded in doc_number)"
        elif DATE_CN.match(s):
            skip[i] = "signature and date (recorded in issuer and date_written)"
        elif ORG_LINE.match(s) and (DATE_CN.match(nxt) or ORG_LINE.match(nxt)) and "、" not in s:
            skip[i] = "signature and date (recorded in issuer and date_written)"
        elif PUBLISH_NOTE.match(s):
            skip[i] = "publication note"
        elif re.match(r"^附件\s*[:：]?\s*.*\.(?:docx?|xlsx?|pdf|wps|et|zip|rar)\s*$", s, re.I):
            skip[i] = "attachment file name"
        elif re.match(r"^附件\s*[:：]\s*1[.．、]", s):
            skip[i] = "list of attachment names"
            for j in nb[k + 1:]:
                if re.match(r"^\d{1,2}[.．、]", lines[j - 1].strip()) and len(lines[j - 1].strip()) < 60:
                    skip[j] = "list of attachment names"
                else:
                    break
    return skip


def merge_ranges(skip: dict[int, str], lines: list[str]) -> list[dict]:
    out: list[dict] = []
    for i in sorted(skip):
        prev = out[-1] if out else None
        gap = prev and all(not lines[j - 1].strip() for j in range(prev["lines"][1] + 1, i))
        if prev and gap and prev["reason"] == skip[i]:
            prev["lines"][1] = i
        else:
            out.append({"lines": [i, i], "reason": skip[i]})
    return out


# ---------------------------------------------------------------- header

def iso(text: str | None) -> str | None:
    m = DATE_ISO.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def header_meta(lines: list[str], meta: dict[str, str], upto: int) -> dict[str, str]:
    """Label: value pairs of the page's metadata block ('索引号: X 成文日期: Y', '索引號 X 文號 Y')."""
    found = dict(meta)
    labels = r"索引号|索引號|发布机构|發布機構|成文日期|发文日期|文件编号|文件編號|文号|文號|发文字号|发布日期|發布日期|发布时间|發布時間|组配分类|組配分類|公开方式|公開方式|有效性|统一编号"
    for line in lines[:upto]:
        for m in re.finditer(rf"({labels})\s*[:：]?\s*(.*?)(?=\s+(?:{labels})|$)", line.strip()):
            if m.group(2).strip():
                found.setdefault(m.group(1), m.group(2).strip())
    return found


def title_line(lines: list[str], first: int, stop: int, skip: dict) -> int | None:
    """The plan's title as printed in the body: the last short title-like line before the first heading."""
    best = None
    for i in range(first, stop):
        s = lines[i - 1].strip()
        if s and i not in skip and len(s) <= 70 and TITLE_WORDS.search(s) and not s.endswith(("。", ":", "：")):
            best = i
    return best


def read_header(lines, meta, body, skip, title_no, targets_years, plan_id, review) -> dict:
    first, _ = body
    head = header_meta(lines, meta, first + 30)
    title = lines[title_no - 1].strip() if title_no else lines[first - 1].strip()
    if not title_no:
        review.append(f"title: no title line found; '{title[:30]}' (the first body line) is used")
    notice = "\n".join(lines[first - 1:title_no or first])
    doc_number = next((head[k] for k in ("文号", "文號", "文件编号", "文件編號", "发文字号") if DOC_NUMBER.search(head.get(k, ""))), None)
    if not doc_number:
        m = DOC_NUMBER.search("\n".join(lines[:(title_no or first) + 5]))
        doc_number = m.group(0).strip() if m else None
    sign = [i for i in sorted(skip) if skip[i].startswith("signature") and not DATE_CN.match(lines[i - 1])]
    issuer = [lines[i - 1].strip() for i in sign if i < (title_no or first) + 3 and ORG_LINE.match(lines[i - 1])]
    if not issuer:
        m = re.match(r"^(.{2,30}?)关于", lines[first - 1].strip()) or re.match(r"^(.{2,30}?)關於", lines[first - 1].strip())
        issuer = [m.group(1)] if m else ([head.get("发布机构") or head.get("發布機構")] if (head.get("发布机构") or head.get("發布機構")) else [])
    if not issuer:
        issuer = [PLACEHOLDER]
        review.append("issuer: not found in the page; write the issuing body as the document names it")
    sign_date = next((iso(lines[i - 1].replace("年", "-").replace("月", "-")) for i in sorted(skip) if DATE_CN.match(lines[i - 1])), None)
    published = iso(head.get("发布日期") or head.get("發布日期") or head.get("发布时间") or head.get("發布時間"))
    written = iso(head.get("成文日期") or head.get("发文日期")) or sign_date
    if not written:
        written = published or f"{(targets_years or [date.today().year])[0]}-01-01"
        review.append(f"date_written: no 成文日期 or signed date found; {written} is a placeholder")
    kind = next((k for w, k in KIND_WORDS if w in title), None)
    if not kind:
        kind = "实施方案"
        review.append("kind: the title names no known kind of document; 实施方案 is a placeholder")
    start, end = int(written[:4]), None
    m = re.search(r"[（(]\s*((?:19|20)\d{2})\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年?\s*[）)]", title)
    five = next((v for k, v in FIVE_YEAR.items() if k in title), None)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
    elif five:
        start, end = five
    else:
        ys = [int(y) for y in re.findall(r"((?:19|20)\d{2})", title)]
        end = max(ys) if ys else None
        if ys and len(ys) == 1 and "年" in title and ys[0] <= start:
            start = ys[0]
    end = max([e for e in [end, *targets_years] if e] or [start])
    city = re.search(r"([\u4e00-\u9fff]{2,6}?)[市州盟县縣区區]", (issuer[0] if issuer[0] != PLACEHOLDER else "") + title)
    review.append("city.en and province: give the English city name and the province (placeholders 待核 / To be confirmed)")
    if not city:
        review.append("city.zh: not found in the issuer or title")
    return {
        "id": plan_id, "city": {"zh": city.group(1) if city else PLACEHOLDER, "en": "To be confirmed"},
        "province": {"zh": PLACEHOLDER, "en": "To be confirmed"}, "title": title, "doc_number": doc_number,
        "issuer": issuer, "date_written": written, "date_published": published, "kind": kind,
        "period": {"start": min(start, end), "end": end}, "target_years": [],
    }


def chrome_defect(lines, body, skip) -> list[dict]:
    outside = [i for i in range(1, len(lines) + 1) if lines[i - 1].strip() and not body[0] <= i <= body[1]]
    inside = [i for i, r in skip.items() if r.startswith("page chrome")]
    if not outside and not inside:
        return []
    where = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in _ranges(sorted(outside + inside)))
    return [{"kind": "page_chrome", "where": f"lines {where}",
             "description": "The capture includes the web page's furniture (navigation, metadata block, publication line, print/share links); "
                            "lines outside source.body_lines are not part of the document, chrome inside it is listed under source.skipped."}]


def _ranges(nums):
    out = []
    for n in nums:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out
