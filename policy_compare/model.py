"""The data schema, declared once.

Every plan file under ``data/plans/`` is validated against :class:`Plan`.
Each field carries a description; ``python build.py schema`` and the
"Adding a plan" page are generated from these models, so the
documentation cannot drift from what the validator enforces.

Texts (headings, provisions, quotes) are stored verbatim from the source
document. Where the source is defective the original stays in the text
field and the fix lives beside it in a :class:`Correction`.
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
FIRST_YEAR, LAST_YEAR = 1949, 2100  # plans of the People's Republic, horizons up to the end of the century
MAX_VALUE = 1e12  # larger than any count, rate or amount a city plan states


def _plausible_year(v: int) -> int:
    if not FIRST_YEAR <= v <= LAST_YEAR:
        raise ValueError(f"year {v} is not a plausible plan year ({FIRST_YEAR}-{LAST_YEAR})")
    return v


def _plausible_date(v: date) -> date:
    if not FIRST_YEAR <= v.year <= LAST_YEAR:
        raise ValueError(f"date {v.isoformat()} is not a plausible plan date ({FIRST_YEAR}-{LAST_YEAR})")
    return v


def _finite_value(v: float) -> float:
    if math.isnan(v) or math.isinf(v):
        raise ValueError(f"'{v}' is not a number a plan can state; write digits, e.g. 22.5 (put words in value_text)")
    if abs(v) > MAX_VALUE:
        raise ValueError(f"{v:g} is too large to be a plan's value (at most {MAX_VALUE:g}); check the digits and the unit")
    return v


Year = int


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Name(Strict):
    zh: str = Field(description="Name in Chinese, as the document writes it.")
    en: str = Field(description="Name in English (pinyin for places).")


class Correction(Strict):
    """A fix to a defective piece of the source; the original is kept verbatim."""

    original: str = Field(description="The defective text exactly as in the source.")
    corrected: str = Field(description="The corrected text shown to readers, marked as a correction.")
    reason: str = Field(description="Why the original is defective and where the correction comes from.")


class Target(Strict):
    """One quantitative (or explicitly non-numeric) target or baseline."""

    indicator: str = Field(description="The indicator as the document words it (verbatim).")
    indicator_id: Optional[str] = Field(None, description="ID in data/indicators.yaml, when one fits (set by the comparison issue).")
    year: Year = Field(description="The year the value refers to, e.g. 2030.")
    year_inferred: bool = Field(False, description="True when the year is implied (single-horizon plan, year set by a previous sentence) rather than written next to the value.")
    kind: Literal["baseline", "target"] = Field(description="'baseline' for a measured starting value, 'target' for a promised value.")
    comparator: Optional[Literal["=", ">=", "<=", ">", "<", "~"]] = Field(
        None, description="How the value binds: = (达到), >= (不低于/以上/≥), <= (以下/以内/不超过/≤), > , < (低于), ~ (左右/接近). Empty for non-numeric targets.")
    value: Optional[float] = Field(None, description="The number; for a range the lower bound. Empty for non-numeric targets.")
    value_max: Optional[float] = Field(None, description="Upper bound of a range such as 4-7.")
    value_text: Optional[str] = Field(None, description="Non-numeric target as written (同比例提高, 持续改善, 保持较好控制水平).")
    unit: Optional[str] = Field(None, description="Unit as used for comparison (%, ‰, 1/10万, 岁, 人, 张, 亿元 …).")
    unit_note: Optional[str] = Field(None, description="When the unit is not written as given (missing, truncated, implied by the column): what the source says and why this unit was used.")
    nature: Optional[Literal["预期性", "约束性"]] = Field(None, description="Binding nature where the document gives it.")
    quote: str = Field(description="Verbatim text the target comes from (whitespace runs may differ from the source, e.g. table cells).")
    relative: bool = Field(False, description="True when the value is a change (提高10%, 降低20%, 增长…) rather than a level; say the base in 'note'.")
    note: Optional[str] = Field(None, description="Editor's note in English, e.g. the base of a relative target.")

    _year = field_validator("year")(lambda v: _plausible_year(v))
    _values = field_validator("value", "value_max")(lambda v: v if v is None else _finite_value(v))


class Provision(Strict):
    """The smallest unit compared: a paragraph, a measure, or a table."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID, unique in the plan; becomes the page anchor (e.g. 's2-1-p1').")
    text: str = Field(description="Verbatim text from the source (one line of the source or a part of one).")
    correction: Optional[Correction] = Field(None, description="Set when the source text is defective; 'original' must occur in 'text'.")
    lead: list[str] = Field(default_factory=list, description="Lead bodies (牵头/责任主体/first-named), verbatim names.")
    partners: list[str] = Field(default_factory=list, description="Partner bodies (配合/按职责分工负责), verbatim names.")
    responsibility_quote: Optional[str] = Field(None, description="The verbatim phrase the bodies were parsed from, e.g. '(牵头部门:…,配合部门:…)'.")
    table: Optional[list[list[str]]] = Field(None, description="For a table: rows of verbatim cells, the first row(s) being the header.")
    table_header_rows: int = Field(1, ge=0, description="How many of the table rows are header rows.")
    targets: list[Target] = Field(default_factory=list, description="Targets and baselines stated in this provision.")
    topics: list[str] = Field(default_factory=list, description="Topic IDs from data/topics.yaml (set by the comparison issue).")
    source_line: int = Field(ge=1, description="Line of the source file holding the text (filled in by the importer; checked).")
    source_end_line: Optional[int] = Field(None, ge=1, description="For a table laid out over many lines: the last line of the table in the source.")


