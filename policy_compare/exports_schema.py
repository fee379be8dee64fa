"""The open-data contract, declared once: every export file, its fields, their types and meanings.

:data:`FIELDS` drives the Data page (both languages) and ``datapackage.json`` (a Frictionless Data Package,
https://datapackage.org/standard/data-package/, with Table Schema types); ``tests/test_open_data.py`` checks
every record of every exported file against it. Add fields, never rename or remove them.
"""
from __future__ import annotations

# (name, Table Schema type, English, Chinese). Types: string, integer, number, boolean, date, array, object.
Field = tuple[str, str, str, str]

FILES: dict[str, tuple[str, str]] = {
    "plans.json": ("one object per plan", "每份规划一个对象"),
    "provisions.json": ("one object per provision", "每条条文一个对象"),
    "targets.csv": ("one row per target or baseline; a text cell that would begin with = + - @ (or a tab) is written "
                    "with a leading apostrophe ' so that spreadsheets show it as text and never run it as a formula "
                    "(provisions.json keeps the exact text)",
                    "每个目标或基线一行；以 = + - @（或制表符）开头的文本单元格前加一个撇号 '，使电子表格将其显示为文本、"
                    "不会当作公式执行（provisions.json 保留原文）"),
    "topics.json": ("one object per topic", "每个专题一个对象"),
    "indicators.json": ("one object per canonical indicator", "每个标准指标一个对象"),
}

