"""Comparing what the sheet says with the export's snapshot and the order now: changes and conflicts.

A field is *changed in the sheet* when it differs from what was exported (the batch's
snapshot). If the order also changed that field in the app since, it is a *conflict*.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, FulfillmentOrderLine, Shipment
from qtc_desktop.domain.values import show
from qtc_desktop.services.exporting.columns import COLUMNS, ExportColumn, Facts
from qtc_desktop.services.exporting.reimport_plan import Problem, SheetChange
from qtc_desktop.services.exporting.reimport_sheets import Found, Cell
from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS, OrderField, ValueRefused, parse_value
from qtc_desktop.services.orders.shipping import delivers, shipped_quantities

DATE = OrderField("confirmed_date", "Confirmed date", "date")
QUANTITY = OrderField("shipped", "Shipped quantity", "quantity")
_CHUNK = 500  # order ids per query when loading the orders a sheet names (well under any bind limit)


def load_orders(session: Session, order_ids: Sequence[int]) -> dict[int, FulfillmentOrder]:
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


def compare(order: FulfillmentOrder, snapshot: dict[str, Any], found: Found,
             errors: list[Problem]) -> tuple[list[SheetChange], list[SheetChange]]:
    facts = Facts(shipped_quantities(order),
                  next((s.tracking_number for s in reversed(order.shipments) if s.tracking_number), None))
    lines = {line.id: line for line in order.lines}
    both: list[SheetChange] = []
    only: list[SheetChange] = []
    checks: list[tuple[ExportColumn, int | None, str, Cell]] = []
    for name, value in found.header.items():
        checks.append((COLUMNS[name], None, snapshot.get("order", {}).get(name, ""), value))
    # A tracking number goes on a shipment: one already recorded, or one the sheet's quantities make.
    found_lines = found.lines()
    ships = bool(order.shipments) or any(values["shipped"][0].strip() not in ("", "0")
                                         for values in found_lines.values() if "shipped" in values)
    for found_line, values in found_lines.items():
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
            parse_value(DATE, text)
        elif column.name == "shipped":
            value = parse_value(QUANTITY, text or "0") if text.strip() not in ("", "0") else Decimal(0)
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
    wanted = parse_value(QUANTITY, text) if text.strip() not in ("", "0") else Decimal(0)
    assert isinstance(wanted, Decimal)
    if wanted and (line.kind is not FulfillmentKind.SHIP or not delivers(line)):
        return f"line {line.line_no} ({line.product_code}) is not goods that ship; its shipped quantity stays 0"
    if wanted > line.quantity:
        return f"shipped quantity {text} is more than the {show(line.quantity)} of line {line.line_no}"
    return None


def _as_stored(column: ExportColumn, text: str) -> str:
    """The sheet's (valid) text as the field stores and shows it: "DHL " as "DHL", "SN1;SN2" as "SN1, SN2"."""
    if column.name == "shipped":
        return show(parse_value(QUANTITY, text)) if text.strip() not in ("", "0") else "0"
    if column.name == "tracking_number":
        return text.strip()
    spec = DATE if column.name == "confirmed_date" else (
        HEADER_FIELDS.get(column.name) if column.level == "order" else LINE_FIELDS.get(column.name))
    return show(parse_value(spec, text)) if spec is not None else text

