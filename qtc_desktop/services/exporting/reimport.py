"""Taking an exported workbook back from the ERP team: what they changed, what conflicts, applied.

Each row carries its order's (and line's) signed key and the version the order had when it
left. A field is *changed in the sheet* when it differs from what was exported (the batch's
snapshot). If the order also changed that field in the app since, it is a *conflict*: shown
with the three values and applied only when the coordinator says so. Rows missing from the
sheet change nothing. A damaged or forged key, a workbook from another database, or a value
a field cannot take refuses the whole file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import (
    ChangeSource,
    ExportBatch,
    ExportBatchOrder,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Shipment,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.columns import COLUMNS, ExportColumn, Facts
from qtc_desktop.services.exporting.keys import read_key
from qtc_desktop.services.exporting.layouts import KEY_HEADER, VERSION_HEADER, Layout, SheetLayout
from qtc_desktop.services.exporting.service import collector_paused
from qtc_desktop.services.exporting.writer import META_SHEET
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.importing.reading import RawSheet, RawWorkbook, UnreadableFile, read_workbook
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import EditRefused
from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS, OrderField, ValueRefused, parse_value
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, delivers, record_shipment, shipped_quantities
from qtc_desktop.services.orders.workflow import change_status, refusals
from qtc_desktop.services.progress import Progress
from qtc_desktop.store.journal import recording

_DATE = OrderField("confirmed_date", "Confirmed date", "date")
_QUANTITY = OrderField("shipped", "Shipped quantity", "quantity")
_UNCALCULATED = ("the cell holds a formula that was never calculated (the program that saved the file does "
                 "not compute formulas); type the value itself, or open and save the file in Excel or LibreOffice")
_CHUNK = 500  # order ids per query when loading the orders a sheet names (well under any bind limit)


@dataclass(frozen=True)
class SheetChange:
    order: str
    order_id: int
    line_no: int | None
    line_id: int | None
    column: str  # the export column's name
    exported: str
    current: str
    sheet: str

    @property
    def field(self) -> str:
        return self.column if self.line_no is None else f"line {self.line_no} {self.column}"

    def as_applied(self) -> dict[str, Any]:
        return {"order": self.order, "field": self.field, "old": self.current or None, "new": self.sheet or None}

    def as_conflict(self) -> dict[str, Any]:
        return {"order": self.order, "field": self.field, "exported": self.exported or None,
                "current": self.current or None, "sheet": self.sheet or None}


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None  # 1-based, as the spreadsheet shows it
    column: str | None  # the header
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"sheet '{self.sheet}'" if self.sheet else "",
                                            f"row {self.row}" if self.row else "",
                                            f"column '{self.column}'" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ReimportPlan:
    path: Path
    batch_id: int | None
    changes: tuple[SheetChange, ...] = ()  # changed in the sheet only: applied
    conflicts: tuple[SheetChange, ...] = ()  # changed on both sides: applied only when accepted
    errors: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self, applied: Sequence[SheetChange] | None = None,
                pending: Sequence[SheetChange] | None = None) -> dict[str, Any]:
        return {"file": str(self.path), "export": self.batch_id,
                "applied": [change.as_applied() for change in (self.changes if applied is None else applied)],
                "conflicts": [change.as_conflict() for change in (self.conflicts if pending is None else pending)],
                "errors": [problem.as_json() for problem in self.errors], "notes": list(self.notes)}


_Cell = tuple[str, int, str, str]  # a cell's text, its row, its sheet and its column's header


@dataclass
class _Found:
    """What the sheet says about one order: its order-level values and each line's."""

    order_id: int
    header: dict[str, _Cell] = field(default_factory=dict)  # column -> (text, row, sheet, header)
    lines: dict[int, dict[str, _Cell]] = field(default_factory=dict)


