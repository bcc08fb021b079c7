"""Pictures of the real window for the README: `python -m qtc_desktop.ui.screenshots [DIR]`.

Runs the app on a fresh sample database (offscreen works) and saves what each list looks
like, an order's history after a coordinator's edits, an account page with its history, and
an order a colleague saved while it had unsaved edits, so the README always shows the window
as it is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from qtc_desktop.domain import FulfillmentOrder, FulfillmentOrderLine, OrderStatus
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.workflow import change_status
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import Store, open_store, resolve_url
from qtc_desktop.ui.account_page import AccountPage
from qtc_desktop.ui.app import make_application
from qtc_desktop.ui.main_window import TAB_ACCOUNTS, TAB_ORDERS, TAB_QUOTES, MainWindow
from qtc_desktop.ui.order_editor import OrderEditor

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
SHOTS = (("main-window.png", TAB_ORDERS, 3), ("quotes.png", TAB_QUOTES, 1), ("accounts.png", TAB_ACCOUNTS, 0))
COORDINATOR = "Dana Whitfield"


def make_screenshots(folder: Path) -> list[Path]:
    app = make_application()
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(resolve_url(str(Path(scratch) / "sample.sqlite3")))
        with store.transaction() as session:
            load_sample_data(session, orders=240)
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        window.resize(1440, 840)
        window.show()
        for name, tab, row in SHOTS:
            window.tabs.setCurrentIndex(tab)
            window.current_page().table.selectRow(row)
            for _ in range(5):
                app.processEvents()
            path = folder / name
            window.grab().save(str(path))
            saved.append(path)
        window.close()
        order_id, account_id = _edit_an_order(store)
        editor = OrderEditor(store, order_id, COORDINATOR)
        editor.show_history()
        saved.append(_save(app, editor, folder / "order-history.png"))
        page = AccountPage(store, account_id)
        page.tabs.setCurrentWidget(page.history)
        saved.append(_save(app, page, folder / "account-page.png"))
        saved.append(_changed_elsewhere(app, store, folder / "order-changed-elsewhere.png"))
        store.close()
    QApplication.processEvents()
    from qtc_desktop.ui.screenshots_revisions import make_revision_screenshots

    return saved + make_revision_screenshots(folder)


def _edit_an_order(store: Store) -> tuple[int, int]:
    """A ready order that a coordinator edited, put on hold and released: a history worth showing."""
    with store.session() as session:
        order_id, account_id, line_no, quantity = session.execute(
            select(FulfillmentOrder.id, FulfillmentOrder.account_id, FulfillmentOrderLine.line_no,
                   FulfillmentOrderLine.quantity)
            .join(FulfillmentOrderLine, FulfillmentOrderLine.order_id == FulfillmentOrder.id)
            .where(FulfillmentOrder.status == OrderStatus.READY, FulfillmentOrderLine.quantity >= 2)
            .order_by(FulfillmentOrder.id, FulfillmentOrderLine.line_no).limit(1)).one()
    edits = (
        OrderEdit({"carrier": "DHL Express", "service_level": "Next day"}, {line_no: {"quantity": str(quantity - 1)}}),
        OrderEdit({"instructions": "Deliver to the loading dock at the back of building C between 07:00 and "
                                   "11:00 only; ask for Sam at the gate.\nCall 30 minutes before arrival."}),
    )
    for edit in edits:
        with store.transaction() as session:
            apply_edit(session, find_order(session, order_id), edit, who=COORDINATOR)
    for status, reason in ((OrderStatus.ON_HOLD, "Customer asked to wait for the site survey"),
                           (OrderStatus.READY, None)):
        with store.transaction() as session:
            change_status(session, find_order(session, order_id), status, who=COORDINATOR, reason=reason)
    return order_id, account_id


def _changed_elsewhere(app: QApplication, store: Store, path: Path) -> Path:
    """Dana has typed a PO and delivery instructions when Alex saves a new carrier, service level and warehouse."""
    with store.session() as session:
        order_id = session.execute(select(FulfillmentOrder.id).where(FulfillmentOrder.status == OrderStatus.DRAFT)
                                   .order_by(FulfillmentOrder.id).limit(1)).scalar_one()
    editor = OrderEditor(store, order_id, COORDINATOR)
    editor.resize(1360, 820)
    editor.form.set_by_user("customer_po", "PO-88213")
    editor.form.set_by_user("instructions", "Call the site manager 30 minutes before arrival.")
    with store.transaction() as session:
        apply_edit(session, find_order(session, order_id),
                   OrderEdit({"carrier": "UPS", "service_level": "Express Saver", "warehouse": "RTM-1"}),
                   who="Alex Moreno")
    editor.notice_outside_change()
    path = _save(app, editor, path, keep_open=True)
    editor.undo_stack.setClean()  # the picture is taken; Dana's edits need no question on closing
    editor.close()
    return path


def _save(app: QApplication, widget: QWidget, path: Path, keep_open: bool = False) -> Path:
    widget.show()
    for _ in range(5):
        app.processEvents()
    widget.grab().save(str(path))
    if not keep_open:
        widget.close()
    return path


if __name__ == "__main__":
    for saved_path in make_screenshots(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR):
        print(saved_path)
