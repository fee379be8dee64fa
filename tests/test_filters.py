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


def test_md_writes_html_and_markdown_syntax_as_character_references():
    assert str(md("a*b_[c]<d>")) == "a&#42;b&#95;&#91;c&#93;&#60;d&#62;"
    assert str(md("x {: onclick=\"y\" }")) == "x &#123;: onclick=&#34;y&#34; &#125;"
    assert str(md("it's `c` | #h \\ ~!")) == "it&#39;s &#96;c&#96; &#124; &#35;h &#92; &#126;&#33;"
    assert str(md("line\nbreak")) == "line break"  # a field never starts a Markdown block


def test_md_leaves_plain_text_ids_and_labels_as_they_are():
    from markupsafe import Markup
    assert str(md("健康鄂尔多斯行动 2020-2030, 22.5%")) == "健康鄂尔多斯行动 2020-2030, 22.5%"
    assert str(md("s2-1_p3")) == "s2-1_p3"  # an underscore inside a word cannot start emphasis
    assert str(md("_em_")) == "&#95;em&#95;"
    assert str(md(Markup("**label**"))) == "**label**"
    assert str(md(None)) == "" and str(md(12)) == "12"


def test_safe_url_keeps_only_web_addresses():
    from policy_compare.filters import safe_url
    assert safe_url("https://www.quzhou.gov.cn/a?b=1&c=2") == "https://www.quzhou.gov.cn/a?b=1&c=2"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example/", "../x",
                'https://a.b/"onmouseover=x', "https://a.b/ x", None, ""):
        assert safe_url(bad) == "", bad


def test_join_format_and_replace_escape_data_arguments():
    from markupsafe import Markup
    from policy_compare.filters import format_, join, replace
    assert str(join(["[a](javascript:x)", "b"], "、")) == "&#91;a&#93;(javascript:x)、b"
    assert str(format_(Markup("%s 条"), "<i>")) == "&#60;i&#62; 条"
    assert str(format_(Markup("%d / %d"), 3, 5)) == "3 / 5"
    assert str(replace("a`b", "`", "'")) == "a&#39;b"


def test_target_value_in_english_translates_units_and_marks_chinese_words():
    from policy_compare.i18n import EN
    assert target_value(t(comparator=">=", value=80, unit="岁"), EN) == "≥ 80 years"
    assert target_value(t(comparator="<=", value=9.5, unit="1/10万"), EN) == "≤ 9.5 per 100,000"
    assert target_value(t(comparator=">=", value=22, unit="%"), EN) == "≥ 22%"
    assert target_value(t(value_text="同比例提高"), EN) == '<span lang="zh">同比例提高</span>'