@collector_paused
def plan_reimport(session: Session, path: Path, progress: Progress | None = None) -> ReimportPlan:
    """Read the workbook and work out every change and conflict; nothing is stored."""
    try:
        workbook = read_workbook(path, progress=progress)
    except UnreadableFile as exc:
        return ReimportPlan(path, None, errors=(Problem(None, None, None, str(exc)),))
    meta, problem = _meta(session, workbook)
    if meta is None:
        return ReimportPlan(path, None, errors=(problem or Problem(None, None, None, "unreadable"),))
    batch_id, layout = meta
    batch = session.get(ExportBatch, batch_id)
    if batch is None:
        return ReimportPlan(path, batch_id, errors=(Problem(META_SHEET, None, None, (
            f"export {batch_id} is not known to this database; was it exported from a copy?")),))
    versions = {entry.order_id: entry for entry in session.execute(
        select(ExportBatchOrder).where(ExportBatchOrder.batch_id == batch.id)).scalars()}
    found: dict[int, _Found] = {}
    errors: list[Problem] = []
    for sheet_layout in layout.sheets:
        sheet = _sheet(workbook, sheet_layout)
        if sheet is None:
            errors.append(Problem(sheet_layout.name, None, None, "the sheet is missing from the workbook"))
            continue
        errors += _read_sheet(sheet, sheet_layout, batch.token, versions, found)
    if errors:
        return ReimportPlan(path, batch.id, errors=tuple(errors))
    changes: list[SheetChange] = []
    conflicts: list[SheetChange] = []
    # Only an order with a value that differs from its snapshot can change or conflict: load just those.
    differing = {order_id: sheet_values for order_id, sheet_values in sorted(found.items())
                 if _differs(versions[order_id].snapshot, sheet_values)}
    loaded = _load_orders(session, list(differing))
    for order_id, sheet_values in differing.items():
        order = loaded.get(order_id) or find_order(session, order_id)
        both, only = _compare(order, versions[order_id].snapshot, sheet_values, errors)
        changes += only
        conflicts += both
    missing = len(versions) - len(found)
    notes = (f"{missing} exported order(s) are not in the sheet; they are left as they are.",) if missing else ()
    return ReimportPlan(path, batch.id, tuple(changes), tuple(conflicts), tuple(errors), notes)


def apply_reimport(session: Session, plan: ReimportPlan, *, who: str,
                   accept: Collection[tuple[str, str]] = ()) -> list[SheetChange]:
    """Apply the plan's changes and the accepted conflicts ((order, field) pairs), in the caller's
    transaction; returns what was applied. Refused whole if the plan has errors."""
    if plan.errors:
        raise QtcError(f"{plan.path.name} was not taken back: " + "; ".join(map(str, plan.errors[:5])))
    chosen = list(plan.changes) + [c for c in plan.conflicts if (c.order, c.field) in accept]
    by_order: dict[int, list[SheetChange]] = {}
    for change in chosen:
        by_order.setdefault(change.order_id, []).append(change)
    reason = f"ERP round trip: {plan.path.name}"
    for order_id, changes in by_order.items():
        order = find_order(session, order_id)
        try:
            _apply_order(session, order, changes, who, reason)
        except EditRefused as exc:
            raise QtcError(f"{order.number}: {exc}") from exc
    return chosen


def _apply_order(session: Session, order: FulfillmentOrder, changes: Sequence[SheetChange], who: str,
                 reason: str) -> None:
    header = {c.column: c.sheet for c in changes if c.line_id is None and c.column in HEADER_FIELDS}
    lines: dict[int, dict[str, str]] = {}
    for change in changes:
        if change.line_no is not None and change.column in LINE_FIELDS:
            lines.setdefault(change.line_no, {})[change.column] = change.sheet
    if header or lines:
        apply_edit(session, order, OrderEdit(header, lines), who=who, source=ChangeSource.ERP_ROUND_TRIP,
                   reason=reason)
    confirmed = next((c for c in changes if c.column == "confirmed_date"), None)
    if confirmed is not None:
        with recording(session, who=who, source=ChangeSource.ERP_ROUND_TRIP, reason=reason):
            order.confirmed_date = parse_value(_DATE, confirmed.sheet)  # type: ignore[assignment]
    tracking = next((c.sheet.strip() or None for c in changes if c.column == "tracking_number"), None)
    shipped_now = shipped_quantities(order)
    quantities = {}
    for change in changes:
        if change.column == "shipped" and change.line_id is not None:
            more = Decimal(change.sheet or "0") - shipped_now.get(change.line_id, Decimal(0))
            if more > 0:
                quantities[change.line_no or 0] = more
    if quantities:
        if order.status in (OrderStatus.READY,):
            change_status(session, order, OrderStatus.SENT_TO_ERP, who=who, source=ChangeSource.ERP_ROUND_TRIP,
                          reason=reason)
        record_shipment(session, order, ShipmentRequest(quantities, tracking_number=tracking), who=who,
                        source=ChangeSource.ERP_ROUND_TRIP)
    elif tracking is not None and order.shipments:
        with recording(session, who=who, source=ChangeSource.ERP_ROUND_TRIP, reason=reason):
            order.shipments[-1].tracking_number = tracking
    if order.erp_order_number and order.status is OrderStatus.SENT_TO_ERP and not refusals(
            session, order, OrderStatus.CONFIRMED, None):
        change_status(session, order, OrderStatus.CONFIRMED, who=who, source=ChangeSource.ERP_ROUND_TRIP,
                      reason=reason)


