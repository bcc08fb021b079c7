"""Writing an export: an xlsx people can trust (and CSV of each sheet), never a broken file.

xlsxwriter rather than openpyxl: it writes rows straight to disk (constant memory), sets a
column's format once instead of per cell, and writes text as text (strings_to_formulas off),
so "=SUM(A1)", "+49 89 ..." or "@home" stay exactly as typed. Text columns also carry the
Text number format, so a cell edited in Excel stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from qtc_desktop.domain.values import show
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.columns import COLUMNS, Kind, Value
from qtc_desktop.services.exporting.layouts import KEY_HEADER, VERSION_HEADER, SheetLayout

META_SHEET = "_qtc"
CELL_LIMIT = 32767  # characters an Excel cell holds
_WIDTHS: dict[Kind, int] = {"text": 18, "date": 12, "quantity": 11, "money": 14, "integer": 7}


class ExportRefused(QtcError):
    """The export cannot be written as asked; nothing was written and nothing changed."""


@dataclass(frozen=True)
class SheetRows:
    layout: SheetLayout
    rows: Sequence[Sequence[Value]]  # values in the layout's column order, then key and version
    labels: Sequence[str]  # the order number of each row, for messages


def write_xlsx(path: Path, sheets: Sequence[SheetRows], meta: Mapping[str, str],
               step: Callable[[int], None] = lambda _rows: None) -> None:
    """Write the workbook to a temporary file beside `path`, then rename it into place."""
    import xlsxwriter

    with _replacing(path) as temporary:
        workbook = xlsxwriter.Workbook(str(temporary), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        try:
            formats = _Formats(workbook)
            worksheet_class = _text_safe_worksheet()
            for sheet in sheets:
                _write_sheet(workbook.add_worksheet(sheet.layout.name, worksheet_class), formats, sheet, step)
            _write_meta(workbook.add_worksheet(META_SHEET, worksheet_class), formats, meta)
        finally:
            workbook.close()


# A CSV cell has no Text format: Excel and LibreOffice take text starting with one of these as a
# formula ("-PO-17" too, which shows #NAME?). A leading apostrophe keeps it text, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(path: Path, sheet: SheetRows) -> None:
    """One sheet as UTF-8 CSV (with a BOM, which Excel needs to read it as UTF-8).

    Text that starts like a formula gets a leading apostrophe; numbers and dates (-2 in
    Quantity Change) are written as they are, since a spreadsheet reads them as values.
    """
    with _replacing(path) as temporary:
        with temporary.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow([_csv_text(header) for _, header in sheet.layout.columns] + [KEY_HEADER, VERSION_HEADER])
            for row in sheet.rows:
                writer.writerow([_csv_text(value) if isinstance(value, str) else show(value) for value in row])


def _csv_text(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class _Formats:
    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True,
                                           "valign": "top"})
        self.key_header = workbook.add_format({"bold": True, "font_color": "#808080", "bottom": 1})
        self.by_kind: dict[Kind, Any] = {
            "text": workbook.add_format({"num_format": "@"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "quantity": workbook.add_format({"num_format": "General"}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            "integer": workbook.add_format({"num_format": "0"}),
        }
        self.key = workbook.add_format({"num_format": "@", "font_color": "#808080"})


_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


@functools.cache
def _text_safe_worksheet() -> type:
    """xlsxwriter's worksheet, writing every string as exactly the text it is.

    xlsxwriter (3.x) escapes a literal "_xHHHH_" by its leading underscore, but misses the
    second of two sequences sharing an underscore ("_x0041_x0042_" came back as "_x0041B"),
    and writes any string shaped like "<r>...</r>" unescaped, as rich-text XML: a customer
    PO "<r>A & B</r>" made a workbook Excel must repair. Here every underscore that starts
    "_xHHHH_" is escaped, and such a string becomes one plain run with its text escaped.
    """
    from xml.sax.saxutils import escape

    from xlsxwriter.worksheet import Worksheet

    class TextSafeWorksheet(Worksheet):
        @staticmethod
        def _escape_control_characters(data: Any) -> Any:
            if not isinstance(data, str):
                return data
            if data.isprintable() and "_x" not in data and not data.startswith("<r>"):
                return data  # most text: nothing to escape (control characters are never printable)
            data = _ESCAPE_LIKE.sub("_x005F_", data)
            data = _NOT_IN_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", data)
            if data.startswith("<r>") and data.endswith("</r>"):  # only a cell's raw text starts with "<"
                data = f'<r><t xml:space="preserve">{escape(data)}</t></r>'
            return data

    return TextSafeWorksheet


def _write_sheet(worksheet: Any, formats: _Formats, sheet: SheetRows, step: Callable[[int], None]) -> None:
    kinds = [COLUMNS[name].kind for name, _ in sheet.layout.columns]
    for index, (name, header) in enumerate(sheet.layout.columns):
        kind = kinds[index]
        width = max(_WIDTHS[kind], min(len(header) + 2, 40))
        worksheet.set_column(index, index, width, formats.by_kind[kind])
        worksheet.write_string(0, index, header, formats.header)
    key_column = len(sheet.layout.columns)
    worksheet.set_column(key_column, key_column, 24, formats.key)
    worksheet.set_column(key_column + 1, key_column + 1, 11, formats.key)
    worksheet.write_string(0, key_column, KEY_HEADER, formats.key_header)
    worksheet.write_string(0, key_column + 1, VERSION_HEADER, formats.key_header)
    worksheet.freeze_panes(1, 0)
    last = max(1, len(sheet.rows))
    for index, (name, _) in enumerate(sheet.layout.columns):
        choices = COLUMNS[name].choices
        if choices:
            worksheet.data_validation(1, index, last, index, {
                "validate": "list", "source": list(choices), "ignore_blank": True,
                "error_type": "warning", "error_title": "Not one of the choices",
                "error_message": "Pick one of the values in the list."})
    write_string, write_number, write_datetime = worksheet.write_string, worksheet.write_number, worksheet.write_datetime
    text_format, date_format = formats.by_kind["text"], formats.by_kind["date"]
    for row_number, (row, label) in enumerate(zip(sheet.rows, sheet.labels), start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if len(value) > CELL_LIMIT or "\ufffe" in value or "\uffff" in value:
                    header = sheet.layout.columns[column][1] if column < key_column else KEY_HEADER
                    if len(value) > CELL_LIMIT:
                        raise ExportRefused(f"Order {label}, column '{header}': the text is {len(value):,} characters "
                                            f"long; an Excel cell holds {CELL_LIMIT:,}. Shorten it; nothing was "
                                            "exported.")
                    raise ExportRefused(f"Order {label}, column '{header}': the text holds the character U+FFFE or "
                                        "U+FFFF, which no spreadsheet file can hold. Remove it; nothing was exported.")
                write_string(row_number, column, value, text_format if column < key_column else formats.key)
            elif isinstance(value, dt.date):
                write_datetime(row_number, column, dt.datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, Decimal):
                write_number(row_number, column, float(value), formats.by_kind[kinds[column]])
            else:
                write_number(row_number, column, value, formats.key if column >= key_column else None)
        if row_number % 1000 == 0:
            step(1000)
    step(len(sheet.rows) % 1000)


def _write_meta(worksheet: Any, formats: _Formats, meta: Mapping[str, str]) -> None:
    """The round trip's facts, in a hidden sheet out of the ERP's way."""
    worksheet.set_column(0, 0, 16)
    worksheet.set_column(1, 1, 60, formats.by_kind["text"])
    for row, (key, value) in enumerate(meta.items()):
        worksheet.write_string(row, 0, key)
        worksheet.write_string(row, 1, value)
    worksheet.hide()


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that takes its place only when fully written."""
    folder = path.parent
    if not folder.is_dir():
        raise ExportRefused(f"Cannot write {path}: the folder {folder} does not exist.")
    temporary = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        yield temporary
        os.replace(temporary, path)
    except PermissionError as exc:
        raise ExportRefused(f"Cannot write {path}: {exc.strerror or exc}. If the file is open in Excel or "
                            "another program, close it and export again; the old file is unchanged.") from exc
    except OSError as exc:
        raise ExportRefused(f"Cannot write {path}: {exc.strerror or exc}. The old file is unchanged.") from exc
    finally:
        temporary.unlink(missing_ok=True)
