"""Pictures of a quote revision reaching an order, for the README (called by screenshots.py).

Imports a quote, makes its order (confirmed, the cables half shipped), imports revision 2, and
renders both dialogs offscreen as the coordinator would see them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QApplication

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, record_shipment
from qtc_desktop.store import Store, open_store, resolve_url
from qtc_desktop.ui.app import make_application
from qtc_desktop.ui.order_editor import OrderEditor
from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog
from qtc_desktop.ui.revision_review_dialog import RevisionReviewDialog

HEADERS = ["Quote Number", "Revision", "Account ID", "Account Name", "Line", "Product Code", "Product Name",
           "Product Family", "Quantity", "Net Price", "Net Total", "Start Date", "End Date", "Subscription Term"]
QUOTE = "Q-2026-0142"
ACCOUNT = ["001Nw00000AbCdE", "Northwind Traders Ltd"]
START, END, LATER = dt.date(2026, 7, 1), dt.date(2027, 6, 30), dt.date(2027, 12, 31)
REVISION_1: list[list[object]] = [
    [QUOTE, 1, *ACCOUNT, 1, "HW-SRV-R220", "Rack Server R220", "Hardware", 2, 6000, 12000, None, None, None],
    [QUOTE, 1, *ACCOUNT, 2, "HW-RAIL-KIT", "Sliding rail kit", "Hardware", 4, 89, 356, None, None, None],
    [QUOTE, 1, *ACCOUNT, 3, "SUB-CLOUD-STD", "Cloud Management Standard", "Subscriptions", 25, 96, 2400,
     START, END, 12],
    [QUOTE, 1, *ACCOUNT, 4, "CBL-CAT6-3M", "Patch cable Cat6 3 m", "Accessories", 40, 4.5, 180, None, None, None],
    [QUOTE, 1, *ACCOUNT, 5, "SVC-INSTALL", "On-site installation", "Professional Services", 1.5, 1250, 1875,
     None, None, None],
]
REVISION_2: list[list[object]] = [
    [QUOTE, 2, *ACCOUNT, 1, "HW-SRV-R220", "Rack Server R220", "Hardware", 3, 5800, 17400, None, None, None],
    [QUOTE, 2, *ACCOUNT, 2, "HW-RAIL-KIT", "Sliding rail kit", "Hardware", 6, 89, 534, None, None, None],
    [QUOTE, 2, *ACCOUNT, 3, "SUB-CLOUD-STD", "Cloud Management Standard", "Subscriptions", 30, 96, 2880,
     START, LATER, 18],
    [QUOTE, 2, *ACCOUNT, 5, "SVC-INSTALL", "On-site installation", "Professional Services", 1.5, 1250, 1875,
     None, None, None],
    [QUOTE, 2, *ACCOUNT, 6, "HW-PSU-650", "Redundant power supply 650 W", "Hardware", 3, 190, 570,
     None, None, None],
]


def _import(store: Store, path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    with store.transaction() as session:
        result = import_file(session, path, who="screenshots")
        assert result.ok, result.problems


def make_revision_screenshots(folder: Path) -> list[Path]:
    app = make_application()
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(resolve_url(str(Path(scratch) / "revisions.sqlite3")))
        _import(store, Path(scratch) / "revision-1.xlsx", REVISION_1)
        with store.transaction() as session:
            order = create_order(session, QUOTE, who="screenshots")
            session.flush()
            order_id = order.id
        with store.transaction(who="screenshots") as session:
            find_order(session, order_id).status = OrderStatus.CONFIRMED  # the ERP took it; cables went out
        with store.transaction() as session:
            record_shipment(session, find_order(session, order_id), ShipmentRequest({4: Decimal(20)}),
                            who="screenshots")
        _import(store, Path(scratch) / "revision-2.xlsx", REVISION_2)

        diff = RevisionDiffDialog(store, QUOTE)
        review = RevisionReviewDialog(store, order_id, "screenshots")
        editor = OrderEditor(store, order_id, "screenshots")
        editor.resize(1360, 760)
        for name, dialog in (("revision-diff.png", diff), ("revision-review.png", review),
                             ("order-revised.png", editor)):
            dialog.show()
            for _ in range(5):
                app.processEvents()
            path = folder / name
            dialog.grab().save(str(path))
            saved.append(path)
            dialog.close()
        store.close()
    QApplication.processEvents()
    return saved

