"""Reading one cell as an amount, a percentage, a whole number or a date, strictly and exactly."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, DecimalException
from typing import Literal


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says why, the caller adds sheet, row and column."""


@dataclass(frozen=True)
class NumberStyle:
    """How a file writes numbers: False for 1,234.56, True for 1.234,56."""

    decimal_comma: bool


@dataclass(frozen=True)
class DateStyle:
    """How a file writes numeric dates such as 05/03/2026, and its Excel date system."""

    order: Literal["ymd", "dmy", "mdy"]
    date1904: bool = False


# Enough digits that rounding an amount to its places never loses anything before the rounding.
_EXACT = Context(prec=100)
_FIRST_YEAR, _LAST_YEAR = 1900, 2200
_LARGEST_WHOLE = 10**18  # beyond a 64-bit integer column; no count in a quote comes near
_CURRENCY_CODES = frozenset(
    "USD EUR GBP CHF JPY CNY RMB CAD AUD NZD HKD SGD SEK NOK DKK PLN CZK HUF RON BGN "
    "INR BRL MXN ZAR TRY ILS KRW AED SAR".split())
# Longest first, so that "US$" is not read as "US" followed by "$".
_CURRENCY_SYMBOLS = ("US$", "NZ$", "HK$", "C$", "A$", "S$", "R$", "Fr.", "$", "€", "£", "¥",
                     "₹", "₩", "₽", "₺", "₪", "₫", "₱", "kr", "zł", "Kč", "Ft")
_SPACES = re.compile(r"\s+")
_EXPONENT = re.compile(r"[+-]?[0-9]{1,6}")
_FRACTION = re.compile(r"[0-9]*")
_WHOLE_TEXT = re.compile(r"[+-]?[0-9]+")


def _show(value: object) -> str:
    """The value as a coordinator would recognise it in a message, kept short."""
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:39]}…'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) and abs(value) >= 10**40:
        return f"{Decimal(value):.3E}"  # str() refuses ints of more than 4300 digits
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)[:40]


# -- numbers ------------------------------------------------------------------------------

def _currency_at(text: str, *, end: bool) -> int:
    """The length of the currency symbol or ISO code that starts (or ends) text, else 0."""
    code = text[-3:] if end else text[:3]
    if code.isascii() and code.upper() in _CURRENCY_CODES:
        return 3
    for symbol in _CURRENCY_SYMBOLS:
        if text.endswith(symbol) if end else text.startswith(symbol):
            return len(symbol)
    return 0


def _unwrap(text: str, *, currency: bool, percent: bool) -> tuple[bool, str] | None:
    """Split "(€ 1.234,50)" into (negative, "1.234,50"); None when signs contradict."""
    rest = text.strip().replace("\u2212", "-")
    parenthesized = len(rest) >= 2 and rest[0] == "(" and rest[-1] == ")"
    if parenthesized:
        rest = rest[1:-1].strip()
    sign, found_currency, found_percent = "", False, False
    while True:
        if not sign and rest[:1] in ("+", "-"):
            sign, rest = rest[0], rest[1:].lstrip()
        elif currency and not found_currency and (length := _currency_at(rest, end=False)):
            found_currency, rest = True, rest[length:].lstrip()
        else:
            break
    while True:
        if not sign and rest.endswith("-"):  # SAP writes negative amounts as "1234-"
            sign, rest = "-", rest[:-1].rstrip()
        elif percent and not found_percent and rest.endswith("%"):
            found_percent, rest = True, rest[:-1].rstrip()
        elif currency and not found_currency and (length := _currency_at(rest, end=True)):
            found_currency, rest = True, rest[:-length].rstrip()
        else:
            break
    if parenthesized and sign:
        return None  # "(-5)" could mean 5 or -5
    return parenthesized or sign == "-", rest


