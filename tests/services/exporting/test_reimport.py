"""The ERP team's copy comes back: exactly what they changed is applied, conflicts wait, forgeries are refused.

Workbooks are edited with openpyxl the way the ERP side edits them: a cell typed over, a
date cell, a row deleted or copied. Orders come from the sample data (ready ones and one
partly shipped) and are exported in the generic layout unless a test says otherwise.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell import Cell
from sqlalchemy import func, select

from qtc_desktop.domain import ChangeRecord, ChangeSource, FulfillmentKind, FulfillmentOrder, OrderStatus
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.layouts import save_layout
from qtc_desktop.services.exporting.reimport import ReimportPlan, SheetChange, apply_reimport, plan_reimport
from qtc_desktop.services.exporting.service import export_orders, orders_to_export
from qtc_desktop.services.orders.document import order_document
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import backordered, shipped_quantities
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import OpenedStore, open_store, resolve_url

# Text an ERP user's spreadsheet must leave alone: formula triggers, a line break.
TRICKY = {"customer_po": "-PO-2026/17", "instructions": "=HYPERLINK(\"http://example.com\")\n+ call ahead",
          "ship_to_name": "@Northwind Hub", "service_level": "-Express-"}
ORDER_KEYS = {"Orders": ("Order Number", None), "Lines": ("Order Number", "Line"),
              "Sales Orders": ("Order Reference", "Line"), "Sales Order": ("Order Number", "Line (Items)")}


class ErpWorkbook:
    """An exported workbook opened in openpyxl; cells found by sheet, order, line and header."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = openpyxl.load_workbook(path)

    def headers(self, sheet: str) -> list[str]:
        return [str(cell.value) for cell in self.book[sheet][1]]

    def row(self, sheet: str, order: str, line: int | None = None) -> int:
        """The row number of the order's row (nested layouts: its first) or of its line."""
        number_header, line_header = ORDER_KEYS[sheet]
        headers = self.headers(sheet)
        at_number = headers.index(number_header)
        at_line = headers.index(line_header) if line_header else None
        current = None
        for index, row in enumerate(self.book[sheet].iter_rows(min_row=2, values_only=True), start=2):
            current = row[at_number] or current  # nested rows leave the order columns blank
            if current == order and (line is None or (at_line is not None and row[at_line] == line)):
                return index
        raise AssertionError(f"no row for {order} line {line} in {sheet}")

    def cell(self, sheet: str, order: str, header: str, line: int | None = None) -> Cell:
        cell = self.book[sheet].cell(self.row(sheet, order, line), self.headers(sheet).index(header) + 1)
        assert isinstance(cell, Cell)
        return cell

    def type(self, sheet: str, order: str, header: str, value: object, line: int | None = None) -> None:
        """What typing into the cell does: text columns carry the Text format, so text stays text."""
        cell = self.cell(sheet, order, header, line)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"

    def save(self, path: Path | None = None) -> Path:
        target = path or self.path
        self.book.save(target)
        self.book.close()
        return target


def pick(store: OpenedStore, status: OrderStatus, wanted: Callable[[FulfillmentOrder], bool],
         exclude: Collection[int] = ()) -> FulfillmentOrder:
    """The first sample order in `status` that is `wanted`, detached."""
    with store.session() as session:
        for order in session.execute(select(FulfillmentOrder).where(FulfillmentOrder.status == status)
                                     .order_by(FulfillmentOrder.id)).scalars():
            if order.id not in exclude and wanted(order):
                return find_order(session, order.id)
    raise AssertionError(f"the sample data has no {status.value} order as the test needs")


def loose_goods(order: FulfillmentOrder) -> int | None:
    """The number of a line of goods without serial numbers, with at least 3 still to ship."""
    open_ = backordered(order)
    return next((line.line_no for line in order.lines if line.kind is FulfillmentKind.SHIP and not line.serialized
                 and open_.get(line.line_no, 0) >= 3), None)


