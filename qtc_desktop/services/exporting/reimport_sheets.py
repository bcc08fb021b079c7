"""What the ERP's copy says: its meta sheet, and each row's order, line and values, keys checked.

Each row carries its order's (and line's) signed key and the version the order had when it
left. A damaged or forged key, a key moved onto another row, a row given twice or a formula
never calculated refuses the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from qtc_desktop.domain.values import show
from qtc_desktop.services.exporting.columns import COLUMNS
from qtc_desktop.services.exporting.keys import read_key
from qtc_desktop.services.exporting.layouts import KEY_HEADER, VERSION_HEADER, Layout, SheetLayout
from qtc_desktop.services.exporting.reimport_plan import Problem
from qtc_desktop.services.exporting.writer import META_SHEET
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.importing.reading import RawSheet, RawWorkbook

_NOTHING: dict[str, Any] = {}  # a snapshot's missing part: read, never written

_UNCALCULATED = ("the cell holds a formula that was never calculated (the program that saved the file does "
                 "not compute formulas); type the value itself, or open and save the file in Excel or LibreOffice")


class Exported(NamedTuple):
    """One order of the batch: the version it left at and its snapshot."""

    order_version: int
    snapshot: dict[str, Any]


Cell = tuple[str, int, str, str]  # a cell's text, its row, its sheet and its column's header


Columns = list[tuple[int, str, str]]  # of a sheet's editable columns: its index, its name and its header
LineRow = tuple[list[object], int, str, Columns]  # a row holding a line's values, its number, its sheet, its columns


@dataclass
class Found:
    """What the sheet says about one order: its order-level values and each line's."""

    order_id: int
    header: dict[str, Cell] = field(default_factory=dict)  # column -> (text, row, sheet, header)
    # The rows that hold each line's values (in a nested layout, one per sheet): kept as rows and
    # turned into cells (`lines`) only for an order that differs.
    line_rows: dict[int, list[LineRow]] = field(default_factory=dict)
    # Whether any value kept here differs from the export's snapshot; an order without one can
    # neither change nor conflict, and is not even loaded.
    differs: bool = False

    def lines(self) -> dict[int, dict[str, Cell]]:
        """Line id -> column -> (text, row, sheet, header); a later sheet's value wins."""
        return {line_id: {name: (_text(row[index]), number, sheet, header)
                          for row, number, sheet, columns in rows for index, name, header in columns}
                for line_id, rows in self.line_rows.items()}


def read_meta(session: Session, sheet: RawSheet | None) -> tuple[tuple[int, Layout], None] | tuple[None, Problem]:
    """The export id and layout from the workbook's meta sheet, if it is this database's."""
    if sheet is None:
        return None, Problem(None, None, None, (
            f"this is not a workbook exported by qtc-desktop (its '{META_SHEET}' sheet is missing)"))
    values = {str(row[0]): row[1] for row in sheet.rows if len(row) >= 2 and row[0] is not None}
    if str(values.get("database")) != database_id(session):
        return None, Problem(META_SHEET, None, None, (
            "this workbook was exported from another database; take it back into the database it came from"))
    try:
        batch_id = int(str(values.get("export")))
        layout = Layout.from_text(str(values.get("layout")))
    except (ValueError, KeyError, TypeError):
        return None, Problem(META_SHEET, None, None, "the export's details are damaged")
    return (batch_id, layout), None


def find_sheet(workbook: RawWorkbook, layout: SheetLayout) -> RawSheet | None:
    by_name = next((sheet for sheet in workbook.sheets if sheet.name == layout.name), None)
    if by_name is not None:
        return by_name
    # A renamed sheet: the one visible sheet that still has the key column.
    keyed = [s for s in workbook.sheets if s.name != META_SHEET and s.rows and KEY_HEADER in s.rows[0]]
    return keyed[0] if len(keyed) == 1 else None