def _plain_digits(body: str, decimal_comma: bool) -> str | None:
    """'1.234,5' -> '1234.5' in the comma style; None unless every separator is where it belongs.

    Thousands are grouped by three after a first group of one to three digits that does not
    start with 0; Indian grouping (1,23,456) is refused, as "1,23" is likelier a decimal comma.
    """
    point, group = (",", ".") if decimal_comma else (".", ",")
    mantissa, has_exponent, exponent = _SPACES.sub(" ", body).replace("e", "E").partition("E")
    if has_exponent and not _EXPONENT.fullmatch(exponent):
        return None
    whole, _, fraction = mantissa.partition(point)
    if not (whole or fraction) or not _FRACTION.fullmatch(fraction):
        return None
    marks = set(re.sub("[0-9]", "", whole))
    if len(marks) > 1 or not marks <= {group, " ", "'", "’"}:
        return None
    if marks:
        first, *others = whole.split(marks.pop())
        if not 1 <= len(first) <= 3 or first[0] == "0" or any(len(g) != 3 for g in others):
            return None
        whole = first + "".join(others)
    digits = (whole or "0") + (f".{fraction}" if fraction else "")
    return digits + (f"E{exponent}" if has_exponent else "")


def _from_text(text: str, style: NumberStyle, noun: str, *, currency: bool, percent: bool) -> Decimal:
    """The exact Decimal a number's text stands for; never goes through float."""
    unwrapped = _unwrap(text, currency=currency, percent=percent)
    digits = None if unwrapped is None else _plain_digits(unwrapped[1], style.decimal_comma)
    if unwrapped is None or digits is None:
        hint = ""
        if unwrapped is not None and _plain_digits(unwrapped[1], not style.decimal_comma):
            hint = (" (expected a decimal comma, as in 1.234,56)" if style.decimal_comma
                    else " (expected a decimal point, as in 1,234.56)")
        raise ValueProblem(f"{_show(text)} is not {noun}{hint}")
    return Decimal(("-" if unwrapped[0] else "") + digits)


def _number(value: object, style: NumberStyle, noun: str, *, currency: bool, percent: bool) -> Decimal:
    """Any cell that holds a finite number, as an exact Decimal (a float as it prints)."""
    if value is None or isinstance(value, str) and not value.strip():
        raise ValueProblem("empty")
    if isinstance(value, str):
        return _from_text(value, style, noun, currency=currency, percent=percent)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))  # 12.1 is Decimal('12.1'), not its binary expansion
    if isinstance(value, Decimal) and value.is_finite():
        return value
    raise ValueProblem(f"{_show(value)} is not {noun}")


def _finish(number: Decimal, value: object, places: int | None, max_abs: Decimal) -> Decimal:
    """Refuse what is too large, round half up to places, and answer 1500 for 1.5E3, 0 for -0."""
    if number.copy_abs() > max_abs:
        raise ValueProblem(f"{_show(value)} is too large (more than {max_abs:,f})")
    exponent = number.as_tuple().exponent
    if places is None and isinstance(exponent, int) and exponent > 0:
        places = 0
    if places is not None:
        try:
            number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, _EXACT)
        except DecimalException:
            raise ValueProblem(f"{_show(value)} has too many digits") from None
    return number.copy_abs() if number.is_zero() else number


def parse_decimal(value: object, style: NumberStyle, *, places: int | None = None,
                  max_abs: Decimal = Decimal("1e12")) -> Decimal:
    """An amount or quantity: "1,234.50", "(1.234,50 €)", "CHF 1'234.50", "1234-", "1.5E3"."""
    number = _number(value, style, "a number", currency=True, percent=False)
    return _finish(number, value, places, max_abs)


def parse_percent(value: object, style: NumberStyle, *, fraction_cells: bool = False,
                  places: int | None = None, max_abs: Decimal = Decimal("1e12")) -> Decimal:
    """A percentage as its percent number: "12.5 %", "12,5%" and "12.5" all give 12.5.

    Text is read as written. Excel stores a cell formatted as 12.5 % as the number 0.125, so
    numeric cells follow fraction_cells: True multiplies every number by 100; False takes
    numbers as percent numbers but refuses one strictly between -1 and 1 (other than 0), which
    is far likelier a percent-formatted fraction than a rate under one percent.
    """
    number = _number(value, style, "a percentage", currency=False, percent=True)
    if not isinstance(value, str):
        if fraction_cells:
            number = number.scaleb(2, _EXACT)
        elif 0 < number.copy_abs() < 1:
            raise ValueProblem(f"{_show(value)} could be {number.scaleb(2):f} % or {number:f} %; "
                               "say whether this column holds fractions")
    return _finish(number, value, places, max_abs)


