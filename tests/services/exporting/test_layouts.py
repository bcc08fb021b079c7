"""Export layouts and the workbook they make: sheets, headers, row shapes, formats, CSV, batches.

The orders are the sample data's: ready ones (never exported), confirmed ones (some changed
since the ERP saw them) and partly shipped ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from qtc_desktop.domain import (
    ChangeRecord,
    ChangeSource,
    ExportBatch,
    ExportBatchOrder,
    FulfillmentOrder,
    OrderStatus,
    ProvisioningAction,
    QuoteType,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.errors import NotFound, QtcError
from qtc_desktop.services.exporting.columns import ORDER_COLUMNS
from qtc_desktop.services.exporting.layouts import layout_names, remove_layout, save_layout
from qtc_desktop.services.exporting.service import (
    ExportResult,
    count_changed_since_export,
    export_orders,
    orders_to_export,
)
from qtc_desktop.services.exporting.writer import ExportRefused
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.store import OpenedStore

ODOO_HEADERS = [
    "Customer", "Order Reference", "Customer Reference", "Delivery Date", "Order Lines/Product",
    "Order Lines/Description", "Order Lines/Quantity", "ERP Order Number", "Confirmed Date", "Promised Date",
    "Carrier", "Tracking Number", "Line", "Shipped Quantity", "Serial Numbers", "Provisioning Action",
    "Quantity Change", "Effective Date", "qtc key", "qtc version"]
ODOO_ORDER = ["Customer", "Order Reference", "Customer Reference", "Delivery Date", "ERP Order Number",
              "Confirmed Date", "Promised Date", "Carrier", "Tracking Number"]
ERPNEXT_HEADERS = [
    "ID", "Customer", "Delivery Date", "Customer's Purchase Order", "Order Number", "Confirmed Date",
    "Promised Date", "Carrier", "Tracking Number", "ID (Items)", "Item Code (Items)", "Item Name (Items)",
    "Quantity (Items)", "Line (Items)", "Shipped Quantity (Items)", "Serial Numbers (Items)",
    "Provisioning Action (Items)", "Quantity Change (Items)", "Effective Date (Items)", "qtc key", "qtc version"]
ERPNEXT_ORDER = ["ID", "Customer", "Delivery Date", "Customer's Purchase Order", "Order Number",
                 "Confirmed Date", "Promised Date", "Carrier", "Tracking Number"]
LINES_HEADERS = [
    "Order Number", "Line", "Product", "Description", "Fulfillment", "Quantity", "Shipped Quantity",
    "Serial Numbers", "Bin", "Tenant", "Licence Key", "Activation Contact", "Subscription Start",
    "Subscription End", "Provisioning Action", "Prior Quantity", "Quantity Change", "Effective Date", "qtc key",
    "qtc version"]


def sample_numbers(store: OpenedStore, status: OrderStatus, count: int,
                   wanted: Callable[[FulfillmentOrder], bool] = lambda _order: True) -> list[str]:
    with store.session() as session:
        found = [order.number for order in session.execute(
            select(FulfillmentOrder).where(FulfillmentOrder.status == status).order_by(FulfillmentOrder.id)).scalars()
            if wanted(order)][:count]
    assert len(found) == count, f"the sample data has too few {status.value} orders"
    return found


@pytest.fixture
def numbers(sample_store: OpenedStore) -> list[str]:
    """Two ready orders with several lines, a confirmed one and a partly shipped one, as exports sort them."""
    return sorted([*sample_numbers(sample_store, OrderStatus.READY, 2, lambda o: len(o.lines) >= 3),
                   *sample_numbers(sample_store, OrderStatus.CONFIRMED, 1),
                   *sample_numbers(sample_store, OrderStatus.PARTLY_SHIPPED, 1, lambda o: len(o.lines) >= 2)])


def export(store: OpenedStore, numbers: list[str], path: Path, layout: str = "generic",
           csv: bool = False) -> ExportResult:
    with store.transaction() as session:
        orders = orders_to_export(session, [find_order(session, number).id for number in numbers])
        return export_orders(session, orders, path, layout, who="maria", csv=csv)


def rows_of(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def line_counts(store: OpenedStore, numbers: list[str]) -> dict[str, int]:
    with store.session() as session:
        return {number: len(find_order(session, number).lines) for number in numbers}


def test_generic_has_an_orders_sheet_and_a_lines_sheet(sample_store: OpenedStore, numbers: list[str],
                                                      tmp_path: Path) -> None:
    export(sample_store, numbers, tmp_path / "generic.xlsx")
    book = openpyxl.load_workbook(tmp_path / "generic.xlsx")
    assert book.sheetnames == ["Orders", "Lines", "_qtc"]
    book.close()
    orders = rows_of(tmp_path / "generic.xlsx", "Orders")
    assert orders[0] == [column.label for column in ORDER_COLUMNS] + ["qtc key", "qtc version"]
    assert orders[0][:4] == ["Order Number", "Status", "Customer", "Customer ID"]
    assert [row[0] for row in orders[1:]] == numbers  # one row per order
    lines = rows_of(tmp_path / "generic.xlsx", "Lines")
    assert lines[0] == LINES_HEADERS
    counts = line_counts(sample_store, numbers)
    assert [(row[0], row[1]) for row in lines[1:]] == [
        (number, line_no) for number in numbers for line_no in range(1, counts[number] + 1)]
    assert all(row[-2] and isinstance(row[-1], int) for row in orders[1:] + lines[1:])  # key and version


@pytest.mark.parametrize("layout, sheet, headers, order_headers, number_header", [
    ("odoo", "Sales Orders", ODOO_HEADERS, ODOO_ORDER, "Order Reference"),
    ("erpnext", "Sales Order", ERPNEXT_HEADERS, ERPNEXT_ORDER, "Order Number"),
])
def test_erp_layouts_put_the_first_line_on_the_order_row_and_further_lines_below(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path, layout: str, sheet: str,
        headers: list[str], order_headers: list[str], number_header: str) -> None:
    path = tmp_path / f"{layout}.xlsx"
    export(sample_store, numbers, path, layout)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [sheet, "_qtc"]
    book.close()
    rows = rows_of(path, sheet)
    assert rows[0] == headers
    at = {header: index for index, header in enumerate(headers)}
    order_columns = [at[header] for header in order_headers]
    line_header = "Line" if layout == "odoo" else "Line (Items)"
    product_header = "Order Lines/Product" if layout == "odoo" else "Item Code (Items)"
    counts = line_counts(sample_store, numbers)
    expected_shape = [(number if line_no == 1 else None, line_no)
                      for number in numbers for line_no in range(1, counts[number] + 1)]
    assert [(row[at[number_header]], row[at[line_header]]) for row in rows[1:]] == expected_shape
    with sample_store.session() as session:
        index = 1
        for number in numbers:
            order = find_order(session, number)
            first = rows[index]
            assert first[at["Customer"]] == order.account.name
            if layout == "erpnext":
                assert first[at["ID"]] == order.erp_order_number  # the ERP's name for it, blank when new
            else:
                assert first[at["Customer Reference"]] == order.customer_po
            for line, row in zip(order.lines, rows[index:index + len(order.lines)]):
                assert row[at[product_header]] == line.product_code
                assert row[-2] and row[-1] == order.version
                if line.line_no > 1:
                    assert [row[column] for column in order_columns] == [None] * len(order_columns)
            index += len(order.lines)


def test_amendment_lines_carry_their_provisioning_actions(sample_store: OpenedStore, tmp_path: Path) -> None:
    [number] = sample_numbers(sample_store, OrderStatus.READY, 1, lambda o: o.quote.type is QuoteType.AMENDMENT)
    with sample_store.transaction(who="test setup") as session:
        line = find_order(session, number).lines[0]
        line.action, line.prior_quantity, line.delta = ProvisioningAction.INCREASE, Decimal(25), Decimal(25)
        line.effective_date = dt.date(2026, 8, 1)
    for layout, sheet, action, delta, effective in (
            ("generic", "Lines", "Provisioning Action", "Quantity Change", "Effective Date"),
            ("odoo", "Sales Orders", "Provisioning Action", "Quantity Change", "Effective Date"),
            ("erpnext", "Sales Order", "Provisioning Action (Items)", "Quantity Change (Items)",
             "Effective Date (Items)")):
        export(sample_store, [number], tmp_path / f"{layout}.xlsx", layout)
        headers, first = rows_of(tmp_path / f"{layout}.xlsx", sheet)[:2]
        row = dict(zip(headers, first))
        assert (row[action], row[delta], row[effective]) == ("increase", 25, dt.datetime(2026, 8, 1))


def test_the_workbook_has_a_bold_frozen_header_dropdowns_formats_and_a_hidden_meta_sheet(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path) -> None:
    result = export(sample_store, numbers, tmp_path / "generic.xlsx")
    book = openpyxl.load_workbook(tmp_path / "generic.xlsx")
    for name in ("Orders", "Lines"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.sheet_state == "visible"
        assert all((sheet.column_dimensions[get_column_letter(n)].width or 0) >= 7
                   for n in range(1, sheet.max_column + 1))
    orders = book["Orders"]
    headers = [cell.value for cell in orders[1]]
    validations = {str(v.sqref): v for v in orders.data_validations.dataValidation}
    for header, choices in (("Status", [s.label for s in OrderStatus]),
                            ("Incoterms", ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR",
                                           "CIF"])):
        letter = get_column_letter(headers.index(header) + 1)
        validation = validations[f"{letter}2:{letter}{len(numbers) + 1}"]
        assert validation.type == "list" and validation.formula1 == '"' + ",".join(choices) + '"'
    lines = book["Lines"]
    line_headers = [cell.value for cell in lines[1]]
    fulfillment = get_column_letter(line_headers.index("Fulfillment") + 1)
    assert any(str(v.sqref).startswith(f"{fulfillment}2:") for v in lines.data_validations.dataValidation)
    assert len(orders.data_validations.dataValidation) == 2

    row = {header: cell for header, cell in zip(headers, orders[2])}
    for header in ("Order Number", "Customer", "Customer PO", "Carrier", "Instructions", "Ship-to Postal Code",
                   "ERP Order Number", "Tracking Number", "qtc key"):
        # Text, on the whole column: what the ERP side types there stays text, empty cells included.
        assert column_format(orders, headers.index(header) + 1) == "@", header
        assert row[header].value is None or row[header].number_format == "@", header
    for header in ("Requested Date", "Promised Date", "Confirmed Date"):
        assert column_format(orders, headers.index(header) + 1) == "yyyy-mm-dd"
    assert isinstance(row["Requested Date"].value, dt.datetime) and row["Requested Date"].is_date
    assert row["Requested Date"].number_format == "yyyy-mm-dd"
    assert isinstance(row["Net Total"].value, float) and row["Net Total"].number_format == "#,##0.00"
    line_row = {header: cell for header, cell in zip(line_headers, lines[2])}
    assert isinstance(line_row["Quantity"].value, (int, float)) and isinstance(line_row["Line"].value, int)

    meta = book["_qtc"]
    assert meta.sheet_state == "hidden"
    facts = {key: value for key, value in meta.iter_rows(values_only=True)}
    with sample_store.session() as session:
        assert facts["database"] == database_id(session)
    assert facts["export"] == str(result.batch_id) and facts["exported_by"] == "maria"
    assert '"name": "generic"' in facts["layout"] and facts["format"] == "1"
    assert dt.datetime.fromisoformat(facts["exported_at"]).tzinfo is not None
    book.close()


def column_format(sheet: Any, index: int) -> str:
    """The number format of a whole column (openpyxl groups equal neighbouring columns into one range)."""
    return next(str(dimension.number_format) for dimension in sheet.column_dimensions.values()
                if dimension.min is not None and dimension.min <= index <= dimension.max)


def test_a_saved_layout_writes_exactly_its_columns_under_its_headers(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path) -> None:
    with sample_store.transaction() as session:
        save_layout(session, "Warehouse pick", [("number", "Auftrag"), ("product_code", "Artikel"),
                                                ("quantity", "Menge"), ("customer_po", " PO ")])
        save_layout(session, "Order list", [("customer", "Kunde"), ("number", "Order")])
    export(sample_store, numbers, tmp_path / "pick.xlsx", "Warehouse pick")
    rows = rows_of(tmp_path / "pick.xlsx", "Orders")
    assert rows[0] == ["Auftrag", "Artikel", "Menge", "PO", "qtc key", "qtc version"]
    counts = line_counts(sample_store, numbers)
    assert [row[0] for row in rows[1:]] == [number for number in numbers for _ in range(counts[number])]
    export(sample_store, numbers, tmp_path / "list.xlsx", "Order list")
    rows = rows_of(tmp_path / "list.xlsx", "Orders")
    assert rows[0] == ["Kunde", "Order", "qtc key", "qtc version"]
    assert [row[1] for row in rows[1:]] == numbers  # no line column: a row per order

    with sample_store.transaction() as session:  # saved again under the same name: replaced
        save_layout(session, "Order list", [("number", "Order"), ("carrier", "Spediteur"), ("customer", "Kunde")])
        assert layout_names(session) == ["Order list", "Warehouse pick"]
    export(sample_store, numbers, tmp_path / "list.xlsx", "Order list")
    assert rows_of(tmp_path / "list.xlsx", "Orders")[0] == ["Order", "Spediteur", "Kunde", "qtc key", "qtc version"]

    with sample_store.transaction() as session:
        remove_layout(session, "Order list")
    with pytest.raises(NotFound, match="generic, odoo, erpnext, Warehouse pick"):
        export(sample_store, numbers, tmp_path / "gone.xlsx", "Order list")


@pytest.mark.parametrize("name, columns, message", [
    ("", [("number", "Order")], "a name of 1 to 64 characters"),
    ("x" * 65, [("number", "Order")], "a name of 1 to 64 characters"),
    ("odoo", [("number", "Order")], "'odoo' is a built-in layout"),
    ("Mine", [], "at least one column"),
    ("Mine", [("number", "Order"), ("colour", "Colour")], "unknown column(s) colour"),
    ("Mine", [("number", "Order"), ("carrier", "Order")], "every column needs a header of its own"),
    ("Mine", [("number", "  ")], "every column needs a header of its own"),
    ("Mine", [("number", "qtc key")], "kept for the round trip"),
])
def test_a_bad_layout_is_refused_with_the_reason(store: OpenedStore, name: str, columns: list[tuple[str, str]],
                                                 message: str) -> None:
    with pytest.raises(QtcError) as refused:
        with store.transaction() as session:
            save_layout(session, name, columns)
    assert message in str(refused.value) and str(refused.value).startswith("Layout not saved: ")
    with store.session() as session:
        assert layout_names(session) == []


def cell_text(value: object) -> str:
    """A cell as its CSV field shows it."""
    if isinstance(value, float):
        return show(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return show(value)


@pytest.mark.parametrize("layout", ["generic", "odoo", "erpnext"])
def test_the_csv_of_each_sheet_holds_the_same_values(sample_store: OpenedStore, numbers: list[str],
                                                     tmp_path: Path, layout: str) -> None:
    result = export(sample_store, numbers, tmp_path / "erp.xlsx", layout, csv=True)
    with CalamineWorkbook.from_path(str(result.path)) as book:
        sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                  for name in book.sheet_names if name != "_qtc"}
    assert [path.name for path in result.csv_files] == [f"erp-{name.replace(' ', '-')}.csv" for name in sheets]
    for path, (name, rows) in zip(result.csv_files, sheets.items()):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
        with path.open(encoding="utf-8-sig", newline="") as stream:
            records = list(csv.reader(stream))
        assert records == [[csv_text(cell) for cell in row] for row in rows], name


def csv_text(cell: object) -> str:
    """A workbook cell as its CSV holds it: text that starts like a formula after an apostrophe."""
    if isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + cell
    return cell_text(cell)


def test_text_that_starts_like_a_formula_stays_text_in_the_csv(sample_store: OpenedStore, tmp_path: Path) -> None:
    [number] = sample_numbers(sample_store, OrderStatus.READY, 1, lambda o: o.quote.type is QuoteType.AMENDMENT)
    tricky = {"customer_po": "-PO-2026/17", "instructions": "=HYPERLINK(\"http://example.com\")",
              "ship_to_name": "@Northwind Hub", "carrier": "+DHL", "contact_name": "- Dana", "warehouse": "Main"}
    with sample_store.transaction(who="test setup") as session:
        order = find_order(session, number)
        apply_edit(session, order, OrderEdit(tricky), who="maria")
        line = order.lines[0]
        line.action, line.prior_quantity, line.delta = ProvisioningAction.DECREASE, Decimal(25), Decimal(-2)
    result = export(sample_store, [number], tmp_path / "erp.xlsx", "generic", csv=True)
    orders_csv, lines_csv = result.csv_files
    with orders_csv.open(encoding="utf-8-sig", newline="") as stream:
        headers, row = list(csv.reader(stream))[:2]
    cells = dict(zip(headers, row))
    assert (cells["Customer PO"], cells["Instructions"], cells["Ship-to Name"], cells["Carrier"],
            cells["Contact"], cells["Warehouse"]) == (
        "'-PO-2026/17", "'=HYPERLINK(\"http://example.com\")", "'@Northwind Hub", "'+DHL", "'- Dana", "Main")
    with lines_csv.open(encoding="utf-8-sig", newline="") as stream:
        headers, row = list(csv.reader(stream))[:2]
    assert dict(zip(headers, row))["Quantity Change"] == "-2"  # a number, not text: as it is
    # The workbook keeps the text exactly, in cells formatted as Text.
    workbook_headers, workbook_row = rows_of(result.path, "Orders")[:2]
    assert dict(zip(workbook_headers, workbook_row))["Customer PO"] == "-PO-2026/17"


def test_an_export_replaces_an_existing_file_by_renaming_a_finished_one(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "erp.xlsx"
    target.write_bytes(b"last week's export")
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def replace(source: Any, destination: Any) -> None:
        with open(source, "rb") as stream:  # complete before it is renamed
            assert openpyxl.load_workbook(stream).sheetnames[0] == "Orders"
        renames.append((Path(source), Path(destination)))
        real_replace(source, destination)

    monkeypatch.setattr("qtc_desktop.services.exporting.writer.os.replace", replace)
    export(sample_store, numbers, target)
    [(source, destination)] = renames
    assert destination == target and source.parent == target.parent and source.name.startswith(".erp.xlsx.")
    assert rows_of(target, "Orders")[1][0] == numbers[0]
    assert sorted(path.name for path in folder.iterdir()) == ["erp.xlsx"]


def database_state(store: OpenedStore) -> dict[str, Any]:
    with store.session() as session:
        orders = {order.number: (order.status, order.version, order.changed_since_export, order.last_export_batch_id)
                  for order in session.execute(select(FulfillmentOrder)).scalars()}
        return {"orders": orders,
                "batches": session.execute(select(func.count()).select_from(ExportBatch)).scalar_one(),
                "records": session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one()}


@pytest.mark.parametrize("failure", ["folder missing", "file locked", "disk full"])
def test_a_failed_export_leaves_the_old_file_and_the_database_as_they_were(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        failure: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "erp.xlsx"
    export(sample_store, numbers[2:], target)  # last week's export, of other orders
    old = target.read_bytes()
    before = database_state(sample_store)
    if failure == "folder missing":
        target = folder / "no such folder" / "erp.xlsx"
    elif failure == "file locked":
        def locked(_source: Any, _destination: Any) -> None:
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr("qtc_desktop.services.exporting.writer.os.replace", locked)
    else:
        def full(_source: Any, _destination: Any) -> None:
            raise OSError(28, "No space left on device")
        monkeypatch.setattr("qtc_desktop.services.exporting.writer.os.replace", full)
    with pytest.raises(ExportRefused) as refused:
        export(sample_store, numbers, target)
    message = str(refused.value)
    expected = {"folder missing": "does not exist", "file locked": "close it and export again",
                "disk full": "No space left on device"}[failure]
    assert expected in message and str(target) in message
    assert (folder / "erp.xlsx").read_bytes() == old
    assert sorted(path.name for path in folder.iterdir()) == ["erp.xlsx"]  # no temporary file left
    assert database_state(sample_store) == before


def test_an_export_is_recorded_as_a_batch_and_moves_ready_orders_on(
        sample_store: OpenedStore, numbers: list[str], tmp_path: Path) -> None:
    [changed] = sample_numbers(sample_store, OrderStatus.CONFIRMED, 1, lambda o: o.changed_since_export)
    chosen = [*numbers, changed]
    before = {number: state for number, state in database_state(sample_store)["orders"].items() if number in chosen}
    result = export(sample_store, chosen, tmp_path / "erp.xlsx", "odoo")
    assert result.orders == tuple(sorted(chosen)) and result.layout == "odoo"
    with sample_store.session() as session:
        batch = session.get(ExportBatch, result.batch_id)
        assert batch is not None
        assert (batch.layout_name, batch.file_path, batch.created_by) == ("odoo", str(tmp_path / "erp.xlsx"),
                                                                           "maria")
        entries = {entry.order_id: entry for entry in session.execute(
            select(ExportBatchOrder).where(ExportBatchOrder.batch_id == batch.id)).scalars()}
        for number in chosen:
            order = find_order(session, number)
            status_before = before[number][0]
            expected = OrderStatus.SENT_TO_ERP if status_before is OrderStatus.READY else status_before
            assert (order.status, order.changed_since_export, order.last_export_batch_id) == (
                expected, False, batch.id)
            assert entries[order.id].order_version == order.version
            assert set(entries[order.id].snapshot) == {"order", "lines", "number", "line_numbers"}
            assert entries[order.id].snapshot["number"] == order.number
        assert len(entries) == len(chosen)
        records = list(session.execute(select(ChangeRecord).where(ChangeRecord.export_batch_id == batch.id))
                       .scalars())
        assert records and {record.source for record in records} == {ChangeSource.ERP_EXPORT}
        assert {(record.field, record.new_value) for record in records if record.field == "status"} == {
            ("status", OrderStatus.SENT_TO_ERP.value)}
    # The key column carries each order's version as exported.
    rows = rows_of(tmp_path / "erp.xlsx", "Sales Orders")
    with sample_store.session() as session:
        versions = {find_order(session, number).version for number in chosen}
    assert {row[-1] for row in rows[1:]} <= versions


def test_changed_picks_orders_changed_since_the_erp_saw_them(sample_store: OpenedStore, tmp_path: Path) -> None:
    with sample_store.session() as session:
        first = [order.number for order in orders_to_export(session, changed=True)]
        every = {order.number: order for order in session.execute(select(FulfillmentOrder)).scalars()}
    expected = sorted(number for number, order in every.items()
                      if order.status is OrderStatus.READY or (
                          order.changed_since_export and order.status in (OrderStatus.CONFIRMED,
                                                                          OrderStatus.SENT_TO_ERP)))
    assert first == expected and first
    with sample_store.session() as session:
        assert count_changed_since_export(session) == len(first)
    with sample_store.transaction() as session:
        export_orders(session, orders_to_export(session, changed=True), tmp_path / "changed.xlsx", "generic",
                      who="maria")
    with sample_store.session() as session:
        assert orders_to_export(session, changed=True) == []
        assert count_changed_since_export(session) == 0
    with sample_store.transaction() as session:  # the coordinator changes one after the export
        apply_edit(session, find_order(session, first[0]), OrderEdit({"carrier": "FedEx Priority"}), who="maria")
    draft = sample_numbers(sample_store, OrderStatus.DRAFT, 1)[0]
    with sample_store.transaction() as session:
        apply_edit(session, find_order(session, draft), OrderEdit({"carrier": "FedEx Priority"}), who="maria")
    with sample_store.session() as session:
        assert [order.number for order in orders_to_export(session, changed=True)] == [first[0]]
        assert count_changed_since_export(session) == 1


def test_orders_the_erp_may_not_have_are_refused(sample_store: OpenedStore, tmp_path: Path) -> None:
    [draft] = sample_numbers(sample_store, OrderStatus.DRAFT, 1)
    [held] = sample_numbers(sample_store, OrderStatus.ON_HOLD, 1)
    [ready] = sample_numbers(sample_store, OrderStatus.READY, 1)
    before = database_state(sample_store)
    with pytest.raises(ExportRefused, match=f"{draft} is draft; {held} is on hold"):
        export(sample_store, [ready, draft, held], tmp_path / "erp.xlsx")
    with pytest.raises(QtcError, match="No order with id 99999"):
        with sample_store.transaction() as session:
            orders_to_export(session, [99999])
    with pytest.raises(ExportRefused, match="no orders to export"):
        with sample_store.transaction() as session:
            export_orders(session, [], tmp_path / "erp.xlsx", "generic", who="maria")
    with pytest.raises(ExportRefused, match="exports are .xlsx workbooks"):
        export(sample_store, [ready], tmp_path / "erp.csv")
    assert list(tmp_path.glob("erp*")) == []
    assert database_state(sample_store) == before
