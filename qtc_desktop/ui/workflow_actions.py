"""Order ▸ Move To and Record Shipment: the commands that take an order along its workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.errors import StatusRefused
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.workflow import NEEDS_REASON, allowed_next, change_status, refusals

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.shipment_dialog import ShipmentDialog


class WorkflowActions(QObject):
    """Owns the Move To menu, the Record Shipment action and the shipment dialog."""

    def __init__(self, window: MainWindow, selected_order: Callable[[], int | None],
                 order_changed: Callable[[int], None], parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._selected_order = selected_order  # the order selected in the Orders list, if that list is shown
        self._order_changed = order_changed  # lists and open account pages read the order again
        self.shipment_dialog: ShipmentDialog | None = None
        self.move_menu = QMenu("&Move To", window)
        self.move_menu.setObjectName("moveToMenu")
        self.move_menu.setToolTipsVisible(True)
        self.move_menu.aboutToShow.connect(self._fill_move_menu)
        self.move_menu.menuAction().setStatusTip("Move the selected order to another status of its workflow")
        self.action_record_shipment = QAction("Record &Shipment…", window)
        self.action_record_shipment.setIconText("Record Shipment")
        self.action_record_shipment.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.action_record_shipment.setStatusTip("Record goods of the selected order leaving the warehouse")
        self.action_record_shipment.triggered.connect(self.record_shipment)

    # -- move ---------------------------------------------------------------------------

    def _fill_move_menu(self) -> None:
        self.move_menu.clear()
        order_id = self._selected_order()
        if order_id is None:
            self.move_menu.addAction("Select an order").setEnabled(False)
            return
        try:
            with self.window.store.session() as session:
                order = find_order(session, order_id)
                choices = [(status, refusals(session, order, status, "(reason)"))
                           for status in allowed_next(session, order)]
                current = order.status
        except USER_ERRORS as exc:
            self.move_menu.addAction(str(exc)).setEnabled(False)
            return
        if not choices:
            self.move_menu.addAction(f"No status follows {current.phrase}").setEnabled(False)
        for status, reasons in choices:
            action = self.move_menu.addAction(status.label + ("…" if status in NEEDS_REASON else ""))
            action.setObjectName(f"moveTo_{status.value}")
            action.setData(status.value)
            if reasons:
                action.setToolTip("Not now: " + "; ".join(reasons))
            action.triggered.connect(lambda _checked=False, s=status, o=order_id: self.move_to(s, o))

    def move_to(self, status: OrderStatus, order_id: int | None = None) -> bool:
        """Change the order's status (asking why for on hold and cancelled); a refusal is
        shown with every reason."""
        order_id = order_id if order_id is not None else self._selected_order()
        if order_id is None:
            return False
        reason: str | None = None
        number = f"order {order_id}"
        if status in NEEDS_REASON:
            text, ok = QInputDialog.getText(self.window, f"Move to {status.label}",
                                            f"Why is the order {status.phrase}?")
            if not ok:
                return False
            reason = text
        try:
            with self.window.store.transaction() as session:
                order = find_order(session, order_id)
                number = order.number
                change_status(session, order, status, who=self.window.preferences.who, reason=reason)
        except StatusRefused as exc:
            self._warn("Move To", f"{number} cannot move to {status.label}:\n\n"
                       + "\n".join(f"• {_sentence(reason)}" for reason in exc.reasons))
            return False
        except USER_ERRORS as exc:
            self._warn("Move To", str(exc))
            return False
        self._order_changed(order_id)
        self.window.statusBar().showMessage(f"{number} is now {status.phrase}", 5000)
        return True

    # -- ship ---------------------------------------------------------------------------

    def record_shipment(self) -> ShipmentDialog | None:
        from qtc_desktop.services.orders.to_ship import shipping_order, why_not_shippable
        from qtc_desktop.ui.shipment_dialog import ShipmentDialog

        order_id = self._selected_order()
        if order_id is None:
            return None
        try:
            with self.window.store.session() as session:
                order = find_order(session, order_id)
                problem = why_not_shippable(order)
                data = shipping_order(order)
        except USER_ERRORS as exc:
            self._warn("Record Shipment", str(exc))
            return None
        if problem:
            self._warn("Record Shipment", problem)
            return None
        if self.shipment_dialog is not None and shiboken6.isValid(self.shipment_dialog):
            self.shipment_dialog.deleteLater()
        dialog = ShipmentDialog(self.window.store, data, self.window.preferences.who, self.window)
        dialog.recorded.connect(self._shipment_recorded)
        self.shipment_dialog = dialog
        dialog.open()
        return dialog

    def _shipment_recorded(self, order_id: int) -> None:
        self._order_changed(order_id)
        dialog = self.shipment_dialog
        if dialog is not None and dialog.shipment_number:
            self.window.statusBar().showMessage(f"Recorded shipment {dialog.shipment_number}", 8000)

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