def _whole(value: object, style: NumberStyle | None) -> int | None:
    """The whole number a cell holds, or None; anything from 10**18 on comes back as 10**18."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and style is None:
        text = value.strip()
        if not _WHOLE_TEXT.fullmatch(text):
            return None
        return _LARGEST_WHOLE if len(text.lstrip("+-")) > 18 else int(text)
    if isinstance(value, str) and style is not None:
        number = _from_text(value, style, "a whole number", currency=False, percent=False)
    elif isinstance(value, (float, Decimal)):
        number = _number(value, NumberStyle(False), "a whole number", currency=False, percent=False)
    else:
        return None
    if number.copy_abs() >= _LARGEST_WHOLE:
        return _LARGEST_WHOLE
    return int(number) if number == number.to_integral_value() else None


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None,
              style: NumberStyle | None = None) -> int:
    """A whole number: 12, 12.0 or "12"; with a style, also text such as "1,000" or "12,0"."""
    if value is None or isinstance(value, str) and not value.strip():
        raise ValueProblem("empty")
    number = _whole(value, style)
    if number is None:
        raise ValueProblem(f"{_show(value)} is not a whole number")
    if abs(number) >= _LARGEST_WHOLE:
        raise ValueProblem(f"{_show(value)} is too large")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if minimum is not None and maximum is not None:
            raise ValueProblem(f"{_show(value)} is not between {minimum} and {maximum}")
        if minimum is not None:
            raise ValueProblem(f"{_show(value)} is less than {minimum}")
        raise ValueProblem(f"{_show(value)} is more than {maximum}")
    return number


# -- dates --------------------------------------------------------------------------------

_MONTHS = {name: number for number, month in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1) for name in (month, month[:3])} | {"sept": 9}
_SERIAL = re.compile(r"[0-9]{5}")
_TIME_ONLY = re.compile(r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?")
_TIME = re.compile(r"(?:T|\s+)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?"
                   r"(?:\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}))?$")
_YEAR_FIRST = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_ISO_BASIC = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_NUMERIC = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_DAY_MONTH = re.compile(r"([0-9]{1,2})[\s./-]*([A-Za-z]{3,9})\.?[\s,./-]*([0-9]{4}|[0-9]{2})")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.?[\s./-]*([0-9]{1,2})[\s,./-]+([0-9]{4}|[0-9]{2})")


def _absurd(value: object) -> ValueProblem:
    return ValueProblem(f"{_show(value)} is an absurd date (years {_FIRST_YEAR} to {_LAST_YEAR} only)")


def _from_serial(value: int | float | Decimal, date1904: bool, shown: object) -> dt.date:
    """Excel's day number; in the 1900 system day 60 is its fake 29 February 1900."""
    if value < 0:
        raise ValueProblem(f"{_show(shown)} is not a date (a negative day number)")
    serial = math.floor(value)  # the fraction is the time of day
    if serial > 400_000:
        raise _absurd(shown)
    if date1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=serial)
    if serial in (0, 60):
        fake = "0 January" if serial == 0 else "29 February"
        raise ValueProblem(f"{_show(shown)} is not a date (Excel's {fake} 1900 never existed)")
    return dt.date(1899, 12, 31 if serial < 60 else 30) + dt.timedelta(days=serial)


def _without_time(text: str) -> tuple[str, bool]:
    """The text before a time of day such as "T10:00:00" or " 10:00", and whether that time is valid."""
    found = _TIME.search(text)
    if found is None:
        return text, True
    hour, minute, second = (int(part or 0) for part in found.groups())
    return text[:found.start()], hour <= 23 and minute <= 59 and second <= 59


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return year + (2000 if year <= 69 else 1900)
    return year