class Section(Strict):
    """A heading of the document and everything under it."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID, unique in the plan; becomes the page anchor (e.g. 's2-1').")
    heading: str = Field(description="The heading exactly as written, numbering included (e.g. '(一)实施健康知识普及行动。').")
    kind: Literal["preamble", "chapter", "section", "part", "subpart", "task", "item", "attachment", "table"] = Field(
        description="Level of the heading by its numbering: chapter (第一章), section (第一节), part (一、), subpart ((一)), task (1.), item ((1) or unnumbered), attachment (附件), table (a table's title); preamble for the untitled opening.")
    is_action: bool = Field(False, description="True for the top-level actions/sections the plans are compared on (counted on the home page).")
    provisions: list[Provision] = Field(default_factory=list, description="Provisions directly under this heading, in document order.")
    sections: list[Section] = Field(default_factory=list, description="Sub-headings, in document order.")
    source_line: int = Field(ge=1, description="Line of the source file holding the heading.")

    def children(self) -> list[tuple[str, int, "Provision | Section"]]:
        """(kind, index, item) for provisions and sub-sections in document order, by source line,
        so a concluding paragraph after the sub-headings stays after them."""
        items = [("provision", i, p) for i, p in enumerate(self.provisions)]
        items += [("section", i, s) for i, s in enumerate(self.sections)]
        return sorted(items, key=lambda item: item[2].source_line)

    @property
    def title(self) -> str:
        """Heading without its numbering and final full stop."""
        return strip_numbering(self.heading)


class Defect(Strict):
    """A defect of the source document, recorded rather than silently fixed."""

    kind: Literal["page_chrome", "garbled_text", "spam", "missing_unit", "truncated_unit", "missing_attachment", "other"] = Field(
        description="What sort of defect.")
    where: str = Field(description="Where it is: source line(s) and/or the provision ID.")
    original: Optional[str] = Field(None, description="The defective text verbatim, when there is text.")
    description: str = Field(description="What is wrong and what the site does about it.")
    correction: Optional[str] = Field(None, description="The correction made, if any (also recorded on the item itself).")


class Skip(Strict):
    """Lines inside the document body deliberately not encoded as provisions."""

    lines: tuple[int, int] = Field(description="First and last source line skipped.")
    reason: str = Field(description="Why, e.g. 'signature and date (recorded in issuer/date_written)'.")


class Source(Strict):
    file: str = Field(description="Path of the captured source text, relative to the data folder (e.g. 'sources/ordos-2020.txt').")
    url: Optional[str] = Field(None, description="Address of the original web page (http:// or https://), where the capture gives one.")
    captured_from: str = Field("government website", description="Where the capture comes from.")
    body_lines: tuple[int, int] = Field(description="First and last line of the document body in the source file; lines outside are page chrome.")
    skipped: list[Skip] = Field(default_factory=list, description="Lines inside the body not encoded (signature block, file names of attachments, spam), each with a reason.")

    @field_validator("url")
    @classmethod
    def _web_address(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.match(r"https?://[^\s<>\"'`]+\Z", v, re.I):
            raise ValueError("give the page's web address, starting with http:// or https:// (no spaces)")
        return v


class Period(Strict):
    start: Year = Field(description="First year the plan covers.")
    end: Year = Field(description="Last year / final horizon of the plan.")

    _years = field_validator("start", "end")(lambda v: _plausible_year(v))


class Plan(Strict):
    """One policy document of one city."""

    id: str = Field(pattern=ID_PATTERN, description="Plan ID: city and year, e.g. 'ordos-2020'. Must equal the file name.")
    city: Name = Field(description="City name.")
    province: Name = Field(description="Province or autonomous region.")
    title: str = Field(description="Document title, verbatim.")
    doc_number: Optional[str] = Field(None, description="Document number (文号), verbatim, e.g. '鄂府办发〔2020〕33号'.")
    issuer: list[str] = Field(description="Issuing body or bodies, verbatim.")
    date_written: date = Field(description="Date written (成文日期), YYYY-MM-DD.")
    date_published: Optional[date] = Field(None, description="Date published (发布日期), YYYY-MM-DD, where the page gives it.")
    kind: Literal["实施意见", "行动方案", "实施方案", "行动计划", "工作要点", "发展规划"] = Field(description="Kind of document.")
    period: Period = Field(description="Period the plan covers.")
    target_years: list[Year] = Field(description="The years targets are set for, ascending.")
    script: Literal["simplified", "traditional"] = Field(description="Script of the source text.")
    source: Source = Field(description="The captured source document.")
    review: list[str] = Field(default_factory=list, description="Open questions `build.py import` left for the curator (placeholders, inferred years, guessed topics); empty once the plan has been reviewed.")
    summary_en: Optional[str] = Field(None, description="One-sentence English description of the document (editor's words, not a translation).")
    defects: list[Defect] = Field(default_factory=list, description="Defects of the source, each recorded explicitly.")
    sections: list[Section] = Field(description="The document body: top-level headings in order (a preamble may be a section with kind 'part').")

    @field_validator("target_years")
    @classmethod
    def _target_years(cls, years: list[int]) -> list[int]:
        for y in years:
            _plausible_year(y)
        return years

    _dates = field_validator("date_written", "date_published")(lambda v: v if v is None else _plausible_date(v))


class Topic(Strict):
    """A canonical topic (data/topics.yaml) that plans are compared on."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID, e.g. 'tobacco-alcohol'; the topic page's URL.")
    name_zh: str = Field(description="Chinese name.")
    name_en: str = Field(description="English name.")
    description: str = Field(description="One line saying what the topic covers (English).")
    description_zh: Optional[str] = Field(None, description="The same line in Chinese (shown on the Chinese site; the English one is used when absent).")
    keywords: list[str] = Field(default_factory=list, description="Words that guided tagging (a person decides).")
    healthy_china: Optional[int] = Field(None, ge=1, le=15, description="Number of the matching special action of the national Healthy China Action, if any.")
    notes: Optional[str] = Field(None, description="Tagging notes: borderline cases and how they were decided.")