def _load_orders(session: Session, order_ids: Sequence[int]) -> dict[int, FulfillmentOrder]:
    """The orders, loaded as find_order loads one (lines, account, quote, shipments), a chunk of ids per
    query instead of several queries per order. An id not found is left to find_order (NotFound)."""
    options = [selectinload(FulfillmentOrder.lines).selectinload(FulfillmentOrderLine.quote_line),
               selectinload(FulfillmentOrder.account),
               selectinload(FulfillmentOrder.quote),
               selectinload(FulfillmentOrder.shipments).selectinload(Shipment.lines),
               selectinload(FulfillmentOrder.shipments).selectinload(Shipment.packages)]
    loaded: dict[int, FulfillmentOrder] = {}
    for start in range(0, len(order_ids), _CHUNK):
        chunk = list(order_ids[start:start + _CHUNK])
        loaded.update((order.id, order) for order in session.execute(
            select(FulfillmentOrder).where(FulfillmentOrder.id.in_(chunk)).options(*options)).scalars())
    return loaded


def _meta(session: Session, workbook: RawWorkbook) -> tuple[tuple[int, Layout], None] | tuple[None, Problem]:
    sheet = next((s for s in workbook.sheets if s.name == META_SHEET), None)
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


def _sheet(workbook: RawWorkbook, layout: SheetLayout) -> RawSheet | None:
    by_name = next((sheet for sheet in workbook.sheets if sheet.name == layout.name), None)
    if by_name is not None:
        return by_name
    # A renamed sheet: the one visible sheet that still has the key column.
    keyed = [s for s in workbook.sheets if s.name != META_SHEET and s.rows and KEY_HEADER in s.rows[0]]
    return keyed[0] if len(keyed) == 1 else None


def _read_sheet(sheet: RawSheet, layout: SheetLayout, secret: str, versions: dict[int, ExportBatchOrder],
                found: dict[int, _Found]) -> list[Problem]:
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
    for number, row in enumerate(sheet.rows[1:], start=2):
        if row.count(None) == len(row):  # an empty row
            continue
        version = _integer(row[version_at])
        entry = None
        identity = None
        if version is not None:
            identity = read_key(secret, _text(row[key_at]), version)
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
        moved = _moved_key(entry.snapshot, line_id, row, number_at, line_at)
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
        target = found.setdefault(order_id, _Found(order_id))
        for index, name, header in order_columns:
            cell = (_text(row[index]), number, sheet.name, header)
            first = target.header.get(name)
            if first is None:
                target.header[name] = cell
            elif cell[0] and cell[0] != first[0]:
                # Nested layouts leave the order's later rows blank; line rows repeat its values, and the
                # ERP side may have changed (or sorted) any one of them.
                exported = entry.snapshot.get("order", {}).get(name, "")
                if first[0] == exported:
                    target.header[name] = cell
                elif cell[0] != exported:
                    problems.append(Problem(sheet.name, number, header, (
                        f"this order's rows say different things: '{first[0]}' in row {first[1]}, "
                        f"'{cell[0]}' here; make them the same")))
        if line_id is not None and line_columns:
            values = target.lines.setdefault(line_id, {})
            for index, name, header in line_columns:
                values[name] = (_text(row[index]), number, sheet.name, header)
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


def _differs(snapshot: dict[str, Any], found: _Found) -> bool:
    """Whether any value in the sheet differs from the snapshot (else _compare finds nothing to do)."""
    header = snapshot.get("order", {})
    if any(value[0] != header.get(name, "") for name, value in found.header.items()):
        return True
    lines = snapshot.get("lines", {})
    for found_line, values in found.lines.items():
        exported_line = lines.get(str(found_line), {})
        if any(value[0] != exported_line.get(name, "") for name, value in values.items()):
            return True
    return False


