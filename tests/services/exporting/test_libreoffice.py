"""An export as other programs see it: LibreOffice converts it (and saves it again), openpyxl and
python-calamine open it, none of them with a complaint.

The LibreOffice tests run where `soffice` is installed (CI installs libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from qtc_desktop.domain import FulfillmentOrder, OrderStatus
from qtc_desktop.services.exporting.layouts import BUILT_IN
from qtc_desktop.services.exporting.reimport import plan_reimport
from qtc_desktop.services.exporting.service import export_orders, orders_to_export
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.store import OpenedStore

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not on PATH; CI installs "
                                                               "libreoffice-calc-nogui")
# Comma-separated, double quotes, UTF-8 (76): the plain "csv" filter would use the system's charset.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"
TEXT = {"ship_to_name": "東京 Αθήνα Köln", "customer_po": "=1+1", "instructions": "+49 89 123456\n@dock 3",
        "ship_to_street": "-12 Harbour Road"}
CUSTOMER = "Société Αθήνα 東京"


def expected_text(layout: str) -> set[str]:
    """The odd text each layout carries: the ERP layouts have the customer and its PO, not the address."""
    return {CUSTOMER, *(TEXT.values() if layout == "generic" else [TEXT["customer_po"]])}


def exported(store: OpenedStore, folder: Path, layout: str) -> tuple[Path, list[str]]:
    """Three sample orders, the first with text a spreadsheet may take for a formula or mangle."""
    with store.transaction() as session:
        def first(status: OrderStatus, count: int) -> list[FulfillmentOrder]:
            return list(session.execute(select(FulfillmentOrder).where(FulfillmentOrder.status == status)
                                        .order_by(FulfillmentOrder.id).limit(count)).scalars())

        orders = [*first(OrderStatus.READY, 2), *first(OrderStatus.PARTLY_SHIPPED, 1)]
        assert len(orders) == 3
        apply_edit(session, find_order(session, orders[0].id), OrderEdit(TEXT), who="maria")
        ids = [order.id for order in orders]
    with store.transaction(who="test setup") as session:
        order = session.get(FulfillmentOrder, ids[0])
        assert order is not None
        order.account.name = CUSTOMER
    with store.transaction() as session:
        result = export_orders(session, orders_to_export(session, ids), folder / f"{layout}.xlsx", layout,
                               who="maria")
    return result.path, list(result.orders)


def soffice(source: Path, target: str, folder: Path) -> Path:
    """Convert with LibreOffice, in a profile of its own (a shared one may be locked by another run)."""
    assert SOFFICE is not None
    out = folder / f"converted-{target.partition(':')[0]}"
    out.mkdir(exist_ok=True)
    profile = folder / "libreoffice-profile"
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out), str(source)],
        capture_output=True, timeout=120, env=dict(os.environ, HOME=str(folder)), check=False)
    converted = out / f"{source.stem}.{target.partition(':')[0]}"
    assert completed.returncode == 0 and converted.exists(), completed.stderr.decode(errors="replace")
    return converted


@needs_libreoffice
@pytest.mark.parametrize("layout", BUILT_IN)
def test_libreoffice_converts_the_export_to_csv_with_the_data_and_text_as_text(
        sample_store: OpenedStore, tmp_path: Path, layout: str) -> None:
    path, numbers = exported(sample_store, tmp_path, layout)
    converted = soffice(path, CSV_FILTER, tmp_path)
    with converted.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    headers = rows[0]
    assert "qtc key" in headers and ("Customer" in headers)
    cells = {cell for row in rows for cell in row}
    assert set(numbers) <= cells  # every order is there
    assert expected_text(layout) <= cells  # non-Latin text intact; "=1+1" is text, not 2
    assert "2" not in [row[headers.index("Customer PO" if layout == "generic" else
                                         "Customer Reference" if layout == "odoo" else
                                         "Customer's Purchase Order")] for row in rows[1:]]


@needs_libreoffice
@pytest.mark.parametrize("layout", BUILT_IN)
def test_a_workbook_saved_again_by_libreoffice_comes_back_with_no_changes(
        sample_store: OpenedStore, tmp_path: Path, layout: str) -> None:
    path, _ = exported(sample_store, tmp_path, layout)
    saved = soffice(path, "xlsx", tmp_path)
    with sample_store.session() as session:
        plan = plan_reimport(session, saved)
    assert (plan.changes, plan.conflicts, plan.errors) == ((), (), ())
    book = openpyxl.load_workbook(saved)
    assert book["_qtc"].sheet_state == "hidden"  # LibreOffice kept the meta sheet out of the way
    book.close()


@pytest.mark.parametrize("layout", BUILT_IN)
def test_openpyxl_and_calamine_open_the_export_without_complaint(
        sample_store: OpenedStore, tmp_path: Path, layout: str) -> None:
    path, numbers = exported(sample_store, tmp_path, layout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about parts it does not understand
        book = openpyxl.load_workbook(path)
        values = {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
        book.close()
    assert set(numbers) | expected_text(layout) <= values
    with CalamineWorkbook.from_path(str(path)) as workbook:
        read = {cell for name in workbook.sheet_names
                for row in workbook.get_sheet_by_name(name).to_python() for cell in row}
    assert set(numbers) | expected_text(layout) <= read
