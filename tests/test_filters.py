"""Jinja filters are plain functions: tested directly."""
from policy_compare.filters import md, target_value
from policy_compare.model import Target


def t(**kw):
    base = dict(indicator="x", year=2030, kind="target", quote="q")
    return Target(**(base | kw))


def test_target_value_formats_comparators_units_and_ranges():
    assert target_value(t(comparator=">=", value=22, unit="%")) == "≥ 22%"
    assert target_value(t(comparator="<=", value=209.7, unit="1/10万")) == "≤ 209.7 1/10万"
    assert target_value(t(comparator="~", value=28, unit="%")) == "≈ 28%"
    assert target_value(t(comparator="=", value=4, value_max=7, unit="个")) == "4–7 个"
    assert target_value(t(value_text="同比例提高")) == "同比例提高"
    assert target_value(t(comparator="=", value=10, unit="%", relative=True)) == "+10%"


def test_md_escapes_html_and_markdown():
    assert str(md("a*b_[c]<d>")) == r"a\*b\_\[c\]&lt;d&gt;"


def test_target_value_in_english_translates_units_and_marks_chinese_words():
    from policy_compare.i18n import EN
    assert target_value(t(comparator=">=", value=80, unit="岁"), EN) == "≥ 80 years"
    assert target_value(t(comparator="<=", value=9.5, unit="1/10万"), EN) == "≤ 9.5 per 100,000"
    assert target_value(t(comparator=">=", value=22, unit="%"), EN) == "≥ 22%"
    assert target_value(t(value_text="同比例提高"), EN) == '<span lang="zh">同比例提高</span>'
