"""Turning the rows under a header into quote drafts, with a problem at every bad cell."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from qtc_desktop.domain import QuoteType
from qtc_desktop.services.importing import values
from qtc_desktop.services.importing.drafts import LineDraft, QuoteDraft
from qtc_desktop.services.importing.fields import (
    DATE_FIELDS,
    INTEGER_FIELDS,
    MONEY_FIELDS,
    PERCENT_FIELDS,
    QUANTITY_FIELDS,
    Field,
)
from qtc_desktop.services.importing.layout import Layout
from qtc_desktop.services.importing.problems import Problem, column_letter
from qtc_desktop.services.importing.reading import RawWorkbook

DateOrder = Literal["dmy", "mdy"]
_MISSING = object()

_TOTALS = re.compile(r"^\s*(grand\s+|sub\s*-?)?totals?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_QUOTE_TYPES = {
    "new": QuoteType.NEW, "quote": QuoteType.NEW, "new business": QuoteType.NEW,
    "amendment": QuoteType.AMENDMENT, "amend": QuoteType.AMENDMENT, "change order": QuoteType.AMENDMENT,
    "renewal": QuoteType.RENEWAL, "renew": QuoteType.RENEWAL,
    "cancellation": QuoteType.CANCELLATION, "cancel": QuoteType.CANCELLATION,
    "termination": QuoteType.CANCELLATION,
}
# The longest text each field may hold, as the database stores it.
_MAX_LENGTH = {Field.QUOTE_NUMBER: 64, Field.PRODUCT_CODE: 64, Field.PRODUCT_NAME: 255,
               Field.ACCOUNT_NAME: 255, Field.ACCOUNT_ID: 64, Field.LINE_ID: 64,
               Field.PARENT_LINE_ID: 64, Field.PRODUCT_FAMILY: 64, Field.ORIGINAL_QUOTE: 64,
               Field.CONTRACT: 64, Field.BILLING_FREQUENCY: 32}
# Fields that belong to the quote, not the line, and the QuoteDraft attribute of each.
_QUOTE_FIELDS = {Field.QUOTE_TYPE: "type", Field.QUOTE_REVISION: "revision",
                 Field.QUOTE_DATE: "quote_date", Field.ACCOUNT_NAME: "account_name",
                 Field.ACCOUNT_ID: "account_external_id", Field.CURRENCY: "currency",
                 Field.ORIGINAL_QUOTE: "original_quote", Field.CONTRACT: "contract"}
MAX_QUANTITY = Decimal("1e9")


@dataclass(frozen=True)
class ReadOptions:
    """What the user told us about a file when it could not be decided from the file."""

    date_order: DateOrder | None = None
    decimal_comma: bool | None = None


@dataclass(frozen=True)
class BuildResult:
    quotes: list[QuoteDraft]
    problems: list[Problem]
    notes: list[str]
    needs_date_order: bool = False  # dates like 03/04/2026 with nothing to tell the order


def build_quotes(workbook: RawWorkbook, layout: Layout, options: ReadOptions = ReadOptions()) -> BuildResult:
    return _Builder(workbook, layout, options).build()


class _Builder:
    def __init__(self, workbook: RawWorkbook, layout: Layout, options: ReadOptions) -> None:
        self.workbook = workbook
        self.layout = layout
        self.sheet = layout.sheet.name
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.needs_date_order = False
        self.rows = [(index + 1, row) for index, row in enumerate(layout.sheet.rows)
                     if index > layout.header_row]
        self.numbers = values.NumberStyle(self._decimal_comma(options))
        self.dates = values.DateStyle(self._date_order(options), date1904=workbook.date1904)
        self.percent_fractions = self._percent_fractions()
        # column, field, and that column's parsed values by (type, cell): exports repeat them
        self._columns: list[tuple[int, Field, dict[tuple[type, Any], Any]]] = [
            (column, field, {}) for column, field in layout.fields.items()]
        self._code_column = layout.column_of(Field.PRODUCT_CODE)

    # -- file-wide decisions ---------------------------------------------------------

    def _column_strings(self, fields: Iterable[Field]) -> list[str]:
        columns = [c for c, f in self.layout.fields.items() if f in set(fields)]
        cells = (row[c] for _, row in self.rows for c in columns if c < len(row))
        return [cell for cell in cells if isinstance(cell, str) and cell.strip()]

    def _decimal_comma(self, options: ReadOptions) -> bool:
        if options.decimal_comma is not None:
            return options.decimal_comma
        try:
            found = values.detect_decimal_comma(
                self._column_strings(MONEY_FIELDS | QUANTITY_FIELDS | PERCENT_FIELDS))
        except values.ValueProblem as exc:
            self.problems.append(Problem(self.sheet, None, None, str(exc)))
            return False
        if found:
            self.notes.append("Numbers use a decimal comma (1.234,56)")
        return bool(found)

    def _percent_fractions(self) -> bool:
        """Whether percentage cells hold fractions, as Excel stores a cell formatted 12.5 %.

        A CPQ export writes discounts as percent numbers (12.5); a sheet formatted by a
        person stores 0.125. Decided per file: only numbers within -1..1 means fractions.
        """
        columns = [c for c, f in self.layout.fields.items() if f in PERCENT_FIELDS]
        cells = (row[c] for _, row in self.rows for c in columns if c < len(row))
        numbers = [float(cell) for cell in cells if isinstance(cell, int | float) and not isinstance(cell, bool)]
        fractions = bool(numbers) and all(-1 <= n <= 1 for n in numbers) and any(numbers)
        if fractions:
            self.notes.append("Discounts are percentage cells (0.125 reads as 12.5 %)")
        return fractions

    def _date_order(self, options: ReadOptions) -> Literal["ymd", "dmy", "mdy"]:
        strings = [s for s in self._column_strings(DATE_FIELDS) if _DAY_MONTH.match(s)]
        try:
            found = values.detect_date_order(strings)
        except values.ValueProblem as exc:
            self.problems.append(Problem(self.sheet, None, None, str(exc)))
            return "dmy"
        if options.date_order is not None:
            return options.date_order
        if found is not None:
            self.notes.append("Dates are day first (31/12/2026)" if found == "dmy"
                              else "Dates are month first (12/31/2026)")
            return found
        if strings:
            self.needs_date_order = True
            self.problems.append(Problem(self.sheet, None, None, (
                f"dates such as '{strings[0].strip()}' could be day first or month first; "
                "choose the date order")))
        return "ymd"

    # -- rows --------------------------------------------------------------------------

    def build(self) -> BuildResult:
        self._formulas_without_value()
        quotes: dict[str, QuoteDraft] = {}
        for row_number, row in self.rows:
            if self._skip(row):
                continue
            parsed = self._parse_row(row_number, row)
            if parsed is None:
                continue
            number = parsed.get(Field.QUOTE_NUMBER)
            if not number:
                self._problem(row_number, Field.QUOTE_NUMBER, "no quote number")
                continue
            quote = quotes.get(number)
            if quote is None:
                quote = quotes[number] = QuoteDraft(number=number, first_row=row_number)
                self._set_quote_fields(quote, parsed, row_number, first=True)
            else:
                self._set_quote_fields(quote, parsed, row_number, first=False)
            quote.lines.append(self._line(parsed, row_number, row, len(quote.lines) + 1))
        for quote in quotes.values():
            self._finish(quote)
        if not quotes and not self.problems:
            self.problems.append(Problem(self.sheet, self.layout.header_row + 2, None,
                                         "no quote lines under the header row"))
        return BuildResult(list(quotes.values()), self.problems, self.notes, self.needs_date_order)

    def _skip(self, row: list[Any]) -> bool:
        code_column = self._code_column  # a row with a product is neither blank nor a total
        if code_column is not None and code_column < len(row) and not _blank(row[code_column]):
            return False
        cells = [row[c] for c in self.layout.fields if c < len(row)]
        if all(_blank(value) for value in cells):
            return True  # a blank row, or one with text only in unmapped columns
        code_column = self.layout.column_of(Field.PRODUCT_CODE)
        code = row[code_column] if code_column is not None and code_column < len(row) else None
        # A totals row: "Total" somewhere and no product.
        return _blank(code) and any(isinstance(v, str) and _TOTALS.match(v) for v in row)

    def _parse_row(self, row_number: int, row: list[Any]) -> dict[Field, Any] | None:
        parsed: dict[Field, Any] = {}
        ok = True
        width = len(row)
        for column, field, cache in self._columns:
            value = row[column] if column < width else None
            if value is None or (value.__class__ is str and not value.strip()):
                continue
            key = (value.__class__, value)  # 1, 1.0 and True are equal keys otherwise
            found = cache.get(key, _MISSING)
            if found is not _MISSING:
                parsed[field] = found
                continue
            try:
                parsed[field] = cache[key] = self._value(field, value)
            except values.ValueProblem as exc:
                self.problems.append(Problem(self.sheet, row_number, column_letter(column),
                                             f"{self.layout.headers[column]}: {exc}"))
                ok = False
        for field in (Field.PRODUCT_CODE, Field.QUANTITY):
            if field not in parsed and ok:
                self._problem(row_number, field, f"no {field.label.lower()}")
                ok = False
        return parsed if ok else None

    def _value(self, field: Field, value: Any) -> Any:
        if field in MONEY_FIELDS:
            return values.parse_decimal(value, self.numbers, places=2 if field is Field.NET_TOTAL else 4)
        if field in QUANTITY_FIELDS:
            quantity = values.parse_decimal(value, self.numbers, places=4, max_abs=MAX_QUANTITY)
            if quantity < 0:
                raise values.ValueProblem(f"{value!r} is negative")
            return quantity
        if field in PERCENT_FIELDS:
            return values.parse_percent(value, self.numbers, fraction_cells=self.percent_fractions,
                                        places=4)
        if field in DATE_FIELDS:
            return values.parse_date(value, self.dates)
        if field in INTEGER_FIELDS:
            return values.parse_int(value, minimum=0, maximum=1_000_000)
        text = _text(value)
        limit = _MAX_LENGTH.get(field)
        if limit is not None and len(text) > limit:
            raise values.ValueProblem(f"longer than {limit} characters")
        if "\x00" in text:  # PostgreSQL's text cannot hold it; refused alike on every engine
            raise values.ValueProblem("contains a NUL character (U+0000)")
        if field is Field.QUOTE_TYPE:
            quote_type = _QUOTE_TYPES.get(text.lower())
            if quote_type is None:
                raise values.ValueProblem(
                    f"'{text}' is not a quote type (new, amendment, renewal, cancellation)")
            return quote_type
        if field is Field.CURRENCY:
            if not _CURRENCY.match(text.upper()):
                raise values.ValueProblem(f"'{text}' is not a three-letter currency code")
            return text.upper()
        return text

    def _set_quote_fields(self, quote: QuoteDraft, parsed: dict[Field, Any], row_number: int, *, first: bool) -> None:
        for field, attribute in _QUOTE_FIELDS.items():
            if field not in parsed:
                continue
            if first or getattr(quote, attribute) in (None, ""):
                setattr(quote, attribute, parsed[field])
            elif getattr(quote, attribute) != parsed[field]:
                self._problem(row_number, field, (
                    f"quote {quote.number} has '{_show(getattr(quote, attribute))}' in row "
                    f"{quote.first_row} but '{_show(parsed[field])}' here"))

    def _line(self, parsed: dict[Field, Any], row_number: int, row: list[Any], position: int) -> LineDraft:
        line = LineDraft(
            row=row_number,
            line_no=parsed.get(Field.LINE_NUMBER, position),
            product_code=parsed[Field.PRODUCT_CODE],
            quantity=parsed[Field.QUANTITY],
            product_name=parsed.get(Field.PRODUCT_NAME, ""),
            product_family=parsed.get(Field.PRODUCT_FAMILY),
            external_id=parsed.get(Field.LINE_ID),
            parent_external_id=parsed.get(Field.PARENT_LINE_ID),
            prior_quantity=parsed.get(Field.PRIOR_QUANTITY),
            list_price=parsed.get(Field.LIST_PRICE),
            net_price=parsed.get(Field.NET_PRICE),
            discount_percent=parsed.get(Field.DISCOUNT),
            start_date=parsed.get(Field.START_DATE),
            end_date=parsed.get(Field.END_DATE),
            subscription_term=parsed.get(Field.SUBSCRIPTION_TERM),
            billing_frequency=parsed.get(Field.BILLING_FREQUENCY),
            extra={header: _text(row[column]) for column, header in self.layout.extras.items()
                   if column < len(row) and not _blank(row[column])},
        )
        if Field.NET_TOTAL in parsed:
            line.net_total = parsed[Field.NET_TOTAL]
        elif line.net_price is not None:
            line.net_total = (line.net_price * line.quantity).quantize(Decimal("0.01"))
        if line.net_price is None and Field.NET_TOTAL in parsed and line.quantity:
            line.net_price = (line.net_total / line.quantity).quantize(Decimal("0.0001"))
        if line.start_date and line.end_date and line.end_date < line.start_date:
            self._problem(row_number, Field.END_DATE, "ends before it starts")
        return line

    def _finish(self, quote: QuoteDraft) -> None:
        numbers = [line.line_no for line in quote.lines]
        for line in quote.lines:
            if numbers.count(line.line_no) > 1:
                self._problem(line.row, Field.LINE_NUMBER,
                              f"line {line.line_no} appears twice in quote {quote.number}")
        ids = {line.external_id for line in quote.lines if line.external_id}
        for line in quote.lines:
            if line.parent_external_id and line.parent_external_id not in ids:
                self._problem(line.row, Field.PARENT_LINE_ID,
                              f"'{line.parent_external_id}' is not a line of quote {quote.number}")
        if quote.type is QuoteType.NEW and Field.QUOTE_TYPE not in self.layout.fields.values():
            # Without a type column, a prior quantity or a reference to what it changes
            # says the quote amends a contract.
            if any(line.prior_quantity is not None for line in quote.lines) or quote.original_quote \
                    or quote.contract:
                quote.type = QuoteType.AMENDMENT
        if not quote.account_name and not quote.account_external_id:
            self.problems.append(Problem(self.sheet, quote.first_row, None,
                                         f"quote {quote.number} names no account"))

    def _formulas_without_value(self) -> None:
        used = set(self.layout.fields) | set(self.layout.extras)
        for row, column in self.layout.sheet.formulas_without_value:
            if row > self.layout.header_row and column in used:
                header = self.layout.headers.get(column, column_letter(column))
                self.problems.append(Problem(self.sheet, row + 1, column_letter(column), (
                    f"{header}: a formula without a saved value; open the file in Excel or "
                    "LibreOffice and save it, so its results are stored")))

    def _problem(self, row_number: int, field: Field, message: str) -> None:
        column = self.layout.column_of(field)
        header = self.layout.headers.get(column, field.label) if column is not None else field.label
        self.problems.append(Problem(self.sheet, row_number,
                                     column_letter(column) if column is not None else None,
                                     f"{header}: {message}"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a product code typed as 1001 arrives as 1001.0
    return str(value).strip()


def _show(value: Any) -> str:
    return value.value if isinstance(value, QuoteType) else str(value)