def shipped_goods(order: FulfillmentOrder) -> int | None:
    """The number of a line of goods without serial numbers that has shipped in part."""
    shipped, open_ = shipped_quantities(order), backordered(order)
    return next((line.line_no for line in order.lines if not line.serialized and shipped.get(line.id)
                 and open_.get(line.line_no)), None)


class Erp:
    """The sample orders this module works on, and the round trip's steps, each one user action."""

    def __init__(self, store: OpenedStore, folder: Path) -> None:
        self.store = store
        self.folder = folder
        goods = pick(store, OrderStatus.READY,
                     lambda o: loose_goods(o) is not None and any(line.serialized for line in o.lines))
        other = pick(store, OrderStatus.READY, lambda o: True, exclude=[goods.id])
        partly = pick(store, OrderStatus.PARTLY_SHIPPED, lambda o: shipped_goods(o) is not None)
        self.goods, self.other, self.partly = goods.number, other.number, partly.number
        self.goods_line = loose_goods(goods) or 0
        self.partly_line = shipped_goods(partly) or 0
        self.edit(self.goods, TRICKY, who="maria")  # before the export: text the ERP side must not disturb

    @property
    def numbers(self) -> list[str]:
        return [self.goods, self.other, self.partly]

    def export(self, name: str = "erp.xlsx", layout: str = "generic", numbers: list[str] | None = None) -> Path:
        with self.store.transaction() as session:
            ids = [find_order(session, number).id for number in numbers or self.numbers]
            return export_orders(session, orders_to_export(session, ids), self.folder / name, layout,
                                 who="maria").path

    def preview(self, path: Path) -> ReimportPlan:
        with self.store.session() as session:
            return plan_reimport(session, path)

    def take_back(self, path: Path, accept: Collection[tuple[str, str]] = ()) -> tuple[ReimportPlan, list[SheetChange]]:
        with self.store.transaction() as session:
            plan = plan_reimport(session, path)
            return plan, apply_reimport(session, plan, who="erp-team", accept=accept)

    def edit(self, number: str, header: dict[str, str], *, who: str = "maria") -> None:
        with self.store.transaction() as session:
            apply_edit(session, find_order(session, number), OrderEdit(header), who=who)

    def document(self, number: str) -> dict[str, Any]:
        with self.store.session() as session:
            return order_document(session, find_order(session, number))

    def order(self, number: str) -> FulfillmentOrder:
        with self.store.session() as session:
            return find_order(session, number)

    def records_after(self, last: int) -> list[ChangeRecord]:
        with self.store.session() as session:
            return list(session.execute(select(ChangeRecord).where(ChangeRecord.id > last)
                                        .order_by(ChangeRecord.id)).scalars())

    def last_record(self) -> int:
        with self.store.session() as session:
            return session.execute(select(func.coalesce(func.max(ChangeRecord.id), 0))).scalar_one()

    def documents(self) -> dict[str, dict[str, Any]]:
        return {number: self.document(number) for number in self.numbers}


@pytest.fixture
def erp(sample_store: OpenedStore, tmp_path: Path) -> Erp:
    return Erp(sample_store, tmp_path)


def fields(changes: Collection[SheetChange]) -> set[tuple[str, str]]:
    return {(change.order, change.field) for change in changes}


def assert_nothing_applied(erp: Erp, before: dict[str, dict[str, Any]], last: int) -> None:
    assert erp.documents() == before
    assert erp.records_after(last) == []


