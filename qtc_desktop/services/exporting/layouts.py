"""Export layouts: which sheets, which columns under which headers, one row per order or line.

Built in: generic (an Orders sheet and a Lines sheet), Odoo's sale-order import and
ERPNext's Data Import. Coordinators define their own (choose, rename and order columns),
saved by name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ExportLayout
from qtc_desktop.services.errors import NotFound, QtcError
from qtc_desktop.services.exporting.columns import COLUMNS, LINE_COLUMNS, ORDER_COLUMNS

Rows = Literal["order", "line", "nested"]  # nested: the order's columns only on its first line's row
KEY_HEADER, VERSION_HEADER = "qtc key", "qtc version"
BUILT_IN = ("generic", "odoo", "erpnext")


@dataclass(frozen=True)
class SheetLayout:
    name: str
    rows: Rows
    columns: tuple[tuple[str, str], ...]  # (column name, header)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "rows": self.rows, "columns": [list(pair) for pair in self.columns]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SheetLayout:
        columns = tuple((str(name), str(header)) for name, header in data["columns"])
        if data["rows"] not in ("order", "line", "nested") or any(name not in COLUMNS for name, _ in columns):
            raise ValueError("unknown rows or column")
        return cls(str(data["name"]), data["rows"], columns)


@dataclass(frozen=True)
class Layout:
    name: str
    sheets: tuple[SheetLayout, ...]

    def to_text(self) -> str:
        return json.dumps({"name": self.name, "sheets": [sheet.as_json() for sheet in self.sheets]})

    @classmethod
    def from_text(cls, text: str) -> Layout:
        data = json.loads(text)
        return cls(str(data["name"]), tuple(SheetLayout.from_json(sheet) for sheet in data["sheets"]))


GENERIC = Layout("generic", (
    SheetLayout("Orders", "order", tuple((c.name, c.label) for c in ORDER_COLUMNS)),
    SheetLayout("Lines", "line", (("number", "Order Number"),
                                  *((c.name, c.label) for c in LINE_COLUMNS if c.name != "erp_line_id"))),
))
# Odoo's sale.order import: field labels as headers, an order's lines on the rows below its first.
ODOO = Layout("odoo", (SheetLayout("Sales Orders", "nested", (
    ("customer", "Customer"), ("number", "Order Reference"), ("customer_po", "Customer Reference"),
    ("requested_date", "Delivery Date"), ("product_code", "Order Lines/Product"),
    ("product_name", "Order Lines/Description"), ("quantity", "Order Lines/Quantity"),
    ("erp_order_number", "ERP Order Number"), ("confirmed_date", "Confirmed Date"),
    ("promised_date", "Promised Date"), ("carrier", "Carrier"), ("tracking_number", "Tracking Number"),
    ("line_no", "Line"), ("shipped", "Shipped Quantity"), ("serial_numbers", "Serial Numbers"),
    ("action", "Provisioning Action"), ("delta", "Quantity Change"), ("effective_date", "Effective Date"),
)),))
# ERPNext's Data Import: ID is the document's name (its ERP order number, blank for a new one);
# child table fields are "Label (Items)", child rows below their parent.
ERPNEXT = Layout("erpnext", (SheetLayout("Sales Order", "nested", (
    ("erp_order_number", "ID"), ("customer", "Customer"), ("requested_date", "Delivery Date"),
    ("customer_po", "Customer's Purchase Order"), ("number", "Order Number"),
    ("confirmed_date", "Confirmed Date"), ("promised_date", "Promised Date"), ("carrier", "Carrier"),
    ("tracking_number", "Tracking Number"),
    ("erp_line_id", "ID (Items)"), ("product_code", "Item Code (Items)"), ("product_name", "Item Name (Items)"),
    ("quantity", "Quantity (Items)"), ("line_no", "Line (Items)"), ("shipped", "Shipped Quantity (Items)"),
    ("serial_numbers", "Serial Numbers (Items)"), ("action", "Provisioning Action (Items)"),
    ("delta", "Quantity Change (Items)"), ("effective_date", "Effective Date (Items)"),
)),))
_BUILT_IN = {layout.name: layout for layout in (GENERIC, ODOO, ERPNEXT)}


def layout_named(session: Session, name: str) -> Layout:
    """A built-in layout, or one the coordinator saved."""
    if name in _BUILT_IN:
        return _BUILT_IN[name]
    saved = session.execute(select(ExportLayout).where(ExportLayout.name == name)).scalar()
    if saved is None:
        names = ", ".join((*BUILT_IN, *layout_names(session)))
        raise NotFound(f"There is no export layout {name!r} (layouts: {names}).")
    return own_layout(saved.name, [(column["field"], column["header"]) for column in saved.columns])


def own_layout(name: str, columns: Sequence[tuple[str, str]]) -> Layout:
    """A coordinator's layout: one sheet, one row per line (or per order if it names no line column)."""
    rows: Rows = "line" if any(COLUMNS[field].level == "line" for field, _ in columns) else "order"
    return Layout(name, (SheetLayout("Orders", rows, tuple(columns)),))


def layout_names(session: Session) -> list[str]:
    return list(session.execute(select(ExportLayout.name).order_by(ExportLayout.name)).scalars())


def save_layout(session: Session, name: str, columns: Sequence[tuple[str, str]]) -> ExportLayout:
    """Save (or replace) a layout: columns by name, each under its header, in order."""
    name = name.strip()
    problems = []
    if not name or len(name) > 64:
        problems.append("a layout needs a name of 1 to 64 characters")
    if name in BUILT_IN:
        problems.append(f"{name!r} is a built-in layout")
    if not columns:
        problems.append("a layout needs at least one column")
    unknown = [field for field, _ in columns if field not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)} (columns: {', '.join(COLUMNS)})")
    headers = [header.strip() for _, header in columns]
    if any(not header for header in headers) or len(set(headers)) != len(headers):
        problems.append("every column needs a header of its own")
    if any(header in (KEY_HEADER, VERSION_HEADER) for header in headers):
        problems.append(f"'{KEY_HEADER}' and '{VERSION_HEADER}' are kept for the round trip")
    if problems:
        raise QtcError("Layout not saved: " + "; ".join(problems) + ".")
    saved = session.execute(select(ExportLayout).where(ExportLayout.name == name)).scalar()
    if saved is None:
        saved = ExportLayout(name=name)
        session.add(saved)
    saved.columns = [{"field": field, "header": header.strip()} for field, header in columns]
    session.flush()
    return saved


def remove_layout(session: Session, name: str) -> None:
    saved = session.execute(select(ExportLayout).where(ExportLayout.name == name)).scalar()
    if saved is None:
        raise NotFound(f"There is no saved export layout {name!r}.")
    session.delete(saved)
