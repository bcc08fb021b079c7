"""The main window's order commands: create from a quote, compare and review quote revisions, edit,
move, ship, print the packing paperwork, and open an account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QStyle, QToolBar, QToolButton, QWidget

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.accounts import account_of
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.errors import StatusRefused
from qtc_desktop.services.orders.lookup import find_order, quote_orders
from qtc_desktop.services.orders.revising import pending_revision
from qtc_desktop.services.orders.shipping import SHIPPABLE
from qtc_desktop.services.orders.workflow import NEEDS_REASON, allowed_next, change_status, refusals
from qtc_desktop.services.progress import Progress
from qtc_desktop.ui.account_page import AccountPage
from qtc_desktop.ui.list_model import RawValueRole
from qtc_desktop.ui.list_page import ListPage

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.paperwork_dialog import PaperworkBuild, PdfPreviewDialog
    from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog
    from qtc_desktop.ui.shipment_dialog import ShipmentDialog

QUOTES, ORDERS, ACCOUNTS = "quotes", "orders", "accounts"
EDITOR_MODULE = "qtc_desktop.ui.order_editor"


class OrderActions(QObject):
    """Owns the order actions, the open order editors, account pages and the shipment dialog."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.editors: dict[int, QWidget] = {}
        self.account_pages: dict[int, AccountPage] = {}
        self.shipment_dialog: ShipmentDialog | None = None
        self.diff_dialog: RevisionDiffDialog | None = None
        self.paperwork: PaperworkBuild | None = None  # the latest build of packing slips or a pick list
        self.previews: list[PdfPreviewDialog] = []
        self._make_actions()
        self.menu = QMenu("&Order", window)
        self.menu.setObjectName("orderMenu")
        self.menu.addAction(self.action_create_order)
        self.menu.addAction(self.action_compare_revisions)
        self.menu.addSeparator()
        self.menu.addAction(self.action_edit_order)
        self.menu.addMenu(self.move_menu)
        self.menu.addAction(self.action_record_shipment)
        self.menu.addAction(self.action_review_revision)
        self.menu.addSeparator()
        self.menu.addAction(self.action_packing_slips)
        self.menu.addAction(self.action_pick_list)
        self.menu.addSeparator()
        self.menu.addAction(self.action_open_account)
        self.menu.addSeparator()
        self.action_product_rules = QAction("Product &Rules…", window)
        self.action_product_rules.setStatusTip("How lines with matching product codes are fulfilled")
        self.action_product_rules.triggered.connect(self.edit_product_rules)
        self.menu.addAction(self.action_product_rules)
        for page in window.pages:
            page.table.activated.connect(lambda index, p=page: self._activated(p, index))
            page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            page.table.customContextMenuRequested.connect(lambda pos, p=page: self._context_menu(p, pos))
            page.table.selectionModel().selectionChanged.connect(self.update_actions)
            page.model.modelReset.connect(self.update_actions)
        window.tabs.currentChanged.connect(self.update_actions)
        self.update_actions()

    def edit_product_rules(self) -> None:
        from qtc_desktop.ui.product_rules_dialog import ProductRulesDialog

        dialog = ProductRulesDialog(self.window.store, self.window)
        if dialog.exec() == ProductRulesDialog.DialogCode.Accepted:
            self.window.statusBar().showMessage("Product rules saved; they apply to orders created from now on", 5000)

    def _make_actions(self) -> None:
        window, style = self.window, self.window.style()
        self.action_create_order = QAction(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon),
                                           "&Create Order from Quote", window)
        self.action_create_order.setIconText("Create Order")
        self.action_create_order.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.action_create_order.setStatusTip("A draft fulfillment order from the selected quote's latest revision")
        self.action_create_order.triggered.connect(self.create_order_from_quote)
        self.action_edit_order = QAction(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
                                         "&Edit Order…", window)
        self.action_edit_order.setIconText("Edit Order")
        self.action_edit_order.setShortcut(QKeySequence("Ctrl+E"))
        self.action_edit_order.setStatusTip("Open the selected order in its own window (or double-click it)")
        self.action_edit_order.triggered.connect(self.edit_order)
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
        self.action_open_account = QAction("Open &Account", window)
        self.action_open_account.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.action_open_account.setStatusTip("The selected row's customer: quotes, orders, shipments, "
                                              "positions and recent changes")
        self.action_open_account.triggered.connect(self.open_selected_account)
        self.action_packing_slips = QAction("Packing S&lips…", window)
        self.action_packing_slips.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action_packing_slips.setStatusTip("A packing slip for every shipment of the selected orders (an order "
                                               "slip for an order not shipped yet), in one PDF to print or save")
        self.action_packing_slips.triggered.connect(lambda _checked=False: self.print_packing_slips())
        self.action_pick_list = QAction("Pic&k List…", window)
        self.action_pick_list.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.action_pick_list.setStatusTip("What to fetch for the selected orders, by warehouse and bin in walking "
                                           "order, as a PDF to print or save")
        self.action_pick_list.triggered.connect(lambda _checked=False: self.print_pick_list())

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.addSeparator()
        toolbar.addAction(self.action_create_order)
        toolbar.addAction(self.action_edit_order)
        toolbar.addAction(self.move_menu.menuAction())
        button = toolbar.widgetForAction(self.move_menu.menuAction())
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addAction(self.action_record_shipment)
        toolbar.addAction(self.action_open_account)

    # -- what is selected ---------------------------------------------------------------

    def _page(self, name: str) -> ListPage:
        return next(page for page in self.window.pages if page.spec.name == name)

    def _selected(self, name: str) -> int | None:
        page = self.window.current_page()
        return page.current_id() if page.spec.name == name else None

    def update_actions(self) -> None:
        page = self.window.current_page()
        selected = page.current_id() is not None
        name = page.spec.name
        self.action_create_order.setEnabled(selected and name == QUOTES)
        self.action_edit_order.setEnabled(selected and name == ORDERS)
        self.move_menu.menuAction().setEnabled(selected and name == ORDERS)
        self.action_record_shipment.setEnabled(selected and name == ORDERS and self._listed_status(page) in SHIPPABLE)
        self.action_compare_revisions.setEnabled(selected and name in (QUOTES, ORDERS))
        order_id = page.current_id() if name == ORDERS else None
        self.action_review_revision.setEnabled(order_id is not None and self._revision_pending(order_id))
        self.action_open_account.setEnabled(selected)
        orders_selected = name == ORDERS and page.table.selectionModel().hasSelection()
        self.action_packing_slips.setEnabled(orders_selected)
        self.action_pick_list.setEnabled(orders_selected)

    @staticmethod
    def _listed_status(page: ListPage) -> OrderStatus | None:
        """The selected order's status as the list shows it (checked again on use)."""
        order_id = page.current_id()
        row = page.model.row_of(order_id) if order_id is not None else None
        if row is None:
            return None
        value = page.model.data(page.model.index(row, page.spec.column_index("status")), RawValueRole)
        return OrderStatus(value) if value else None

    def _revision_pending(self, order_id: int) -> bool:
        """Whether a newer revision of the order's quote waits to be reviewed (a few milliseconds)."""
        try:
            with self.window.store.session() as session:
                return pending_revision(session, find_order(session, order_id)) is not None
        except USER_ERRORS:
            return False

    def _activated(self, page: ListPage, index: QModelIndex) -> None:
        row_id = page.model.row_id(index.row())
        if page.spec.name == ORDERS:
            self.open_editor(row_id)
        elif page.spec.name == ACCOUNTS:
            self.open_account(row_id)

    def _context_menu(self, page: ListPage, position: QPoint) -> None:
        menu = QMenu(page)
        if page.spec.name == QUOTES:
            menu.addAction(self.action_create_order)
            menu.addAction(self.action_compare_revisions)
        elif page.spec.name == ORDERS:
            menu.addAction(self.action_edit_order)
            menu.addMenu(self.move_menu)
            menu.addAction(self.action_record_shipment)
            menu.addAction(self.action_review_revision)
            menu.addAction(self.action_compare_revisions)
            menu.addSeparator()
            menu.addAction(self.action_packing_slips)
            menu.addAction(self.action_pick_list)
        menu.addSeparator()
        menu.addAction(self.action_open_account)
        menu.addAction(self.window.action_copy)
        menu.exec(page.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    # -- after a change -----------------------------------------------------------------

    def order_changed(self, order_id: int) -> None:
        """An order was created or changed: lists and open account pages read it again."""
        self.window.lists_changed()
        for page in list(self.account_pages.values()):
            if shiboken6.isValid(page):
                page.reload()
        self.update_actions()

    def show_order(self, order_id: int) -> bool:
        """Switch to the Orders list with the order selected, clearing a search or filter
        that hides it."""
        self.window.tabs.setCurrentIndex(self.window.pages.index(self._page(ORDERS)))
        page = self._page(ORDERS)
        if page.select_id(order_id):
            return True
        page.reset_query()
        if page.select_id(order_id):
            self.window.statusBar().showMessage("Search and filters cleared to show the order", 5000)
            return True
        return False

    def show_account_orders(self, account_id: int, name: str) -> None:
        self.window.tabs.setCurrentIndex(self.window.pages.index(self._page(ORDERS)))
        page = self._page(ORDERS)
        page.reset_query()
        page.set_filter_value("account", str(account_id), name)
        _bring_to_front(self.window)

    # -- create -------------------------------------------------------------------------

    def create_order_from_quote(self) -> None:
        """Quotes ▸ Create Order: a draft order for the selected quote's latest revision, shown
        in the Orders list and opened in the editor. An existing order is offered instead."""
        quote_id = self._selected(QUOTES)
        if quote_id is None:
            return
        try:
            with self.window.store.session() as session:
                quote = quote_orders(session, quote_id)
        except USER_ERRORS as exc:
            self._warn("Create Order", str(exc))
            return
        existing = quote.on_latest()
        if existing is not None:
            choice = self.choose("Create Order", f"Quote {quote.number} revision {quote.latest_revision} already "
                                 f"has order {existing[1]}.", [f"Open {existing[1]}"])
            if choice == 0:
                self.show_order(existing[0])
                self.open_editor(existing[0])
            return
        if quote.orders:
            earlier = quote.orders[0]
            choice = self.choose(
                "Create Order",
                f"Order {earlier[1]} was made from revision {earlier[2]} of quote {quote.number}; the latest "
                f"revision is {quote.latest_revision}. Create another order for revision "
                f"{quote.latest_revision}, or open {earlier[1]}?",
                [f"Create Order for Revision {quote.latest_revision}", f"Open {earlier[1]}"])
            if choice == 1:
                self.show_order(earlier[0])
                self.open_editor(earlier[0])
            if choice != 0:
                return
        try:
            with self.window.store.transaction() as session:
                order = create_order(session, quote.number, who=self.window.preferences.who)
                session.flush()
                order_id, number = order.id, order.number
        except USER_ERRORS as exc:
            self._warn("Create Order", str(exc))
            return
        self.order_changed(order_id)
        self.show_order(order_id)
        self.window.statusBar().showMessage(
            f"Created order {number} from quote {quote.number} revision {quote.latest_revision}", 8000)
        self.open_editor(order_id)

    # -- quote revisions ----------------------------------------------------------------

    def compare_revisions(self) -> RevisionDiffDialog | None:
        """The selected quote's revisions compared (for an order: its revision against the newest)."""
        from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog

        page = self.window.current_page()
        row_id = page.current_id()
        if row_id is None or page.spec.name not in (QUOTES, ORDERS):
            return None
        old: int | None = None
        try:
            with self.window.store.session() as session:
                if page.spec.name == QUOTES:
                    number = quote_orders(session, row_id).number
                else:
                    order = find_order(session, row_id)
                    number, old = order.quote.number, order.quote.revision
        except USER_ERRORS as exc:
            self._warn("Compare Revisions", str(exc))
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

        order_id = self._selected(ORDERS)
        if order_id is None:
            return None
        applied = review_revision(self.window, self.window.store, order_id, self.window.preferences.who)
        if applied is None:
            return None
        self.order_changed(order_id)
        self.window.statusBar().showMessage("From the quote revision: " + "; ".join(applied), 8000)
        return applied

    # -- edit ---------------------------------------------------------------------------

    def edit_order(self) -> None:
        order_id = self._selected(ORDERS)
        if order_id is not None:
            self.open_editor(order_id)

    def open_editor(self, order_id: int) -> QWidget | None:
        """The order's editor window, non-modal; one per order (an open one is raised)."""
        editor = self.editors.get(order_id)
        if editor is not None and shiboken6.isValid(editor) and editor.isVisible():
            _bring_to_front(editor)
            return editor
        if editor is not None and shiboken6.isValid(editor):
            editor.deleteLater()  # closed earlier, not deleted: a new one reads the order afresh
        try:
            from qtc_desktop.ui.order_editor import OrderEditor
        except ModuleNotFoundError as exc:
            if exc.name != EDITOR_MODULE:
                raise
            self._warn("Edit Order", "The order editor is not part of this build.")
            return None
        try:
            editor = OrderEditor(self.window.store, order_id, self.window.preferences.who, self.window)
        except USER_ERRORS as exc:
            self._warn("Edit Order", str(exc))
            return None
        if not editor.isWindow():
            editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.saved.connect(self.order_changed)
        self.editors[order_id] = editor
        editor.destroyed.connect(lambda _obj=None, key=order_id, made=editor: self._forget_editor(key, made))
        editor.show()
        return editor

    def _forget_editor(self, order_id: int, editor: QWidget) -> None:
        if self.editors.get(order_id) is editor:
            del self.editors[order_id]

    def close_windows(self) -> bool:
        """Close the editors (each may ask to save) and account pages; False if one stayed open."""
        for editor in list(self.editors.values()):
            if shiboken6.isValid(editor) and editor.isVisible() and not editor.close():
                return False
        for page in list(self.account_pages.values()):
            if shiboken6.isValid(page):
                page.close()
        for preview in list(self.previews):
            if shiboken6.isValid(preview):
                preview.close()  # and its temporary PDF goes
        return True

    # -- move ---------------------------------------------------------------------------

    def _fill_move_menu(self) -> None:
        self.move_menu.clear()
        order_id = self._selected(ORDERS)
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
        order_id = order_id if order_id is not None else self._selected(ORDERS)
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
        self.order_changed(order_id)
        self.window.statusBar().showMessage(f"{number} is now {status.phrase}", 5000)
        return True

    # -- ship ---------------------------------------------------------------------------

    def record_shipment(self) -> ShipmentDialog | None:
        from qtc_desktop.ui.shipment_dialog import ShipmentDialog, shipping_order, why_not_shippable

        order_id = self._selected(ORDERS)
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
        self.order_changed(order_id)
        dialog = self.shipment_dialog
        if dialog is not None and dialog.shipment_number:
            self.window.statusBar().showMessage(f"Recorded shipment {dialog.shipment_number}", 8000)

    # -- packing paperwork --------------------------------------------------------------

    def _selected_orders(self) -> list[int]:
        page = self.window.current_page()
        return page.selected_ids() if page.spec.name == ORDERS else []

    def print_packing_slips(self) -> PaperworkBuild | None:
        """Order ▸ Packing Slips: every shipment's slip of the selected orders in one PDF, previewed."""
        from qtc_desktop.ui.paperwork_dialog import build_packing_slips

        order_ids = self._selected_orders()
        store, preferences = self.window.store, replace(self.window.preferences)
        return self._build_paperwork("Packing slips", order_ids, lambda folder, progress: build_packing_slips(
            store, order_ids, preferences, folder, progress))

    def print_pick_list(self) -> PaperworkBuild | None:
        """Order ▸ Pick List: one pick list for the selected orders, previewed."""
        from qtc_desktop.ui.paperwork_dialog import build_pick_list

        order_ids = self._selected_orders()
        store, preferences = self.window.store, replace(self.window.preferences)
        return self._build_paperwork("Pick list", order_ids, lambda folder, progress: build_pick_list(
            store, order_ids, preferences, folder, progress))

    def _build_paperwork(self, title: str, order_ids: list[int],
                         write: Callable[[Path, Progress], Path]) -> PaperworkBuild | None:
        from qtc_desktop.ui.paperwork_dialog import PaperworkBuild

        if not order_ids:
            return None
        previous = self.paperwork
        if previous is not None and shiboken6.isValid(previous) and previous.progress is None:
            previous.deleteLater()  # done: its preview (if any) lives on by itself
        build = PaperworkBuild(self.window, self.window.jobs, self.window.settings, title, write)
        build.opened.connect(self._preview_opened)
        build.failed.connect(lambda message: self._warn(title, message))
        build.cancelled.connect(lambda: self.window.statusBar().showMessage(
            f"{title} cancelled; nothing was written", 5000))
        self.paperwork = build
        build.start()
        return build

    def _preview_opened(self, preview: PdfPreviewDialog) -> None:
        self.previews.append(preview)
        preview.finished.connect(lambda _result, made=preview: self._preview_closed(made))
        count = preview.page_count()
        self.window.statusBar().showMessage(
            f"{preview.pdf.title}: {count:,} page{'' if count == 1 else 's'} ready to print or save", 8000)

    def _preview_closed(self, preview: PdfPreviewDialog) -> None:
        if preview in self.previews:
            self.previews.remove(preview)
        preview.deleteLater()

    # -- accounts -----------------------------------------------------------------------

    def open_selected_account(self) -> None:
        page = self.window.current_page()
        row_id = page.current_id()
        if row_id is None:
            return
        try:
            with self.window.store.session() as session:
                account_id = account_of(session, page.spec.name, row_id)
        except USER_ERRORS as exc:
            self._warn("Open Account", str(exc))
            return
        self.open_account(account_id)

    def open_account(self, account_id: int) -> AccountPage:
        page = self.account_pages.get(account_id)
        if page is not None and shiboken6.isValid(page):
            page.reload()
            _bring_to_front(page)
        else:
            page = AccountPage(self.window.store, account_id, self.window)
            page.open_order.connect(self.open_editor)
            page.show_orders.connect(self.show_account_orders)
            page.destroyed.connect(lambda _obj=None, key=account_id, made=page: self._forget_page(key, made))
            self.account_pages[account_id] = page
            page.show()
        return page

    def _forget_page(self, account_id: int, page: AccountPage) -> None:
        if self.account_pages.get(account_id) is page:
            del self.account_pages[account_id]

    # -- asking and telling -------------------------------------------------------------

    def choose(self, title: str, text: str, choices: list[str]) -> int | None:
        """Ask with a button per choice and Cancel; the chosen index, or None."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self.window)
        buttons = [box.addButton(choice, QMessageBox.ButtonRole.AcceptRole) for choice in choices]
        box.setDefaultButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        return next((index for index, button in enumerate(buttons) if button is clicked), None)

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)


def _bring_to_front(window: QWidget) -> None:
    window.show()
    # Qt's offscreen platform (tests, screenshots) warns that it cannot raise a window.
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