def test_what_the_erp_team_typed_is_applied_and_nothing_else(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "ERP Order Number", "SO-4711")
    book.type("Orders", erp.goods, "Confirmed Date", dt.date(2026, 7, 20))  # a real date cell
    book.type("Orders", erp.goods, "Promised Date", dt.datetime(2026, 7, 24))
    book.type("Orders", erp.goods, "Carrier", "UPS Standard")
    book.type("Orders", erp.goods, "Tracking Number", "1Z999AA10123456784")
    book.type("Lines", erp.goods, "Shipped Quantity", 2, line=erp.goods_line)
    book.save()
    before = erp.documents()
    last = erp.last_record()

    plan = erp.preview(path)
    assert (plan.conflicts, plan.errors) == ((), ())
    expected = {(erp.goods, name) for name in ("erp_order_number", "confirmed_date", "promised_date", "carrier",
                                               "tracking_number", f"line {erp.goods_line} shipped")}
    assert fields(plan.changes) == expected
    assert erp.documents() == before  # a preview stores nothing

    _, applied = erp.take_back(path)
    assert fields(applied) == expected
    by_field = {change.field: change for change in applied}
    assert by_field["carrier"].as_applied() == {"order": erp.goods, "field": "carrier",
                                                "old": before[erp.goods]["header"]["carrier"], "new": "UPS Standard"}

    after = erp.document(erp.goods)
    order = erp.order(erp.goods)
    assert order.erp_order_number == "SO-4711"
    assert order.confirmed_date == dt.date(2026, 7, 20)
    assert order.promised_date == dt.date(2026, 7, 24)
    assert order.carrier == "UPS Standard"
    [shipment] = after["shipments"]
    assert shipment["tracking_number"] == "1Z999AA10123456784"
    assert shipment["lines"] == [{"line": erp.goods_line, "quantity": "2", "serial_numbers": []}]
    line_before = next(line for line in before[erp.goods]["lines"] if line["line"] == erp.goods_line)
    line_after = next(line for line in after["lines"] if line["line"] == erp.goods_line)
    assert Decimal(line_after["backordered"]) == Decimal(line_before["backordered"]) - 2
    assert after["status"] == OrderStatus.PARTLY_SHIPPED.value
    # Everything else about the order is as it was, formula-looking text included.
    assert {**after["header"], "erp_order_number": None, "promised_date": None, "carrier": None} == {
        **before[erp.goods]["header"], "erp_order_number": None, "promised_date": None, "carrier": None}
    assert after["header"]["instructions"] == TRICKY["instructions"]
    assert after["header"]["service_level"] == TRICKY["service_level"]
    for name in (erp.other, erp.partly):
        assert erp.document(name) == before[name]

    records = erp.records_after(last)
    assert records and {record.source for record in records} == {ChangeSource.ERP_ROUND_TRIP}
    assert {record.who for record in records} == {"erp-team"}
    assert {record.order_id for record in records} == {order.id}
    changed = {record.field for record in records}
    assert {"erp_order_number", "confirmed_date", "promised_date", "carrier", "status", "created"} <= changed
    assert changed <= {"erp_order_number", "confirmed_date", "promised_date", "carrier", "status", "created",
                       "updated_at"}


def test_an_erp_order_number_confirms_an_order_sent_to_the_erp(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.other, "ERP Order Number", "SO-0815")
    book.save()
    _, applied = erp.take_back(path)
    assert fields(applied) == {(erp.other, "erp_order_number")}
    order = erp.order(erp.other)
    assert (order.erp_order_number, order.status) == ("SO-0815", OrderStatus.CONFIRMED)


def test_a_field_changed_in_the_app_and_in_the_sheet_is_a_conflict(erp: Erp) -> None:
    exported = erp.order(erp.goods).carrier
    path = erp.export()
    erp.edit(erp.goods, {"carrier": "FedEx Priority"})  # the coordinator, after the export
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Carrier", "DB Schenker")
    book.type("Orders", erp.goods, "Customer PO", "PO-ERP-1")  # changed in the sheet only
    book.save()

    plan, applied = erp.take_back(path)
    [conflict] = plan.conflicts
    assert conflict.as_conflict() == {"order": erp.goods, "field": "carrier", "exported": exported,
                                      "current": "FedEx Priority", "sheet": "DB Schenker"}
    assert fields(applied) == {(erp.goods, "customer_po")}
    assert (erp.order(erp.goods).carrier, erp.order(erp.goods).customer_po) == ("FedEx Priority", "PO-ERP-1")

    _, applied = erp.take_back(path, accept={(erp.goods, "carrier")})  # the coordinator takes the sheet's
    assert fields(applied) == {(erp.goods, "carrier")}
    assert erp.order(erp.goods).carrier == "DB Schenker"


