"""Cell values are read exactly or refused with a message a coordinator understands."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Decimal
from random import Random

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from qtc_desktop.services.importing.values import (
    DateStyle,
    NumberStyle,
    ValueProblem,
    detect_date_order,
    detect_decimal_comma,
    parse_date,
    parse_decimal,
    parse_int,
    parse_percent,
)

POINT = NumberStyle(decimal_comma=False)
COMMA = NumberStyle(decimal_comma=True)
DMY, MDY, YMD = DateStyle("dmy"), DateStyle("mdy"), DateStyle("ymd")
DMY_1904 = DateStyle("dmy", date1904=True)


def refused(message: str) -> AbstractContextManager[pytest.ExceptionInfo[ValueProblem]]:
    return pytest.raises(ValueProblem, match=f"^{re.escape(message)}$")


# -- parse_decimal --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("12", "12"), ("12.10", "12.10"), ("1,234.56", "1234.56"), ("1,234,567.8", "1234567.8"),
    ("-1,234.50", "-1234.50"), ("+12.5", "12.5"), ("(1,234.50)", "-1234.50"), ("1234-", "-1234"),
    ("1,234.50-", "-1234.50"), ("$1,234.50", "1234.50"), ("-$12", "-12"), ("$-12", "-12"),
    ("($12.00)", "-12.00"), ("12.5 USD", "12.5"), ("USD 12.5", "12.5"), ("usd12.5", "12.5"),
    ("€12", "12"), ("£ 12", "12"), ("¥1,200", "1200"), ("US$ 3", "3"), ("CHF 1'234.50", "1234.50"),
    ("1’234.50", "1234.50"), ("1 234.5", "1234.5"), ("1\u00a0234.5", "1234.5"),
    ("1\u202f234\u202f567.5", "1234567.5"), ("  12.5  ", "12.5"), ("\u221212", "-12"),
    ("1.5E3", "1500"), ("1.5e-3", "0.0015"), ("2E+2", "200"), (".5", "0.5"), ("5.", "5"),
    ("0.125", "0.125"), ("1,234", "1234"), ("0", "0"), ("-0.00", "0.00"), ("(0)", "0"),
    ("1e12", "1000000000000"), ("12345678901234567890.123456789012345678901e-9",
                                "12345678901.234567890123456789012345678901"),
])
def test_point_style_text_is_read_exactly(text: str, expected: str) -> None:
    parsed = parse_decimal(text, POINT, max_abs=Decimal("1e20"))
    assert str(parsed) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56", "1234.56"), ("12,5", "12.5"), ("0,75", "0.75"), ("1.234.567,8", "1234567.8"),
    ("1.234", "1234"), ("1 234,50 €", "1234.50"), ("-1.234,50 EUR", "-1234.50"),
    ("(1.234,50)", "-1234.50"), ("1.234,50-", "-1234.50"), ("1,5E3", "1500"), ("CHF 1'234,50", "1234.50"),
])
def test_comma_style_text_is_read_exactly(text: str, expected: str) -> None:
    assert str(parse_decimal(text, COMMA)) == expected


@pytest.mark.parametrize(("text", "style", "message"), [
    ("", POINT, "empty"), ("   ", POINT, "empty"), ("\u00a0", COMMA, "empty"),
    ("12,5x", POINT, "'12,5x' is not a number"), ("NaN", POINT, "'NaN' is not a number"),
    ("inf", POINT, "'inf' is not a number"), ("-Infinity", POINT, "'-Infinity' is not a number"),
    ("-", POINT, "'-' is not a number"), ("()", POINT, "'()' is not a number"),
    ("$", POINT, "'$' is not a number"), ("1.2.3", POINT, "'1.2.3' is not a number"),
    ("1.2.3", COMMA, "'1.2.3' is not a number"), ("twelve", POINT, "'twelve' is not a number"),
    ("1,23,456", POINT, "'1,23,456' is not a number"), ("12,34", POINT,
     "'12,34' is not a number (expected a decimal point, as in 1,234.56)"),
    ("12.5", COMMA, "'12.5' is not a number (expected a decimal comma, as in 1.234,56)"),
    ("0,125", POINT, "'0,125' is not a number (expected a decimal point, as in 1,234.56)"),
    ("1,2345", POINT, "'1,2345' is not a number (expected a decimal point, as in 1,234.56)"),
    ("1, 234", POINT, "'1, 234' is not a number"), ("1 234,567.5", POINT, "'1 234,567.5' is not a number"),
    ("(-5)", POINT, "'(-5)' is not a number"), ("--5", POINT, "'--5' is not a number"),
    ("-5-", POINT, "'-5-' is not a number"), ("$5$", POINT, "'$5$' is not a number"),
    ("12%", POINT, "'12%' is not a number"), ("1e", POINT, "'1e' is not a number"), ("1E", POINT, "'1E' is not a number"),
    ("1e1234567", POINT, "'1e1234567' is not a number"), ("1.5.E3", POINT, "'1.5.E3' is not a number"),
    ("١٢", POINT, "'١٢' is not a number"), ("0x1F", POINT, "'0x1F' is not a number"),
    ("1e400", POINT, "'1e400' is too large (more than 1,000,000,000,000)"),
    ("1,000,000,000,001", POINT, "'1,000,000,000,001' is too large (more than 1,000,000,000,000)"),
])
def test_text_that_is_not_a_number_is_refused(text: str, style: NumberStyle, message: str) -> None:
    with refused(message):
        parse_decimal(text, style)


@pytest.mark.parametrize(("cell", "expected"), [
    (12, "12"), (-3, "-3"), (12.1, "12.1"), (0.1, "0.1"), (1e-7, "1E-7"), (-0.0, "0.0"),
    (123456789.123, "123456789.123"), (Decimal("12.345"), "12.345"), (Decimal("1E+3"), "1000"),
])
def test_numeric_cells_are_read_as_they_print(cell: object, expected: str) -> None:
    assert str(parse_decimal(cell, POINT)) == expected


@pytest.mark.parametrize(("cell", "message"), [
    (None, "empty"), (True, "TRUE is not a number"), (False, "FALSE is not a number"),
    (float("nan"), "nan is not a number"), (float("inf"), "inf is not a number"),
    (Decimal("NaN"), "NaN is not a number"), (Decimal("sNaN"), "sNaN is not a number"),
    (Decimal("-Infinity"), "-Infinity is not a number"),
    (dt.date(2026, 3, 5), "2026-03-05 is not a number"), (1e13, "10000000000000.0 is too large (more than 1,000,000,000,000)"),
    pytest.param(10**5000, "1.000E+5000 is too large (more than 1,000,000,000,000)", id="huge-int"),
])
def test_cells_that_are_not_numbers_are_refused(cell: object, message: str) -> None:
    with refused(message):
        parse_decimal(cell, POINT)


@pytest.mark.parametrize(("cell", "places", "expected"), [
    ("12.1", 2, "12.10"), (12.1, 2, "12.10"), ("2.345", 2, "2.35"), ("-2.345", 2, "-2.35"),
    ("2.3449", 2, "2.34"), (2.675, 2, "2.68"), ("0.5", 0, "1"), ("-0.001", 2, "0.00"),
    ("1.5E3", 2, "1500.00"), (7, 4, "7.0000"),
])
def test_places_round_half_up_and_keep_the_places(cell: object, places: int, expected: str) -> None:
    assert str(parse_decimal(cell, POINT, places=places)) == expected


def test_long_text_is_shortened_in_the_message() -> None:
    with refused(f"'{'x' * 39}…' is not a number"):
        parse_decimal("x" * 41, POINT)


def test_max_abs_is_inclusive_and_applies_to_negatives() -> None:
    assert parse_decimal("1,000", POINT, max_abs=Decimal(1000)) == 1000
    with refused("'-1,000.01' is too large (more than 1,000)"):
        parse_decimal("-1,000.01", POINT, max_abs=Decimal(1000))


def test_rounding_past_the_precision_is_a_problem_not_a_crash() -> None:
    with refused("'1e90' has too many digits"):
        parse_decimal("1e90", POINT, places=20, max_abs=Decimal("1e99"))


# -- parse_percent --------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "style", "expected"), [
    ("12.5 %", POINT, "12.5"), ("12.5%", POINT, "12.5"), ("12.5", POINT, "12.5"),
    ("12,5%", COMMA, "12.5"), ("-3 %", POINT, "-3"), ("(3%)", POINT, "-3"), ("0.125", POINT, "0.125"),
    ("100%", POINT, "100"), (15, POINT, "15"), (12.5, POINT, "12.5"), (0, POINT, "0"), (1.0, POINT, "1.0"),
])
def test_percentages_are_percent_numbers(cell: object, style: NumberStyle, expected: str) -> None:
    assert str(parse_percent(cell, style)) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    (0.125, "12.5"), (1.0, "100"), (1, "100"), (0, "0"), (-0.05, "-5"), (0.0125, "1.25"), (1.5, "150"),
    ("12.5%", "12.5"), ("0.125", "0.125"),
])
def test_fraction_cells_are_multiplied_but_text_is_read_as_written(cell: object, expected: str) -> None:
    assert str(parse_percent(cell, POINT, fraction_cells=True)) == expected


@pytest.mark.parametrize(("cell", "message"), [
    (0.125, "0.125 could be 12.5 % or 0.125 %; say whether this column holds fractions"),
    (-0.5, "-0.5 could be -50 % or -0.5 %; say whether this column holds fractions"),
    ("$12%", "'$12%' is not a percentage"), ("12%%", "'12%%' is not a percentage"),
    ("%", "'%' is not a percentage"), ("", "empty"), (True, "TRUE is not a percentage"),
    (float("nan"), "nan is not a percentage"),
])
def test_unreadable_or_ambiguous_percentages_are_refused(cell: object, message: str) -> None:
    with refused(message):
        parse_percent(cell, POINT)


# -- parse_int --------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("12", 12), (" 12 ", 12), ("+12", 12), ("-3", -3), ("007", 7), (12, 12), (12.0, 12),
    (Decimal("12.00"), 12), (-0.0, 0),
])
def test_whole_numbers_are_read(cell: object, expected: int) -> None:
    assert parse_int(cell) == expected


@pytest.mark.parametrize(("cell", "message"), [
    (12.5, "12.5 is not a whole number"), ("12.5", "'12.5' is not a whole number"),
    ("12.0", "'12.0' is not a whole number"), ("1,000", "'1,000' is not a whole number"),
    ("twelve", "'twelve' is not a whole number"), (True, "TRUE is not a whole number"),
    (float("nan"), "nan is not a whole number"), (Decimal("1.5"), "1.5 is not a whole number"),
    ("", "empty"), (None, "empty"), ("9" * 19, f"'{'9' * 19}' is too large"),
    (1e300, "1e+300 is too large"), (10**18, "1000000000000000000 is too large"),
    pytest.param("9" * 5000, f"'{'9' * 39}…' is too large", id="5000-digits"),
])
def test_what_is_not_a_whole_number_is_refused(cell: object, message: str) -> None:
    with refused(message):
        parse_int(cell)


@pytest.mark.parametrize(("cell", "minimum", "maximum", "message"), [
    (0, 1, 999, "0 is not between 1 and 999"), ("1000", 1, 999, "'1000' is not between 1 and 999"),
    (-1, 0, None, "-1 is less than 0"), (11, None, 10, "11 is more than 10"),
])
def test_out_of_range_names_the_range(cell: object, minimum: int | None, maximum: int | None,
                                      message: str) -> None:
    with refused(message):
        parse_int(cell, minimum=minimum, maximum=maximum)


def test_range_bounds_are_inclusive() -> None:
    assert [parse_int(n, minimum=1, maximum=3) for n in (1, "3")] == [1, 3]


@pytest.mark.parametrize(("text", "style", "expected"), [
    ("1.000", COMMA, 1000), ("12,0", COMMA, 12), ("1,000", POINT, 1000), ("1E3", POINT, 1000),
])
def test_with_a_style_whole_numbers_may_be_grouped(text: str, style: NumberStyle, expected: int) -> None:
    assert parse_int(text, style=style) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("12,5", "'12,5' is not a whole number"), ("€12", "'€12' is not a whole number"),
])
def test_with_a_style_fractions_and_money_are_still_refused(text: str, message: str) -> None:
    with refused(message):
        parse_int(text, style=COMMA)


# -- parse_date -------------------------------------------------------------------------------

MARCH_5 = dt.date(2026, 3, 5)


@pytest.mark.parametrize(("cell", "style"), [
    (MARCH_5, YMD), (dt.datetime(2026, 3, 5, 23, 59), YMD), ("2026-03-05", DMY), ("2026-03-05", MDY),
    ("2026-03-05T10:00:00", YMD), ("2026-03-05 10:00", YMD), ("2026-03-05T10:00:00.123+01:00", YMD),
    ("2026-03-05T10:00:00Z", YMD), ("2026/3/5", MDY), ("2026.03.05", DMY), ("20260305", YMD),
    ("05.03.2026", DMY), ("05/03/2026", DMY), ("5-3-2026", DMY), ("05/03/26", DMY),
    ("03/05/2026", MDY), ("3.5.26", MDY), ("05/03/2026 14:30", DMY), (" 05/03/2026 ", DMY),
    ("5 Mar 2026", YMD), ("5 March 2026", MDY), ("March 5, 2026", DMY), ("Mar. 5, 2026", DMY),
    ("05-Mar-2026", MDY), ("05-mar-26", YMD), ("5MAR2026", DMY), ("Mar 5 2026", DMY),
    (46086, DMY), (46086.75, DMY), ("46086", DMY), (Decimal("46086.5"), DMY), (44624, DMY_1904),
    ("44624", DMY_1904),
])
def test_dates_are_read(cell: object, style: DateStyle) -> None:
    assert parse_date(cell, style) == MARCH_5


@pytest.mark.parametrize(("text", "expected"), [
    ("01/01/00", dt.date(2000, 1, 1)), ("01/01/69", dt.date(2069, 1, 1)),
    ("01/01/70", dt.date(1970, 1, 1)), ("31/12/99", dt.date(1999, 12, 31)),
    ("29/02/2024", dt.date(2024, 2, 29)), ("1 Sept 2026", dt.date(2026, 9, 1)),
])
def test_two_digit_years_and_leap_days(text: str, expected: dt.date) -> None:
    assert parse_date(text, DMY) == expected


@pytest.mark.parametrize(("serial", "style", "expected"), [
    (1, DMY, dt.date(1900, 1, 1)), (59, DMY, dt.date(1900, 2, 28)), (61, DMY, dt.date(1900, 3, 1)),
    (45000, DMY, dt.date(2023, 3, 15)), (0, DMY_1904, dt.date(1904, 1, 1)),
    (45000, DMY_1904, dt.date(2027, 3, 16)),
])
def test_excel_serials_follow_the_workbook_date_system(serial: int, style: DateStyle,
                                                       expected: dt.date) -> None:
    assert parse_date(serial, style) == expected


@pytest.mark.parametrize(("cell", "style", "message"), [
    ("31/02/2026", DMY, "'31/02/2026' is not a date"), ("02/31/2026", MDY, "'02/31/2026' is not a date"),
    ("29/02/2026", DMY, "'29/02/2026' is not a date"), ("13/13/2026", DMY, "'13/13/2026' is not a date"),
    ("05/03/2026", YMD, "'05/03/2026' is not a date (expected the year first, as in 2026-03-05)"),
    ("2026-13-01", DMY, "'2026-13-01' is not a date"), ("2026-03-05T25:00", DMY, "'2026-03-05T25:00' is not a date"),
    ("05/03-2026", DMY, "'05/03-2026' is not a date"), ("05/03/202", DMY, "'05/03/202' is not a date"),
    ("5 Mars 2026", DMY, "'5 Mars 2026' is not a date"), ("March 2026", DMY, "'March 2026' is not a date"),
    ("tomorrow", DMY, "'tomorrow' is not a date"), ("NaN", DMY, "'NaN' is not a date"),
    ("4500", DMY, "'4500' is not a date"), ("45000.5", DMY, "'45000.5' is not a date"),
    ("05/03/2300", DMY, "'05/03/2300' is an absurd date (years 1900 to 2200 only)"),
    ("1899-12-31", DMY, "'1899-12-31' is an absurd date (years 1900 to 2200 only)"),
    ("5 Mar 1850", DMY, "'5 Mar 1850' is an absurd date (years 1900 to 2200 only)"),
    (dt.date(1, 1, 1), DMY, "0001-01-01 is an absurd date (years 1900 to 2200 only)"),
    (200000, DMY, "200000 is an absurd date (years 1900 to 2200 only)"),
    (3_000_000, DMY_1904, "3000000 is an absurd date (years 1900 to 2200 only)"),
    ("0000-03-05", DMY, "'0000-03-05' is an absurd date (years 1900 to 2200 only)"),
    (1e300, DMY, "1e+300 is an absurd date (years 1900 to 2200 only)"),
    ("00000", DMY, "'00000' is not a date (Excel's 0 January 1900 never existed)"),
    (-1, DMY, "-1 is not a date (a negative day number)"),
    (-0.5, DMY_1904, "-0.5 is not a date (a negative day number)"),
    (60, DMY, "60 is not a date (Excel's 29 February 1900 never existed)"),
    (0, DMY, "0 is not a date (Excel's 0 January 1900 never existed)"),
    ("10:00", DMY, "'10:00' is a time, not a date"), ("10:00:00 PM", DMY, "'10:00:00 PM' is a time, not a date"),
    (dt.time(10, 0), DMY, "10:00:00 is a time, not a date"), (float("nan"), DMY, "nan is not a date"),
    (float("inf"), DMY, "inf is not a date"), (True, DMY, "TRUE is not a date"),
    ("", DMY, "empty"), (None, DMY, "empty"),
])
def test_what_is_not_a_plausible_date_is_refused(cell: object, style: DateStyle, message: str) -> None:
    with refused(message):
        parse_date(cell, style)


# -- detecting a file's style ------------------------------------------------------------------

@pytest.mark.parametrize(("samples", "expected"), [
    (["1.234,56"], True), (["12,5"], True), (["0,75"], True), (["1,2345"], True), (["0,125"], True),
    (["€ 12,50", "(3,5)"], True), (["12,5 %"], True), (["1.234.567"], True),
    (["1,234.56"], False), (["12.5"], False), (["0.125"], False), (["1,234,567"], False),
    (["$1,234.00"], False), (["1'234.50"], False), (["1.5E3"], False),
    ([], None), (["1,234"], None), (["1.234"], None), (["1234", "12"], None), (["05.03.2026"], None),
    (["abc", "", "N/A"], None), (["1,234", "12,5"], True), (["1.234", "12.5"], False),
])
def test_decimal_comma_is_detected_from_unambiguous_samples(samples: list[str], expected: bool | None) -> None:
    assert detect_decimal_comma(samples) is expected


def test_mixed_decimal_separators_are_a_problem_naming_one_of_each() -> None:
    with refused("the file mixes decimal commas and decimal points: '12,5' and '3.75'"):
        detect_decimal_comma(["1,234", "12,5", "3.75", "0,5"])


@pytest.mark.parametrize(("samples", "expected"), [
    (["13/02/2026"], "dmy"), (["01/02/2026", "31.12.26"], "dmy"), (["31-1-2026 10:00"], "dmy"),
    (["02/13/2026"], "mdy"), (["12/31/26", "01/02/2026"], "mdy"),
    ([], None), (["01/02/2026", "12/12/2026"], None), (["2026-01-13", "13 Mar 2026", "March 13, 2026"], None),
    (["45/01/2026", "13/13/2026", "tomorrow"], None),
])
def test_date_order_is_detected_from_days_past_twelve(samples: list[str], expected: str | None) -> None:
    assert detect_date_order(samples) == expected


def test_mixed_date_orders_are_a_problem_naming_one_of_each() -> None:
    with refused("the file mixes day-first and month-first dates: '13/01/2026' and '01/13/2026'"):
        detect_date_order(["01/01/2026", "13/01/2026", "01/13/2026"])


# -- properties -----------------------------------------------------------------------------

@st.composite
def written_amounts(draw: st.DrawFn) -> tuple[Decimal, NumberStyle, str]:
    """An amount and how a spreadsheet or ERP export might write it."""
    places = draw(st.integers(0, 4))
    bound = Decimal(10**9) - Decimal(1).scaleb(-places)
    amount = draw(st.decimals(min_value=-bound, max_value=bound, places=places))
    style = draw(st.sampled_from([POINT, COMMA]))
    group = draw(st.sampled_from(["", ".", " ", "\u00a0", "\u202f", "'"] if style.decimal_comma
                                 else ["", ",", " ", "\u00a0", "\u202f", "'"]))
    point = "," if style.decimal_comma else "."
    text = f"{amount.copy_abs():,f}".replace(",", "\0").replace(".", point).replace("\0", group)
    before, after = draw(st.sampled_from([("", ""), ("$", ""), ("€ ", ""), ("", " €"), ("CHF ", ""),
                                          ("", " EUR"), ("USD", "")]))
    text = draw(st.sampled_from(["", " ", "\u00a0"])) + before + text + after
    if amount < 0:
        text = draw(st.sampled_from(["-" + text, f"({text})", text + "-"]))
    return amount, style, text


@given(written_amounts())
def test_written_amounts_read_back_exactly(case: tuple[Decimal, NumberStyle, str]) -> None:
    amount, style, text = case
    parsed = parse_decimal(text, style)
    assert parsed == amount
    assert parsed.as_tuple().exponent == amount.as_tuple().exponent


@given(st.floats(min_value=-1e12, max_value=1e12, exclude_min=True, exclude_max=True))
def test_float_cells_read_as_they_print(cell: float) -> None:
    expected = Decimal(repr(cell))
    for parsed in (parse_decimal(cell, POINT), parse_decimal(repr(cell), POINT)):
        assert parsed == expected
        assert parsed.as_tuple().exponent == expected.as_tuple().exponent


@given(st.floats(min_value=-1e6, max_value=1e6))
def test_fraction_cells_are_exactly_a_hundred_times_larger(cell: float) -> None:
    assert parse_percent(cell, POINT, fraction_cells=True) == Decimal(repr(cell)) * 100


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 12, 31)),
       st.sampled_from("/.-"), st.booleans())
def test_written_dates_read_back(day: dt.date, separator: str, padded: bool) -> None:
    d, m = (f"{day.day:02}", f"{day.month:02}") if padded else (str(day.day), str(day.month))
    assert parse_date(day.isoformat(), YMD) == day
    assert parse_date(f"{d}{separator}{m}{separator}{day.year}", DMY) == day
    assert parse_date(f"{m}{separator}{d}{separator}{day.year}", MDY) == day
    assert parse_date(day.strftime("%d %b %Y"), YMD) == day
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial, DMY) == day
    assert parse_date(serial + 0.999, MDY) == day


@given(st.dates(min_value=dt.date(1904, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_1904_serials_read_back(day: dt.date) -> None:
    assert parse_date((day - dt.date(1904, 1, 1)).days, DMY_1904) == day


@given(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2069, 12, 31)))
@example(dt.date(1970, 1, 1))
@example(dt.date(1999, 12, 31))
@example(dt.date(2000, 1, 1))
@example(dt.date(2069, 12, 31))
def test_two_digit_years_read_back_within_their_century(day: dt.date) -> None:
    assert parse_date(day.strftime("%d/%m/%y"), DMY) == day


NUMBERISH = st.text(alphabet="0123456789.,'-+ ()$€%eE/:T\u00a0", max_size=20)
DATEISH = st.from_regex(r"\A[0-9]{1,5}([-/. ]([0-9]{1,4}|[A-Za-z]{3,5})[-/., ]{1,2}[0-9]{1,4})?"
                        r"([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?\Z")


@given(st.one_of(st.text(), NUMBERISH, DATEISH), st.sampled_from([POINT, COMMA]),
       st.sampled_from([DMY, MDY, YMD, DMY_1904]))
def test_any_text_is_read_or_refused_with_a_value_problem(text: str, numbers: NumberStyle,
                                                          dates: DateStyle) -> None:
    for read in (lambda: parse_decimal(text, numbers), lambda: parse_decimal(text, numbers, places=2),
                 lambda: parse_percent(text, numbers), lambda: parse_int(text, minimum=0),
                 lambda: parse_int(text, style=numbers), lambda: parse_date(text, dates),
                 lambda: detect_decimal_comma([text]), lambda: detect_date_order([text])):
        try:
            read()
        except ValueProblem as problem:
            assert str(problem)


@given(st.lists(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2060, 12, 31)), max_size=10),
       st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2060, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y", "%d/%m/%y %H:%M"]), st.randoms())
def test_day_first_dates_with_a_day_past_twelve_say_dmy(days: list[dt.date], telling: dt.date,
                                                        layout: str, random: Random) -> None:
    assume(telling.day > 12)
    samples = [d.strftime(layout) for d in [*days, telling]]
    random.shuffle(samples)
    assert detect_date_order(samples) == "dmy"
    assert detect_date_order([d.strftime(layout.replace("%d", "\0").replace("%m", "%d")
                                         .replace("\0", "%m")) for d in [*days, telling]]) == "mdy"


@given(st.lists(written_amounts(), min_size=1, max_size=10), st.sampled_from([POINT, COMMA]))
def test_detection_never_contradicts_the_style_a_file_was_written_in(
        cases: list[tuple[Decimal, NumberStyle, str]], style: NumberStyle) -> None:
    samples = [text for _, written_style, text in cases if written_style == style]
    assert detect_decimal_comma(samples) in (style.decimal_comma, None)


@given(st.decimals(min_value=-10**6, max_value=10**6, places=6), st.integers(0, 4))
def test_places_agree_with_decimal_half_up(amount: Decimal, places: int) -> None:
    expected = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert parse_decimal(f"{amount:f}", POINT, places=places) == expected