def _date_from_text(text: str, style: DateStyle) -> dt.date:
    if _SERIAL.fullmatch(text):
        return _from_serial(int(text), style.date1904, text)
    if _TIME_ONLY.fullmatch(text):
        raise ValueProblem(f"{_show(text)} is a time, not a date")
    body, time_ok = _without_time(text)
    month: int | None
    if found := _YEAR_FIRST.fullmatch(body):
        year, month, day = int(found[1]), int(found[3]), int(found[4])
    elif found := _ISO_BASIC.fullmatch(body):
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    elif found := _NUMERIC.fullmatch(body):
        if style.order == "ymd":
            raise ValueProblem(f"{_show(text)} is not a date (expected the year first, as in 2026-03-05)")
        first, second = int(found[1]), int(found[3])
        day, month = (first, second) if style.order == "dmy" else (second, first)
        year = _full_year(found[4])
    elif found := _DAY_MONTH.fullmatch(body):
        day, month, year = int(found[1]), _MONTHS.get(found[2].lower()), _full_year(found[3])
    elif found := _MONTH_DAY.fullmatch(body):
        month, day, year = _MONTHS.get(found[1].lower()), int(found[2]), _full_year(found[3])
    else:
        raise ValueProblem(f"{_show(text)} is not a date")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise _absurd(text)
    if month is None or not time_ok:
        raise ValueProblem(f"{_show(text)} is not a date")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueProblem(f"{_show(text)} is not a date") from None


def parse_date(value: object, style: DateStyle) -> dt.date:
    """A date from a date cell, an Excel day number, or text such as "05/03/2026" or "5 Mar 2026"."""
    if value is None or isinstance(value, str) and not value.strip():
        raise ValueProblem("empty")
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        day = _date_from_text(value.strip(), style)
    elif isinstance(value, dt.time):
        raise ValueProblem(f"{_show(value)} is a time, not a date")
    elif (isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
          and (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value))):
        day = _from_serial(value, style.date1904, value)
    else:
        raise ValueProblem(f"{_show(value)} is not a date")
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise _absurd(value)
    return day


# -- what a whole file says about its style -----------------------------------------------

def detect_decimal_comma(samples: Iterable[str]) -> bool | None:
    """Whether a file's numbers use a decimal comma: True, False, or None when nothing tells.

    A sample tells only if it reads as a number in exactly one style: "1.234,5" and "0,75" say
    comma, "12.5" and "1,234,567" say point, "1,234" says nothing.
    """
    comma: str | None = None
    point: str | None = None
    for sample in samples:
        unwrapped = _unwrap(sample, currency=True, percent=True) if isinstance(sample, str) else None
        if unwrapped is None:
            continue
        as_comma = _plain_digits(unwrapped[1], True) is not None
        if as_comma == (_plain_digits(unwrapped[1], False) is not None):
            continue
        if as_comma:
            comma = comma or sample
        else:
            point = point or sample
    if comma is not None and point is not None:
        raise ValueProblem("the file mixes decimal commas and decimal points: "
                           f"{_show(comma)} and {_show(point)}")
    return True if comma is not None else False if point is not None else None


def detect_date_order(samples: Iterable[str]) -> Literal["dmy", "mdy"] | None:
    """Whether numeric dates such as 31/12/2026 put the day or the month first; None if no sample tells."""
    day_first: str | None = None
    month_first: str | None = None
    for sample in samples:
        found = _NUMERIC.fullmatch(_without_time(sample.strip())[0]) if isinstance(sample, str) else None
        if found is None:
            continue
        first, second = int(found[1]), int(found[3])
        if 12 < first <= 31 and 1 <= second <= 12:
            day_first = day_first or sample
        elif 12 < second <= 31 and 1 <= first <= 12:
            month_first = month_first or sample
    if day_first is not None and month_first is not None:
        raise ValueProblem("the file mixes day-first and month-first dates: "
                           f"{_show(day_first)} and {_show(month_first)}")
    return "dmy" if day_first is not None else "mdy" if month_first is not None else None