def test_a_field_changed_only_in_the_app_is_left_alone(erp: Erp) -> None:
    path = erp.export()
    erp.edit(erp.goods, {"carrier": "FedEx Priority", "customer_po": "PO-NEW"})
    book = ErpWorkbook(path)
    book.save()  # opened and saved by the ERP side, nothing typed
    before = erp.documents()
    last = erp.last_record()
    plan, applied = erp.take_back(path)
    assert (plan.changes, plan.conflicts, plan.errors, applied) == ((), (), (), [])
    assert_nothing_applied(erp, before, last)


def test_rows_deleted_from_the_sheet_change_nothing(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.other, "Carrier", "UPS Standard")
    book.book["Orders"].delete_rows(book.row("Orders", erp.goods))
    lines = book.book["Lines"]
    for row in sorted((index for index, number in enumerate(lines.iter_rows(min_row=2, max_col=1, values_only=True),
                                                             start=2) if number[0] == erp.goods), reverse=True):
        lines.delete_rows(row)
    book.save()
    before = erp.documents()
    plan, applied = erp.take_back(path)
    assert fields(applied) == {(erp.other, "carrier")}
    assert plan.notes == ("1 exported order(s) are not in the sheet; they are left as they are.",)
    assert erp.document(erp.goods) == before[erp.goods]


def _forge(key: str) -> str:
    """The key with one hex digit of its signature changed."""
    return key[:-1] + ("0" if key[-1] != "0" else "1")


def test_problems_are_listed_in_the_layouts_sheet_order(erp: Erp) -> None:
    # The reader hands over the Lines sheet (more rows) before the Orders sheet; the report
    # still goes sheet by sheet as the workbook shows them, each sheet's rows in order.
    path = erp.export()
    book = ErpWorkbook(path)
    for sheet_name, order, line in (("Lines", erp.goods, erp.goods_line), ("Orders", erp.other, None),
                                    ("Orders", erp.goods, None)):
        key = book.cell(sheet_name, order, "qtc key", line)
        key.value = _forge(str(key.value))
    book.save()
    plan = erp.preview(path)
    assert [(problem.sheet, problem.column) for problem in plan.errors] == [
        ("Orders", "qtc key"), ("Orders", "qtc key"), ("Lines", "qtc key")]
    orders_rows = [problem.row for problem in plan.errors[:2]]
    assert orders_rows == sorted(orders_rows)
    assert plan.errors[2].row == book.row("Lines", erp.goods, erp.goods_line)


@pytest.mark.parametrize("damage", ["forged key", "changed version", "copied row", "blank key"])
def test_a_damaged_or_forged_row_refuses_the_whole_file(erp: Erp, damage: str) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.other, "Carrier", "UPS Standard")  # a good change, refused with the file
    sheet = book.book["Lines"]
    headers = book.headers("Lines")
    row = book.row("Lines", erp.goods, erp.goods_line)
    key = sheet.cell(row, headers.index("qtc key") + 1)
    version = sheet.cell(row, headers.index("qtc version") + 1)
    if damage == "forged key":
        key.value = _forge(str(key.value))
    elif damage == "changed version":
        version.value = int(version.value) + 1  # type: ignore[arg-type]
    elif damage == "blank key":
        key.value = None
    else:
        row = sheet.max_row + 1
        for column, cell in enumerate(sheet[book.row("Lines", erp.goods, erp.goods_line)], start=1):
            sheet.cell(row, column, cell.value)
        sheet.cell(row, headers.index("Shipped Quantity") + 1, 1)
    book.save()
    before = erp.documents()
    last = erp.last_record()

    plan = erp.preview(path)
    [problem] = plan.errors
    assert (problem.sheet, problem.row, problem.column) == ("Lines", row, "qtc key")
    assert ("appears twice" if damage == "copied row" else "damaged") in problem.message
    assert (plan.changes, plan.conflicts) == ((), ())
    with pytest.raises(QtcError, match="was not taken back"):
        erp.take_back(path)
    assert_nothing_applied(erp, before, last)