class TopicCatalogue(Strict):
    topics: list[Topic] = Field(description="All topics, in display order.")


class Indicator(Strict):
    """A canonical indicator (data/indicators.yaml): the same measure across cities and years."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID, e.g. 'infant-mortality'; the indicator page's URL.")
    name_zh: str = Field(description="Chinese name.")
    name_en: str = Field(description="English name.")
    unit: str = Field(description="Canonical unit values are compared in (%, ‰, 1/10万, 岁, 人, 张, 亿元 …).")
    direction: Literal["higher", "lower"] = Field(description="Whether a higher or a lower value is better.")
    wordings: list[str] = Field(description="Indicator wordings in plans that mean this indicator (a trailing unit in brackets and a leading 全市 are ignored).")
    notes: Optional[str] = Field(None, description="Definition notes and borderline wordings.")


class IndicatorCatalogue(Strict):
    indicators: list[Indicator] = Field(description="All canonical indicators, in display order.")


class Department(Strict):
    """A group of equivalent responsible bodies (data/departments.yaml), named differently in each city."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID, e.g. 'health'; an anchor on the responsibility page.")
    name_zh: str = Field(description="Chinese name of the group, e.g. 卫生健康部门.")
    name_en: str = Field(description="English name of the group, e.g. Health commission.")
    note: Optional[str] = Field(None, description="Why these names are grouped (e.g. renamed in the 2018 reform).")
    names: list[str] = Field(description="Body names exactly as the plans write them in `lead`/`partners`.")


class DepartmentCatalogue(Strict):
    departments: list[Department] = Field(default_factory=list, description="All groups, most frequent first.")


class GlossaryTerm(Strict):
    """A recurring policy term explained for readers (data/glossary.yaml); editorial, not a quotation."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID; the term's anchor on the glossary page.")
    term_zh: str = Field(description="The term in Simplified Chinese, as plans use it.")
    variants: list[str] = Field(default_factory=list, description="Other spellings found in the plans (Traditional forms, abbreviations).")
    term_en: str = Field(description="The term in English.")
    definition_zh: str = Field(description="Explanation in Chinese.")
    definition_en: str = Field(description="Explanation in English.")


class Glossary(Strict):
    terms: list[GlossaryTerm] = Field(default_factory=list, description="All terms, in display order.")


class LinkEdit(Strict):
    a: str = Field(description="Global provision ID '<plan>.<provision>', e.g. 'ordos-2020.s3-4-1-p1'.")
    b: str = Field(description="Global provision ID in another plan.")
    note: str = Field(description="Why the editor pinned or suppressed this pair.")


class LinkEdits(Strict):
    """data/links.yaml: editors' corrections to the computed cross-links."""

    pin: list[LinkEdit] = Field(default_factory=list, description="Pairs always linked (shown first).")
    suppress: list[LinkEdit] = Field(default_factory=list, description="Pairs never linked.")


_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[章节部分篇]\s*|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|附件\d*[:：]?)\s*")


def strip_numbering(heading: str) -> str:
    """'(一)实施健康知识普及行动。' -> '实施健康知识普及行动'."""
    return _NUMBERING.sub("", heading).strip().rstrip("。:：;；").strip()


Section.model_rebuild()
