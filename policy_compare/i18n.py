"""Interface languages: Chinese (default, site root) and English (``en/``).

Every label in a template is written in both languages at the point of use, ``{{ t("专题", "Topic") }}``,
so no label can exist in one language only. Names that come from data (topics, indicators, cities,
departments, glossary terms) carry ``*_zh`` and ``*_en`` fields and are picked with :meth:`Lang.name`.
Provision texts are never translated: they stay in the document's own Chinese on both sites.

One MkDocs build per language (Material's documented way): ``mkdocs.yml`` builds the Chinese site,
``mkdocs.en.yml`` inherits from it and builds the English one into ``<site>/en/``. Both sites have the
same page paths, so the language switch links each page to its twin (``templates/overrides/partials/
alternate.html``).
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

# Units as the plans write them -> English (Chinese measure words become plain counts).
UNITS_EN: dict[str, str] = {
    "1/10万": "per 100,000", "人": "people", "个": "", "個": "", "岁": "years", "亿元": "×100 million yuan",
    "所": "institutions", "张": "beds", "家": "institutions", "名": "people", "元": "yuan", "分钟": "minutes",
    "公里": "km", "个百分点": "percentage points", "级": "level", "辆/3万常住人口": "vehicles per 30,000 residents",
    "种": "kinds", "套": "sets", "人次": "person-times", "个/3-10万居民": "per 30,000–100,000 residents",
    "万个": "×10,000", "万人": "×10,000 people",
}

# Fixed vocabularies from the schema (model.py Literals), in both languages.
TERMS: dict[str, tuple[str, str]] = {
    # document kinds
    "实施意见": ("实施意见", "Implementation opinions"),
    "行动方案": ("行动方案", "Action programme"),
    "实施方案": ("实施方案", "Implementation plan"),
    "行动计划": ("行动计划", "Action plan"),
    "工作要点": ("工作要点", "Work priorities"),
    "发展规划": ("发展规划", "Development plan"),
    # target nature
    "预期性": ("预期性", "expected"),
    "约束性": ("约束性", "binding"),
    # target kind
    "baseline": ("基线", "baseline"),
    "target": ("目标", "target"),
    # defect kinds
    "page_chrome": ("网页外框", "page chrome"),
    "garbled_text": ("乱码", "garbled text"),
    "spam": ("垃圾信息", "spam"),
    "missing_unit": ("缺少单位", "missing unit"),
    "truncated_unit": ("单位截断", "truncated unit"),
    "missing_attachment": ("缺少附件", "missing attachment"),
    "other": ("其他", "other"),
    # scripts
    "traditional": ("繁体", "Traditional Chinese"),
    "simplified": ("简体", "Simplified Chinese"),
    # indicator direction
    "higher": ("越高越好", "higher is better"),
    "lower": ("越低越好", "lower is better"),
}


@dataclass(frozen=True)
class Lang:
    code: str          # "zh" | "en"
    prefix: str        # output folder below the site root: "" or "en/"

    def t(self, zh: str, en: str) -> Markup:
        """The label in this language. Labels are the templates' own text (they may hold Markdown), never
        data, so they are Markup: the templates' escaping of data (filters.md) leaves them as written."""
        return Markup(zh if self.code == "zh" else en)

    def name(self, obj, field: str = "name") -> str:
        """``obj.name_zh`` or ``obj.name_en`` (any ``<field>_zh``/``<field>_en`` pair)."""
        return getattr(obj, f"{field}_{self.code}")

    def term(self, value: str | None) -> str:
        """A fixed vocabulary value (document kind, target nature, defect kind …) in this language."""
        if not value:
            return ""
        pair = TERMS.get(value)
        return (pair[0] if self.code == "zh" else pair[1]) if pair else value

    def unit(self, unit: str | None) -> str:
        """A unit as this interface writes it ('岁' stays on the Chinese site, 'years' on the English one)."""
        if not unit or self.code == "zh":
            return unit or ""
        return UNITS_EN.get(unit, unit)

    def city(self, plan) -> str:
        """'衢州 2020' / 'Quzhou 2020' — a plan as readers name it."""
        return f"{plan.city.zh if self.code == 'zh' else plan.city.en} {plan.date_written.year}"

    def place(self, named) -> str:
        """A city or province object (``.zh``/``.en``)."""
        return named.zh if self.code == "zh" else named.en

    def globals(self) -> dict:
        return {"lang": self, "t": self.t, "name": self.name, "term": self.term, "city": self.city,
                "place": self.place, "unit": self.unit}


ZH = Lang("zh", "")
EN = Lang("en", "en/")
LANGS = (ZH, EN)


def text_lang(plan) -> str:
    """lang= value for a plan's own text (provisions, headings): zh-Hans or zh-Hant."""
    return "zh-Hant" if plan.script == "traditional" else "zh-Hans"