def test_a_workbook_from_another_database_is_refused(erp: Erp, tmp_path: Path, sample_today: dt.date) -> None:
    """Even one with the same orders under the same ids: another database made from the same sample."""
    other = open_store(resolve_url(str(tmp_path / "other.sqlite3")))
    try:
        with other.transaction() as session:
            load_sample_data(session, orders=90, seed=2026, today=sample_today)
        with other.transaction() as session:
            order = find_order(session, erp.goods)
            export_orders(session, [order], tmp_path / "other.xlsx", "generic", who="someone")
    finally:
        other.close()
    book = ErpWorkbook(tmp_path / "other.xlsx")
    book.type("Orders", erp.goods, "Carrier", "UPS Standard")
    book.save()
    before = erp.documents()
    plan = erp.preview(tmp_path / "other.xlsx")
    [problem] = plan.errors
    assert problem.sheet == "_qtc" and "another database" in problem.message
    with pytest.raises(QtcError):
        erp.take_back(tmp_path / "other.xlsx")
    assert erp.documents() == before


def test_a_workbook_that_is_not_an_export_is_refused(erp: Erp, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Orders"
    sheet.append(["Order Number", "Carrier", "qtc key", "qtc version"])
    sheet.append([erp.goods, "UPS", "1-0-0123456789abcdef", 1])
    book.save(tmp_path / "list.xlsx")
    (tmp_path / "notes.txt").write_text("not a spreadsheet at all\n")
    for name in ("list.xlsx", "notes.txt"):
        plan = erp.preview(tmp_path / name)
        [problem] = plan.errors
        assert (plan.changes, plan.conflicts) == ((), ())
    assert "not a workbook exported by qtc-desktop" in str(erp.preview(tmp_path / "list.xlsx").errors[0])


def test_a_value_a_field_cannot_take_is_an_error_naming_sheet_row_and_column(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Ship-to Country", "Germany")
    book.type("Orders", erp.other, "Promised Date", "next week")
    book.type("Lines", erp.partly, "Shipped Quantity", 0, line=erp.partly_line)
    book.type("Orders", erp.other, "Carrier", "UPS Standard")  # a good change, refused with the file
    book.save()
    before = erp.documents()
    last = erp.last_record()

    plan = erp.preview(path)
    problems = {(p.sheet, p.row, p.column): p.message for p in plan.errors}
    assert set(problems) == {("Orders", book.row("Orders", erp.goods), "Ship-to Country"),
                             ("Orders", book.row("Orders", erp.other), "Promised Date"),
                             ("Lines", book.row("Lines", erp.partly, erp.partly_line), "Shipped Quantity")}
    messages = " | ".join(problems.values())
    assert "'Germany' is not a two-letter country code" in messages
    assert "'next week' is not a date" in messages
    assert "less than the" in messages and "already recorded" in messages
    with pytest.raises(QtcError, match="was not taken back"):
        erp.take_back(path)
    assert_nothing_applied(erp, before, last)


def test_the_same_edited_file_taken_back_twice_applies_nothing_the_second_time(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "ERP Order Number", "SO-4711")
    book.type("Orders", erp.goods, "Tracking Number", "1Z999AA10123456784")
    book.type("Lines", erp.goods, "Shipped Quantity", 2, line=erp.goods_line)
    book.type("Lines", erp.partly, "Shipped Quantity", 1 + shipped(erp, erp.partly, erp.partly_line),
              line=erp.partly_line)
    book.save()
    _, first = erp.take_back(path)
    assert len(first) == 4
    before = erp.documents()
    last = erp.last_record()
    plan, second = erp.take_back(path)
    assert (plan.changes, plan.conflicts, plan.errors, second) == ((), (), (), [])
    assert_nothing_applied(erp, before, last)


def shipped(erp: Erp, number: str, line_no: int) -> int:
    order = erp.order(number)
    line = next(line for line in order.lines if line.line_no == line_no)
    return int(shipped_quantities(order).get(line.id, Decimal(0)))


def test_formula_looking_text_typed_by_the_erp_side_comes_back_verbatim(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    typed = {"Customer PO": "=4711+1", "Instructions": "@dock 3\n-- fragile --", "Carrier": "+DHL",
             "Ship-to Street": "\tHauptstraße 5 ", "ERP Order Number": "=SO-4711"}
    for header, text in typed.items():
        book.type("Orders", erp.goods, header, text)
    book.save()
    _, applied = erp.take_back(path)
    assert {change.field: change.sheet for change in applied} == {
        "customer_po": "=4711+1", "instructions": "@dock 3\n-- fragile --", "carrier": "+DHL",
        "ship_to_street": "\tHauptstraße 5 ", "erp_order_number": "=SO-4711"}
    order = erp.order(erp.goods)
    # Stored as the fields keep typed text: trimmed at the ends, otherwise verbatim.
    assert (order.customer_po, order.instructions, order.carrier, order.ship_to_street, order.erp_order_number) == (
        "=4711+1", "@dock 3\n-- fragile --", "+DHL", "Hauptstraße 5", "=SO-4711")


def test_a_formula_saved_without_its_value_is_an_error_not_a_blank(erp: Erp) -> None:
    """openpyxl (like many scripts) saves a formula without calculating it; read as empty, it would
    clear the field."""
    path = erp.export()
    book = ErpWorkbook(path)
    row = book.row("Orders", erp.goods)
    book.book["Orders"].cell(row, book.headers("Orders").index("Carrier") + 1, "=UPPER(\"ups\")")
    book.save()
    before = erp.documents()
    [problem] = erp.preview(path).errors
    assert (problem.sheet, problem.row, problem.column) == ("Orders", row, "Carrier")
    assert "formula" in problem.message
    with pytest.raises(QtcError):
        erp.take_back(path)
    assert erp.documents() == before


def test_a_value_retyped_the_same_way_is_no_change(erp: Erp) -> None:
    """Spaces at the ends, a date typed as text, serial numbers split by semicolons: what the field
    would store is what it has, so there is nothing to apply, now or on a second take-back."""
    order = erp.order(erp.goods)
    serialized = next(line for line in order.lines if line.serialized)
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Carrier", f"  {order.carrier} ")
    if order.requested_date is not None:
        book.type("Orders", erp.goods, "Requested Date", order.requested_date.isoformat())
    book.type("Orders", erp.goods, "Customer PO", "PO-ERP-9 ")  # a real change, with a space
    serials = [f"SN-{n}" for n in range(1, int(serialized.quantity) + 1)]
    book.type("Lines", erp.goods, "Serial Numbers", ";".join(serials), line=serialized.line_no)
    book.save()
    _, applied = erp.take_back(path)
    assert fields(applied) == {(erp.goods, "customer_po"), (erp.goods, f"line {serialized.line_no} serial_numbers")}
    order = erp.order(erp.goods)
    assert order.customer_po == "PO-ERP-9"
    assert next(line for line in order.lines if line.serialized).serial_numbers == serials
    plan, again = erp.take_back(path)
    assert (plan.changes, plan.conflicts, plan.errors, again) == ((), (), (), [])


def test_a_change_typed_with_spaces_over_a_field_the_app_changed_too_is_no_conflict(erp: Erp) -> None:
    exported = erp.order(erp.goods).carrier
    path = erp.export()
    erp.edit(erp.goods, {"carrier": "FedEx Priority"})
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Carrier", f"{exported}  ")  # the ERP side changed nothing
    book.save()
    plan, applied = erp.take_back(path)
    assert (plan.conflicts, applied) == ((), [])
    assert erp.order(erp.goods).carrier == "FedEx Priority"


def test_edits_in_the_odoo_and_erpnext_layouts_are_taken_back(erp: Erp) -> None:
    for layout, sheet, number_header, erp_header, quantity_header in (
            ("odoo", "Sales Orders", "Order Reference", "ERP Order Number", "Shipped Quantity"),
            ("erpnext", "Sales Order", "Order Number", "ID", "Shipped Quantity (Items)")):
        path = erp.export(f"{layout}.xlsx", layout, [erp.goods])
        book = ErpWorkbook(path)
        assert number_header in book.headers(sheet)
        book.type(sheet, erp.goods, erp_header, f"SO-{layout}")
        already = shipped(erp, erp.goods, erp.goods_line)
        book.type(sheet, erp.goods, quantity_header, already + 1, line=erp.goods_line)
        book.save()
        _, applied = erp.take_back(path)
        assert fields(applied) == {(erp.goods, "erp_order_number"), (erp.goods, f"line {erp.goods_line} shipped")}
        assert erp.order(erp.goods).erp_order_number == f"SO-{layout}"
        assert shipped(erp, erp.goods, erp.goods_line) == already + 1


def test_errors_name_the_column_as_the_layout_heads_it(erp: Erp) -> None:
    path = erp.export("odoo.xlsx", "odoo", [erp.goods])
    book = ErpWorkbook(path)
    book.type("Sales Orders", erp.goods, "Delivery Date", "next week")
    book.save()
    [problem] = erp.preview(path).errors
    assert (problem.sheet, problem.row, problem.column) == ("Sales Orders", 2, "Delivery Date")


def test_a_sheet_renamed_by_the_erp_side_is_still_found(erp: Erp) -> None:
    path = erp.export("odoo.xlsx", "odoo", [erp.goods])
    book = ErpWorkbook(path)
    book.type("Sales Orders", erp.goods, "Carrier", "UPS Standard")
    book.book["Sales Orders"].title = "Export 2026-06"
    book.save()
    _, applied = erp.take_back(path)
    assert fields(applied) == {(erp.goods, "carrier")}


def test_a_workbook_saved_as_a_copy_elsewhere_is_taken_back(erp: Erp, tmp_path: Path) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Carrier", "UPS Standard")
    elsewhere = tmp_path / "from the ERP team" / "Bestellungen (bearbeitet).xlsx"
    elsewhere.parent.mkdir()
    book.save(elsewhere)
    _, applied = erp.take_back(elsewhere)
    assert fields(applied) == {(erp.goods, "carrier")}


def test_a_copy_of_the_workbook_is_not_confused_with_the_original(erp: Erp) -> None:
    """Two exports of the same orders: each file's keys are signed for its own batch."""
    first = erp.export("first.xlsx")
    second = erp.export("second.xlsx")
    one, two = ErpWorkbook(first), ErpWorkbook(second)
    sheet = one.book["Orders"]
    key_at = one.headers("Orders").index("qtc key") + 1
    row = one.row("Orders", erp.goods)
    sheet.cell(row, key_at, two.cell("Orders", erp.goods, "qtc key").value)
    sheet.cell(row, key_at + 1, two.cell("Orders", erp.goods, "qtc version").value)
    one.save()
    two.book.close()
    [problem] = erp.preview(first).errors
    assert (problem.sheet, problem.row, problem.column) == ("Orders", row, "qtc key")


def test_row_copies_within_nested_layouts_are_refused(erp: Erp) -> None:
    path = erp.export("odoo.xlsx", "odoo", [erp.goods])
    book = ErpWorkbook(path)
    sheet = book.book["Sales Orders"]
    source = sheet[2]
    row = sheet.max_row + 1
    for column, cell in enumerate(source, start=1):
        target = sheet.cell(row, column, copy.copy(cell.value))
        if isinstance(cell.value, str):
            target.data_type = "s"
    book.save()
    [problem] = erp.preview(path).errors
    assert (problem.row, problem.column) == (row, "qtc key") and "appears twice" in problem.message


def test_a_tracking_number_without_a_shipment_is_an_error(erp: Erp) -> None:
    """Tracking numbers belong to shipments; typed alone for an order with none, it would go nowhere."""
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.goods, "Tracking Number", "1Z999AA10123456784")
    book.save()
    [problem] = erp.preview(path).errors
    assert (problem.sheet, problem.row, problem.column) == ("Orders", book.row("Orders", erp.goods),
                                                            "Tracking Number")
    assert "shipped quantit" in problem.message


def test_a_tracking_number_for_the_latest_shipment_is_taken(erp: Erp) -> None:
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Orders", erp.partly, "Tracking Number", "JJD000390007")
    book.save()
    _, applied = erp.take_back(path)
    assert fields(applied) == {(erp.partly, "tracking_number")}
    assert erp.order(erp.partly).shipments[-1].tracking_number == "JJD000390007"


@pytest.mark.parametrize("what", ["more than ordered", "not goods"])
def test_a_shipped_quantity_that_cannot_ship_is_an_error_in_the_preview(erp: Erp, what: str) -> None:
    order = erp.order(erp.goods)
    if what == "not goods":
        line = next(line for line in order.lines if line.kind is not FulfillmentKind.SHIP)
        quantity = 1
    else:
        line = next(line for line in order.lines if line.line_no == erp.goods_line)
        quantity = int(line.quantity) + 5
    path = erp.export()
    book = ErpWorkbook(path)
    book.type("Lines", erp.goods, "Shipped Quantity", quantity, line=line.line_no)
    book.type("Orders", erp.other, "Carrier", "UPS Standard")
    book.save()
    before = erp.documents()
    [problem] = erp.preview(path).errors
    assert (problem.sheet, problem.row, problem.column) == ("Lines", book.row("Lines", erp.goods, line.line_no),
                                                            "Shipped Quantity")
    assert erp.goods in problem.message
    with pytest.raises(QtcError):
        erp.take_back(path)
    assert erp.documents() == before


def test_an_order_value_changed_on_any_of_its_rows_in_a_layout_of_line_rows_is_taken(erp: Erp) -> None:
    """A saved layout with a row per line repeats the order's values on each; the ERP side may sort
    the rows and change the value on just one of them."""
    with erp.store.transaction() as session:
        save_layout(session, "Pick list", [("number", "Order Number"), ("carrier", "Carrier"),
                                           ("product_code", "Product"), ("line_no", "Line")])
    path = erp.export("pick.xlsx", "Pick list", [erp.goods])
    book = ErpWorkbook(path)
    sheet = book.book["Orders"]
    at_carrier = book.headers("Orders").index("Carrier") + 1
    rows = list(range(2, sheet.max_row + 1))
    assert len(rows) >= 2
    sheet.cell(rows[-1], at_carrier, "UPS Standard")  # the last row only
    book.save()
    _, applied = erp.take_back(path)
    assert fields(applied) == {(erp.goods, "carrier")}
    assert erp.order(erp.goods).carrier == "UPS Standard"

    book = ErpWorkbook(path)  # two rows of the order say two different things: which one?
    book.book["Orders"].cell(rows[0], at_carrier, "DHL Express")
    book.save()
    [problem] = erp.preview(path).errors
    assert (problem.sheet, problem.row, problem.column) == ("Orders", rows[-1], "Carrier")
    assert "'DHL Express' in row 2" in problem.message


def test_key_columns_moved_apart_from_their_rows_are_refused(erp: Erp) -> None:
    """Sorting only the data columns (or pasting keys onto other rows) would send values to the
    wrong order: each key must agree with its row's own order (and line) number."""
    path = erp.export()
    book = ErpWorkbook(path)
    sheet = book.book["Orders"]
    headers = [cell.value for cell in sheet[1]]
    first, second = book.row("Orders", erp.goods), book.row("Orders", erp.other)
    for column in (headers.index("qtc key") + 1, headers.index("qtc version") + 1):  # the two grey columns
        a, b = sheet.cell(first, column).value, sheet.cell(second, column).value
        sheet.cell(first, column).value, sheet.cell(second, column).value = b, a
    book.type("Orders", erp.other, "Carrier", "UPS Standard")
    book.save()
    before, last = erp.documents(), erp.last_record()
    plan = erp.preview(path)
    assert [(p.sheet, p.row, p.column) for p in plan.errors] == [("Orders", row, "qtc key")
                                                                 for row in sorted((first, second))]
    message = next(p.message for p in plan.errors if p.row == first)
    assert f"the row says order {erp.goods} but its key is order {erp.other}'s" in message
    with pytest.raises(QtcError):
        erp.take_back(path)
    assert_nothing_applied(erp, before, last)
