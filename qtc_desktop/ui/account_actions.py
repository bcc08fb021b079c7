"""Order ▸ Open Account: one account page per customer, raised when asked for again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from qtc_desktop.services.accounts import account_of
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.ui.account_page import AccountPage

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow


class AccountActions(QObject):
    """Owns the Open Account action and the open account pages, by account id."""

    def __init__(self, window: MainWindow, open_order: Callable[[int], object],
                 show_orders: Callable[[int, str], None], parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        # An account page's order opens in the editor; "show its orders" filters the Orders list.
        self._open_order = open_order
        self._show_orders = show_orders
        self.pages: dict[int, AccountPage] = {}
        self.action_open_account = QAction("Open &Account", window)
        self.action_open_account.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.action_open_account.setStatusTip("The selected row's customer: quotes, orders, shipments, "
                                              "positions and recent changes")
        self.action_open_account.triggered.connect(self.open_selected_account)

    def open_selected_account(self) -> None:
        page = self.window.current_page()
        row_id = page.current_id()
        if row_id is None:
            return
        try:
            with self.window.store.session() as session:
                account_id = account_of(session, page.spec.name, row_id)
        except USER_ERRORS as exc:
            QMessageBox.warning(self.window, "Open Account", str(exc))
            return
        self.open_account(account_id)

    def open_account(self, account_id: int) -> AccountPage:
        page = self.pages.get(account_id)
        if page is not None and shiboken6.isValid(page):
            page.reload()
            bring_to_front(page)
        else:
            page = AccountPage(self.window.store, account_id, self.window)
            page.open_order.connect(self._open_order)
            page.show_orders.connect(self._show_orders)
            page.destroyed.connect(lambda _obj=None, key=account_id, made=page: self._forget_page(key, made))
            self.pages[account_id] = page
            page.show()
        return page

    def _forget_page(self, account_id: int, page: AccountPage) -> None:
        if self.pages.get(account_id) is page:
            del self.pages[account_id]

    def reload_pages(self) -> None:
        """Every open account page reads its account again (after an order changed)."""
        for page in list(self.pages.values()):
            if shiboken6.isValid(page):
                page.reload()

    def close_pages(self) -> None:
        for page in list(self.pages.values()):
            if shiboken6.isValid(page):
                page.close()


def bring_to_front(window: QWidget) -> None:
    """Show a window opened earlier (an account page, an order editor, the main window) on top."""
    window.show()
    # Qt's offscreen platform (tests, screenshots) warns that it cannot raise a window.
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()
