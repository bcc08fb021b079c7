"""Order ▸ Compare Revisions and Review Quote Revision: what changed between a quote's revisions,
and taking a newer one over onto an order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.lists import ORDERS, QUOTES
from qtc_desktop.services.orders.lookup import find_order, quote_orders
from qtc_desktop.services.orders.revising import pending_revision

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog


class RevisionActions(QObject):
    """Owns the Compare Revisions and Review Quote Revision actions and the open comparison."""

    def __init__(self, window: MainWindow, selected_order: Callable[[], int | None],
                 order_changed: Callable[[int], None], parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._selected_order = selected_order  # the order selected in the Orders list, if that list is shown
        self._order_changed = order_changed  # lists and open account pages read the order again
        self.diff_dialog: RevisionDiffDialog | None = None
        self.action_compare_revisions = QAction("Com&pare Revisions…", window)
        self.action_compare_revisions.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.action_compare_revisions.setStatusTip("The lines added, removed and changed between two revisions of "
                                                   "the selected quote (or the selected order's quote)")
        self.action_compare_revisions.triggered.connect(self.compare_revisions)
        self.action_review_revision = QAction("Re&view Quote Revision…", window)
        self.action_review_revision.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action_review_revision.setStatusTip("Take a newer revision of its quote over onto the selected order, "
                                                 "change by change")
        self.action_review_revision.triggered.connect(self.review_quote_revision)

    def revision_pending(self, order_id: int) -> bool:
        """Whether a newer revision of the order's quote waits to be reviewed (a few milliseconds)."""
        try:
            with self.window.store.session() as session:
                return pending_revision(session, find_order(session, order_id)) is not None
        except USER_ERRORS:
            return False

    def compare_revisions(self) -> RevisionDiffDialog | None:
        """The selected quote's revisions compared (for an order: its revision against the newest)."""
        from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog

        page = self.window.current_page()
        row_id = page.current_id()
        if row_id is None or page.spec.name not in (QUOTES.name, ORDERS.name):
            return None
        old: int | None = None
        try:
            with self.window.store.session() as session:
                if page.spec.name == QUOTES.name:
                    number = quote_orders(session, row_id).number
                else:
                    order = find_order(session, row_id)
                    number, old = order.quote.number, order.quote.revision
        except USER_ERRORS as exc:
            QMessageBox.warning(self.window, "Compare Revisions", str(exc))
            return None
        if self.diff_dialog is not None and shiboken6.isValid(self.diff_dialog):
            self.diff_dialog.close()
            self.diff_dialog.deleteLater()
        dialog = RevisionDiffDialog(self.window.store, number, self.window, old=old)
        self.diff_dialog = dialog
        dialog.show()
        return dialog

    def review_quote_revision(self) -> list[str] | None:
        """Review Quote Revision: the selected order takes over the changes the coordinator ticks."""
        from qtc_desktop.ui.revision_review_dialog import review_revision

        order_id = self._selected_order()
        if order_id is None:
            return None
        applied = review_revision(self.window, self.window.store, order_id, self.window.preferences.who)
        if applied is None:
            return None
        self._order_changed(order_id)
        self.window.statusBar().showMessage("From the quote revision: " + "; ".join(applied), 8000)
        return applied