def _compare(order: FulfillmentOrder, snapshot: dict[str, Any], found: _Found,
             errors: list[Problem]) -> tuple[list[SheetChange], list[SheetChange]]:
    facts = Facts(shipped_quantities(order),
                  next((s.tracking_number for s in reversed(order.shipments) if s.tracking_number), None))
    lines = {line.id: line for line in order.lines}
    both: list[SheetChange] = []
    only: list[SheetChange] = []
    checks: list[tuple[ExportColumn, int | None, str, _Cell]] = []
    for name, value in found.header.items():
        checks.append((COLUMNS[name], None, snapshot.get("order", {}).get(name, ""), value))
    # A tracking number goes on a shipment: one already recorded, or one the sheet's quantities make.
    ships = bool(order.shipments) or any(values["shipped"][0].strip() not in ("", "0")
                                         for values in found.lines.values() if "shipped" in values)
    for found_line, values in found.lines.items():
        exported_line = snapshot.get("lines", {}).get(str(found_line), {})
        for name, value in values.items():
            checks.append((COLUMNS[name], found_line, exported_line.get(name, ""), value))
    for column, line_id, exported, (sheet_text, row, sheet_name, header) in checks:
        if sheet_text == exported:
            continue
        line = lines.get(line_id) if line_id is not None else None
        if line_id is not None and line is None:
            errors.append(Problem(sheet_name, row, header, f"line of {order.number} no longer exists"))
            continue
        problem = _check_value(column, sheet_text, facts, line_id)
        if problem is None and column.name == "shipped" and line is not None:
            problem = _cannot_ship(line, sheet_text)
        elif problem is None and column.name == "tracking_number" and not ships and sheet_text.strip():
            problem = "a tracking number belongs to a shipment; fill in the shipped quantities as well"
        if problem:
            errors.append(Problem(sheet_name, row, header, f"{order.number}: {problem}"))
            continue
        stored = _as_stored(column, sheet_text)
        if stored == exported:  # retyped the same ("DHL " for "DHL"): not a change
            continue
        current = show(column.read(order, line, facts))
        if current in (sheet_text, stored):
            continue
        change = SheetChange(order.number, order.id, line.line_no if line is not None else None, line_id,
                             column.name, exported, current, sheet_text)
        (only if current == exported else both).append(change)
    return both, only


def _check_value(column: ExportColumn, text: str, facts: Facts, line_id: int | None) -> str | None:
    spec = HEADER_FIELDS.get(column.name) if column.level == "order" else LINE_FIELDS.get(column.name)
    try:
        if column.name == "confirmed_date":
            parse_value(_DATE, text)
        elif column.name == "shipped":
            value = parse_value(_QUANTITY, text or "0") if text.strip() not in ("", "0") else Decimal(0)
            assert isinstance(value, Decimal)
            if line_id is not None and value < facts.shipped.get(line_id, Decimal(0)):
                return (f"shipped quantity {text} is less than the {show(facts.shipped[line_id])} "
                        "already recorded; shipments are not taken back this way")
        elif column.name == "tracking_number":
            if len(text.strip()) > 64:
                return "the tracking number is longer than 64 characters"
        elif spec is not None:
            parse_value(spec, text)
    except ValueRefused as exc:
        return f"{column.label.lower()} {exc}"
    return None


def _cannot_ship(line: FulfillmentOrderLine, text: str) -> str | None:
    """Why the line cannot have shipped this (valid) quantity, found before anything is applied."""
    wanted = parse_value(_QUANTITY, text) if text.strip() not in ("", "0") else Decimal(0)
    assert isinstance(wanted, Decimal)
    if wanted and (line.kind is not FulfillmentKind.SHIP or not delivers(line)):
        return f"line {line.line_no} ({line.product_code}) is not goods that ship; its shipped quantity stays 0"
    if wanted > line.quantity:
        return f"shipped quantity {text} is more than the {show(line.quantity)} of line {line.line_no}"
    return None


def _as_stored(column: ExportColumn, text: str) -> str:
    """The sheet's (valid) text as the field stores and shows it: "DHL " as "DHL", "SN1;SN2" as "SN1, SN2"."""
    if column.name == "shipped":
        return show(parse_value(_QUANTITY, text)) if text.strip() not in ("", "0") else "0"
    if column.name == "tracking_number":
        return text.strip()
    spec = _DATE if column.name == "confirmed_date" else (
        HEADER_FIELDS.get(column.name) if column.level == "order" else LINE_FIELDS.get(column.name))
    return show(parse_value(spec, text)) if spec is not None else text


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
