"""Property-based tests (hypothesis) for the parsers validation, comparison and search rely on: numbers, units
and comparators of targets, dates and years, and the Simplified/Traditional search terms.

Each property runs on inputs hypothesis generates and shrinks, through the same path a plan file takes
(YAML text → loader → schema), so a crash or a silently accepted bad value shows up as a failing example.
The importer's own number/comparator guesses (importer.draft_targets) are left out while it is rewritten.
"""
from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policy_compare.filters import COMPARATOR_SYMBOLS, num, target_value
from policy_compare.i18n import LANGS, UNITS_EN
from policy_compare.load import Document, load_yaml
from policy_compare.model import LAST_YEAR, FIRST_YEAR, MAX_VALUE, Target
from policy_compare.validate import check_schema

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ZH, EN = LANGS[0], LANGS[1]
COMPARATORS = sorted(COMPARATOR_SYMBOLS)


def target_doc(fields: dict) -> Document:
    base = {"indicator": "居民健康素养水平", "year": 2030, "kind": "target", "quote": "到2030年不低于30%"}
    data = {**base, **fields}
    return Document(Path("t.yaml"), "t.yaml", data, {(): 1})


def load_target_yaml(tmp_path: Path, lines: str):
    path = tmp_path / "t.yaml"
    path.write_text("indicator: 居民健康素养水平\nkind: target\nquote: 到2030年不低于30%\n" + lines, encoding="utf-8")
    doc, problems = load_yaml(path)
    assert problems == [] and doc is not None
    return check_schema(doc, Target)


# ---------------------------------------------------------------- numbers

plausible = st.floats(min_value=-MAX_VALUE, max_value=MAX_VALUE, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(value=plausible)
def test_every_plausible_number_written_in_yaml_is_read_back_exactly(tmp_path_factory, value: float):
    target, problems = load_target_yaml(tmp_path_factory.mktemp("n"), f"year: 2030\nvalue: {value!r}\n")
    assert problems == []
    assert target.value == value


@SETTINGS
@given(value=st.one_of(st.just(math.nan), st.just(math.inf), st.just(-math.inf),
                       st.floats(min_value=MAX_VALUE, exclude_min=True, allow_infinity=False),
                       st.floats(max_value=-MAX_VALUE, exclude_max=True, allow_infinity=False),
                       st.integers(min_value=int(MAX_VALUE) + 1, max_value=10**400)),
       field=st.sampled_from(["value", "value_max"]))
def test_nan_infinity_and_huge_numbers_are_refused_with_one_line(value, field: str):
    target, problems = check_schema(target_doc({"value": 1.0, field: value}), Target)
    assert target is None
    assert [(p.loc, p.code) for p in problems] == [((field,), "schema")]
    assert "\n" not in problems[0].message and ("not a number a plan can state" in problems[0].message
                                                or "too large" in problems[0].message)


@SETTINGS
@given(text=st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != ""))
def test_a_value_that_is_not_a_number_is_refused_or_read_as_that_number(text: str):
    """Whatever text stands in `value`, the schema either reads a finite number or gives one clear line."""
    target, problems = check_schema(target_doc({"value": text}), Target)
    if target is not None:
        assert math.isfinite(target.value) and float(text.strip().replace("_", "")) == target.value
    else:
        assert len(problems) == 1 and problems[0].loc == ("value",)


@SETTINGS
@given(value=st.decimals(min_value=-9999, max_value=9999, places=2, allow_nan=False, allow_infinity=False))
def test_shown_numbers_are_plain_decimals(value):
    """What a badge shows ('22', '3.69', '-0.5') is the number itself, never an exponent (for numbers of up to
    six significant digits here; larger and more precise ones: the next test)."""
    shown = num(float(value))
    assert "e" not in shown and float(shown) == float(value)


def test_large_and_precise_numbers_are_shown_in_full():
    assert num(1_000_000.0) == "1000000"
    assert num(10000.01) == "10000.01"
    assert num(1e12) == "1000000000000"
    assert num(0.00001) == "0.00001"
    assert num(-0.5) == "-0.5"


# ---------------------------------------------------------------- comparators and units

@SETTINGS
@given(comparator=st.text(max_size=3))
def test_only_the_six_comparators_are_accepted(comparator: str):
    target, problems = check_schema(target_doc({"comparator": comparator, "value": 1.0}), Target)
    if comparator in COMPARATORS:
        assert problems == [] and target.comparator == comparator
    else:
        assert [(p.loc, p.code) for p in problems] == [(("comparator",), "schema")]
        assert "is not allowed here; use one of" in problems[0].message


units = st.one_of(st.sampled_from(sorted(UNITS_EN) + ["%", "‰", "1/10万"]), st.text(alphabet="人张个元万亿岁%‰/10", min_size=1, max_size=4))