def read_sheet(sheet: RawSheet, layout: SheetLayout, secret: str, versions: dict[int, Exported],
                found: dict[int, Found]) -> list[Problem]:
    if not sheet.rows:
        return [Problem(sheet.name, None, None, "the sheet is empty")]
    headers = [str(cell).strip() if cell is not None else "" for cell in sheet.rows[0]]
    if KEY_HEADER not in headers or VERSION_HEADER not in headers:
        return [Problem(sheet.name, 1, KEY_HEADER, f"the '{KEY_HEADER}' and '{VERSION_HEADER}' columns are "
                        "missing; they say which order each row is")]
    key_at, version_at = headers.index(KEY_HEADER), headers.index(VERSION_HEADER)
    columns = [(headers.index(header), COLUMNS[name], header) for name, header in layout.columns
               if header in headers and COLUMNS[name].editable]
    order_columns = [(index, column.name, header) for index, column, header in columns if column.level == "order"]
    line_columns = [(index, column.name, header) for index, column, header in columns if column.level != "order"]
    number_at = next((headers.index(h) for n, h in layout.columns if n == "number" and h in headers), None)
    line_at = next((headers.index(h) for n, h in layout.columns if n == "line_no" and h in headers), None)
    uncalculated = set(sheet.formulas_without_value)
    problems: list[Problem] = []
    seen: set[tuple[int, int | None]] = set()
    sheet_name = sheet.name
    for number, row in enumerate(sheet.rows[1:], start=2):
        if row[key_at] is None and row.count(None) == len(row):  # an empty row
            continue
        value = row[version_at]
        version = int(value) if isinstance(value, float) and value.is_integer() else _integer(value)
        entry = None
        identity = None
        if version is not None:
            key = row[key_at]
            identity = read_key(secret, key if isinstance(key, str) else _text(key), version)
            entry = versions.get(identity[0]) if identity is not None else None
        if identity is None or entry is None or entry.order_version != version:
            problems.append(Problem(sheet.name, number, KEY_HEADER, (
                "the row's key or version is damaged or was not written by this export; "
                "rows cannot be added or their keys changed")))
            continue
        order_id, line_id = identity
        if (order_id, line_id) in seen:
            problems.append(Problem(sheet.name, number, KEY_HEADER, "this row appears twice in the sheet"))
            continue
        seen.add((order_id, line_id))
        snapshot = entry.snapshot
        # Most rows show their key's own order and line number: then nothing was moved.
        line_numbers = snapshot.get("line_numbers", _NOTHING)
        if not ((number_at is None or row[number_at] == snapshot.get("number")) and (
                line_at is None or line_id is None or row[line_at] == line_numbers.get(str(line_id)))):
            moved = _moved_key(snapshot, line_id, row, number_at, line_at)
            if moved:
                problems.append(Problem(sheet.name, number, KEY_HEADER, moved))
                continue
        if uncalculated:
            # Read as empty, such a cell would clear the field: never silently.
            formulas = [Problem(sheet.name, number, header, _UNCALCULATED)
                        for index, _, header in (*order_columns, *line_columns) if (number - 1, index) in uncalculated]
            if formulas:
                problems += formulas
                continue
        target = found.get(order_id)
        if target is None:
            target = found[order_id] = Found(order_id)
        kept = target.header
        exported_order = snapshot.get("order", _NOTHING)
        for index, name, header in order_columns:
            value = row[index]
            text = "" if value is None else value if value.__class__ is str else _text(value)
            first = kept.get(name)
            if first is None:
                kept[name] = (text, number, sheet_name, header)
                if text != exported_order.get(name, ""):
                    target.differs = True
            elif text and text != first[0]:
                # Nested layouts leave the order's later rows blank; line rows repeat its values, and the
                # ERP side may have changed (or sorted) any one of them.
                exported = exported_order.get(name, "")
                if first[0] == exported:
                    kept[name] = (text, number, sheet_name, header)
                    target.differs = True
                elif text != exported:
                    problems.append(Problem(sheet.name, number, header, (
                        f"this order's rows say different things: '{first[0]}' in row {first[1]}, "
                        f"'{text}' here; make them the same")))
        if line_id is not None and line_columns:
            line_rows = target.line_rows.get(line_id)
            if line_rows is None:
                target.line_rows[line_id] = [(row, number, sheet_name, line_columns)]
            else:
                line_rows.append((row, number, sheet_name, line_columns))
            if not target.differs:
                exported_line = snapshot.get("lines", _NOTHING).get(str(line_id), _NOTHING)
                for index, name, _ in line_columns:
                    value = row[index]
                    if ("" if value is None else value if value.__class__ is str else _text(value)) != (
                            exported_line.get(name, "")):
                        target.differs = True
                        break
    return problems


def _moved_key(snapshot: dict[str, Any], line_id: int | None, row: list[object], number_at: int | None,
               line_at: int | None) -> str | None:
    """Why the row's own order or line number says its key belongs to another row (None if it agrees)."""
    order_number = snapshot.get("number")
    shown = _text(row[number_at]).strip() if number_at is not None else ""
    if order_number and shown and shown != order_number:
        return (f"the row says order {shown} but its key is order {order_number}'s: the key columns were "
                "moved apart from their rows (sort or copy whole rows)")
    line_no = snapshot.get("line_numbers", {}).get(str(line_id)) if line_id is not None else None
    shown = _text(row[line_at]).strip() if line_at is not None else ""
    if line_no is not None and shown and shown != str(line_no):
        return (f"the row says line {shown} but its key is line {line_no}'s: the key columns were moved apart "
                "from their rows (sort or copy whole rows)")
    return None



def _text(value: object) -> str:
    """A cell as the text the export wrote: dates as ISO dates, numbers without a trailing .0."""
    if value is None:
        return ""
    if type(value) is str:  # most cells; the same as str(value) below
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        try:
            return show(Decimal(repr(value)))
        except InvalidOperation:
            return repr(value)
    return str(value)


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