FIELDS: dict[str, list[Field]] = {
    "plans.json": [
        ("id", "string", "plan ID (city-year)", "规划 ID（城市-年份）"),
        ("city", "string", "city name in Chinese", "城市名"),
        ("city_en", "string", "city name in English", "城市英文名"),
        ("province", "string", "province in Chinese", "省份"),
        ("province_en", "string", "province in English", "省份英文名"),
        ("title", "string", "title of the document, verbatim", "文件名称（原文）"),
        ("doc_number", "string", "document number (文号), verbatim; null when none", "文号（原文）；没有时为 null"),
        ("index_number", "string", "index number (索引号) of the disclosure catalogue; null when the page gives none", "政府信息公开索引号；网页未给出时为 null"),
        ("issuer", "array", "issuing bodies, verbatim", "发文机关（列表，原文名称）"),
        ("date_written", "date", "date written (YYYY-MM-DD)", "成文日期（YYYY-MM-DD）"),
        ("date_published", "date", "date published (YYYY-MM-DD); null when unknown", "发布日期（YYYY-MM-DD）；未知时为 null"),
        ("kind", "string", "kind of document (实施意见, 行动计划 …)", "文种"),
        ("period", "array", "plan period [first year, last year]", "规划期 [起始年, 结束年]"),
        ("target_years", "array", "years targets are set for", "设定目标的年份"),
        ("vision_years", "array", "later long-term horizons without targets (e.g. 2035)", "没有量化目标的远景年份（如 2035）"),
        ("script", "string", "simplified or traditional", "简体 simplified / 繁体 traditional"),
        ("source_url", "string", "address of the original web page; null when the capture records none", "原网页地址；采集时未记录则为 null"),
        ("source_file", "string", "the captured source text in the repository", "仓库中的原文文件"),
        ("source_page", "string", "the source page on this site", "本站的原文页面"),
        ("url", "string", "the plan page on this site", "本站的规划页面"),
        ("actions", "integer", "number of actions", "行动数"),
        ("provisions", "integer", "number of provisions", "条文数"),
        ("targets", "integer", "number of targets", "目标数"),
        ("baselines", "integer", "number of baselines", "基线数"),
        ("defects", "array", "recorded source defects: kind, where, original, description (editors' English), note_zh/note_en (for readers), correction, not_published",
         "原文缺陷记录：类型、位置、原文、编辑说明（英文）、读者说明（note_zh/note_en）、更正、not_published"),
        ("unpublished_parts", "boolean", "true when part of the document (an indicator attachment) is not in the published page: a missing indicator value is then unknown, not absent",
         "文件有部分内容（指标附件）不在已公布的网页中时为 true：此时缺少的指标数值是未知，而不是没有"),
    ],
    "provisions.json": [
        ("id", "string", "global ID: <plan>.<provision>", "全局 ID：<规划>.<条文>"),
        ("plan", "string", "plan ID", "所属规划"),
        ("city", "string", "city name in Chinese", "城市名"),
        ("city_en", "string", "city name in English", "城市英文名"),
        ("path", "array", "headings above it, outermost first", "上级标题（由外到内）"),
        ("text", "string", "verbatim text", "条文原文（逐字）"),
        ("lead", "array", "lead bodies, verbatim", "牵头单位（原文名称）"),
        ("partners", "array", "partner bodies, verbatim", "配合单位（原文名称）"),
        ("url", "string", "page URL with anchor", "条文在规划页面中的地址（含锚点）"),
        ("source_line", "integer", "line in the source text", "原文行号"),
        ("topics", "array", "topic IDs (see topics.json), most relevant first", "专题 ID（见 topics.json），最相关的在前"),
        ("related", "array", "IDs of similar provisions in other plans (the computed cross-links, strongest first)", "其他规划中相似条文的 ID（程序计算的相似条文链接，最相似的在前）"),
        ("text_simplified", "string", "only for Traditional-script plans: the text converted to Simplified characters (OpenCC), for searching and matching; not a quotation",
         "仅繁体规划：转换为简体的条文（OpenCC），用于检索和匹配，不是原文引文"),
        ("correction", "object", "only for defective source text: original, corrected, reason (editors' English), note_zh/note_en (for readers)", "仅在原文有缺陷时：原文、更正、编辑说明（英文）、读者说明"),
        ("table", "array", "only for tables: rows of verbatim cells, header rows first", "仅表格：各行的单元格（原文），表头在前"),
    ],
    "targets.csv": [
        ("city", "string", "city name in Chinese", "城市名"),
        ("city_en", "string", "city name in English", "城市英文名"),
        ("plan", "string", "plan ID", "规划 ID"),
        ("provision_id", "string", "global provision ID (see provisions.json)", "条文全局 ID（见 provisions.json）"),
        ("target_id", "string", "global target ID: <provision>.t<n>", "目标全局 ID：<条文>.t<n>"),
        ("indicator", "string", "the indicator as the document words it, verbatim", "指标（原文表述）"),
        ("indicator_id", "string", "canonical indicator ID (see indicators.json); empty for city-specific indicators", "标准指标 ID（见 indicators.json）；城市特有指标为空"),
        ("year", "integer", "the year the value refers to", "数值所指的年份"),
        ("year_inferred", "boolean", "true when the year is not written next to the value (taken from context)", "年份未与数值写在一起、由上下文推定时为 true"),
        ("kind", "string", "baseline (a measured starting value) or target (a promised value)", "baseline（基线，已测得的起点值）或 target（目标）"),
        ("comparator", "string", "how the value binds: = the value itself (达到, 为, 降至: reach exactly this level), >= at least (不低于, 以上), <= at most (以下, 以内, 不超过), > more than (高于), < less than (低于), ~ about (左右, 接近); empty for non-numeric targets",
         "数值的约束方式：= 即为该数值（达到、为、降至某一水平），>= 不低于/以上，<= 以下/以内/不超过，> 高于，< 低于，~ 左右/接近；非数值目标为空"),
        ("value", "number", "the number; for a range the lower bound; empty for non-numeric targets", "数值；区间时为下限；非数值目标为空"),
        ("value_max", "number", "upper bound of a range such as 4-7", "区间上限（如 4-7）"),
        ("value_text", "string", "a non-numeric target as written (同比例提高, 持续改善 …)", "非数值目标的原文（如“同比例提高”）"),
        ("unit", "string", "unit (%, ‰, 1/10万, 岁 …)", "单位"),
        ("unit_note", "string", "set when the source gives no unit or cuts it short: what the source has and where the unit was taken from (editors' English)",
         "原文缺少或截断单位时：原文的写法与单位的来源（编辑说明，英文）"),
        ("relative", "boolean", "true when the value is a change (提高10%, 降低20%) rather than a level", "数值为相对变化（如“提高10%”）而非水平时为 true"),
        ("nature", "string", "预期性 (expected) or 约束性 (binding), where the document gives it", "预期性或约束性（文件写明时）"),
        ("quote", "string", "the text the target comes from: a verbatim clause of the provision, or, when table_row is set, that table row's non-empty cells joined by one space",
         "目标所依据的原文：条文中逐字的一句；若 table_row 有值，则为该表格行非空单元格以空格连接而成"),
        ("url", "string", "the provision on this site (absolute when the site's address is known, else relative to the site root)", "条文在本站的地址（已知网站地址时为完整网址，否则相对于站点根目录）"),
        ("table_row", "integer", "for a target read from a table: the row of the provision's table (0 = first header row) whose cells make the quote; empty when the quote is verbatim text",
         "从表格读取的目标：构成引文的表格行号（0 为第一行表头）；引文为逐字原文时为空"),
        ("topics", "string", "the topic ID(s) this target is shown and counted under, separated by ';'", "该目标所属的专题 ID（以 ; 分隔）"),
    ],
    "topics.json": [
        ("id", "string", "topic ID", "专题 ID"),
        ("name_zh", "string", "Chinese name", "中文名称"),
        ("name_en", "string", "English name", "英文名称"),
        ("description", "string", "one-line description (English)", "一句话说明（英文）"),
        ("healthy_china", "integer", "number of the matching Healthy China special action (1–15), or null", "对应《健康中国行动》专项行动编号（1–15），或 null"),
        ("url", "string", "comparison page URL", "专题对比页地址"),
        ("provision_ids", "array", "provisions shown on the topic page", "专题页列出的条文"),
        ("coverage", "object", "per plan ID: provisions, targets and baselines of this topic (each target counts under one topic; 0 provisions = not addressed)",
         "各规划：本专题的条文数、目标数和基线数（每个目标只计入一个专题；条文数为 0 即未涉及）"),
    ],
    "indicators.json": [
        ("id", "string", "indicator ID (also indicator_id in targets.csv)", "指标 ID（即 targets.csv 的 indicator_id）"),
        ("name_zh", "string", "Chinese name", "中文名称"),
        ("name_en", "string", "English name", "英文名称"),
        ("unit", "string", "canonical unit", "比较单位"),
        ("direction", "string", "higher or lower: which way is better", "higher / lower：越高/越低越好"),
        ("url", "string", "indicator page URL", "指标页地址"),
        ("wordings", "array", "plan wordings mapped to it", "映射到此指标的原文表述"),
        ("plans", "array", "plans with a value for it", "有此指标数值的规划"),
        ("topic", "string", "the topic its targets are counted under", "其目标所属的专题"),
    ],
}

LICENSES = [{
    "name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 (the structured data; the plans themselves are official "
             "documents of state organs, which Article 5 of the Copyright Law of the PRC leaves unprotected)",
}]


def datapackage() -> dict:
    """datapackage.json: one resource per export file, with its fields, types and the licence."""
    resources = []
    for name, fields in FIELDS.items():
        fmt = name.rsplit(".", 1)[1]
        resource = {
            "name": name.rsplit(".", 1)[0], "path": name, "format": fmt,
            "mediatype": "text/csv" if fmt == "csv" else "application/json", "encoding": "utf-8",
            "description": FILES[name][0],
            "schema": {"fields": [{"name": n, "type": t, "description": en} for n, t, en, _ in fields],
                       "missingValues": [""]},
        }
        if fmt == "csv":
            resource["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\r\n"}
            resource["encoding"] = "utf-8-sig"
        resource["profile"] = "tabular-data-resource"
        resources.append(resource)
    return {
        "name": "policy-compare", "title": "Chinese city health plans, provision by provision",
        "description": "Provisions, responsible bodies, targets and baselines of Chinese city health plans, "
                       "verbatim from the source documents, with topics and canonical indicators.",
        "licenses": LICENSES, "resources": resources,
    }