@SETTINGS
@given(comparator=st.sampled_from(COMPARATORS), value=st.integers(0, 10**6).map(float), unit=units,
       lang=st.sampled_from(LANGS))
def test_a_target_reads_comparator_number_unit(comparator: str, value: float, unit: str, lang):
    """The badge is '<sign> <number><unit>': the comparator's sign first, the number, and the unit as this
    interface writes it (English units on the English site), with no space before % and ‰."""
    t = Target(indicator="x", year=2030, kind="target", quote="q", comparator=comparator, value=value, unit=unit)
    shown = str(target_value(t, lang))
    sign = COMPARATOR_SYMBOLS[comparator]
    written = lang.unit(unit)
    assert written == (unit if lang is ZH else UNITS_EN.get(unit, unit))
    expected = f"{sign}{' ' if sign else ''}{num(value)}{'' if written in ('%', '‰') else ' '}{written}"
    assert html.unescape(shown) == expected.strip()  # as the reader sees it (the markup is escaped)
    assert "<" not in shown


# ---------------------------------------------------------------- dates and years

@SETTINGS
@given(day=st.dates(min_value=dt.date(FIRST_YEAR, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31)), quoted=st.booleans())
def test_every_real_date_is_read_quoted_or_not(tmp_path_factory, day: dt.date, quoted: bool):
    path = tmp_path_factory.mktemp("d") / "p.yaml"
    written = f"'{day.isoformat()}'" if quoted else day.isoformat()
    path.write_text(f"date_written: {written}\n", encoding="utf-8")
    doc, problems = load_yaml(path)
    assert problems == []
    from policy_compare.model import Plan
    _, problems = check_schema(doc, Plan)
    assert not [p for p in problems if p.loc == ("date_written",)]


@SETTINGS
@given(year=st.integers(1000, 9999), month=st.integers(0, 19), day=st.integers(0, 39), quoted=st.booleans())
def test_impossible_dates_are_refused_with_one_line_never_a_crash(tmp_path_factory, year, month, day, quoted):
    try:
        real = dt.date(year, month, day)
    except ValueError:
        real = None
    assume(real is None or not FIRST_YEAR <= year <= LAST_YEAR)
    text = f"{year:04d}-{month:02d}-{day:02d}"
    path = tmp_path_factory.mktemp("d") / "p.yaml"
    path.write_text(f"date_written: {repr(text) if quoted else text}\n", encoding="utf-8")
    doc, problems = load_yaml(path)
    assert problems == []
    from policy_compare.model import Plan
    _, problems = check_schema(doc, Plan)
    mine = [p for p in problems if p.loc == ("date_written",)]
    assert len(mine) == 1
    assert ("is not a date" in mine[0].message) if real is None else ("not a plausible plan date" in mine[0].message)


@SETTINGS
@given(year=st.integers(-10**6, 10**6))
def test_a_year_is_accepted_exactly_when_plausible(year: int):
    target, problems = check_schema(target_doc({"year": year}), Target)
    if FIRST_YEAR <= year <= LAST_YEAR:
        assert problems == [] and target.year == year
    else:
        assert [p.message for p in problems] == [f"year {year} is not a plausible plan year ({FIRST_YEAR}-{LAST_YEAR})"]


# ---------------------------------------------------------------- Simplified / Traditional search terms

HAN_CHARS = "健康医疗卫生服务体系婴儿死亡率控烟饮酒醫療衛生體系嬰兒死亡率控煙飲酒保險醫保医保国家國家发展發展"
han_text = st.text(alphabet=HAN_CHARS + "，。、 0123456789%", min_size=1, max_size=30)


@pytest.fixture(scope="module")
def search():
    from policy_compare import search
    search._jieba()
    return search


@SETTINGS
@given(text=han_text)
def test_index_terms_are_pieces_of_the_folded_text(search, text: str):
    """Folding keeps every length (hits are highlighted in the original script), and every index term is a
    piece of the folded text: segmentation adds nothing."""
    folded = search.fold(text)
    assert len(folded) == len(text)
    for term in search.terms_of(text):
        assert term in folded, term


@SETTINGS
@given(text=han_text)
def test_both_scripts_give_the_same_terms(search, text: str):
    """A reader typing either script finds the provision: the browser folds the query as the index folds the
    text, so a text and its other-script form have the same terms."""
    from policy_compare.links import to_simplified, to_traditional
    assert search.fold(to_traditional(text)) == search.fold(to_simplified(text))
    assert search.terms_of(to_traditional(text)) == search.terms_of(to_simplified(text))


@SETTINGS
@given(text=han_text)
def test_conversion_round_trips_on_simplified_text(text: str):
    from policy_compare.links import to_simplified, to_traditional
    simple = to_simplified(text)
    assert to_simplified(simple) == simple
    assert to_simplified(to_traditional(simple)) == simple
