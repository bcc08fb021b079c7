"""The main window's order commands: create from a quote, compare and review quote revisions, edit,
move, ship, print the packing paperwork, and open an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QStyle, QToolBar, QToolButton, QWidget

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.lookup import quote_orders
from qtc_desktop.services.orders.shipping import SHIPPABLE
from qtc_desktop.ui.account_actions import AccountActions, bring_to_front
from qtc_desktop.ui.account_page import AccountPage
from qtc_desktop.ui.list_model import RawValueRole
from qtc_desktop.ui.list_page import ListPage
from qtc_desktop.ui.paperwork_actions import PaperworkActions
from qtc_desktop.ui.revision_actions import RevisionActions
from qtc_desktop.ui.workflow_actions import WorkflowActions

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.paperwork_build import PaperworkBuild
    from qtc_desktop.ui.paperwork_dialog import PdfPreviewDialog
    from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog
    from qtc_desktop.ui.shipment_dialog import ShipmentDialog

QUOTES, ORDERS, ACCOUNTS = "quotes", "orders", "accounts"
EDITOR_MODULE = "qtc_desktop.ui.order_editor"


class OrderActions(QObject):
    """Owns the order actions and the open order editors. Moving and shipping, quote revisions,
    account pages and packing paperwork are parts of their own, made here and reached through it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.editors: dict[int, QWidget] = {}
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
        self.workflow_actions = WorkflowActions(window, lambda: self._selected(ORDERS), self.order_changed, self)
        self.move_menu = self.workflow_actions.move_menu
        self.action_record_shipment = self.workflow_actions.action_record_shipment
        self.revision_actions = RevisionActions(window, lambda: self._selected(ORDERS), self.order_changed, self)
        self.action_compare_revisions = self.revision_actions.action_compare_revisions
        self.action_review_revision = self.revision_actions.action_review_revision
        self.account_actions = AccountActions(window, self.open_editor, self.show_account_orders, self)
        self.action_open_account = self.account_actions.action_open_account
        self.paperwork_actions = PaperworkActions(window, self._selected_orders, self)
        self.action_packing_slips = self.paperwork_actions.action_packing_slips
        self.action_pick_list = self.paperwork_actions.action_pick_list

    # The parts' state, read by the main window and the tests under the names it had here.

    @property
    def account_pages(self) -> dict[int, AccountPage]:
        return self.account_actions.pages

    @property
    def diff_dialog(self) -> RevisionDiffDialog | None:
        return self.revision_actions.diff_dialog

    @property
    def shipment_dialog(self) -> ShipmentDialog | None:
        return self.workflow_actions.shipment_dialog

    @property
    def paperwork(self) -> PaperworkBuild | None:
        """The latest build of packing slips or a pick list."""
        return self.paperwork_actions.latest

    @property
    def previews(self) -> list[PdfPreviewDialog]:
        return self.paperwork_actions.previews

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

    def _selected_orders(self) -> list[int]:
        page = self.window.current_page()
        return page.selected_ids() if page.spec.name == ORDERS else []

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
        pending = order_id is not None and self.revision_actions.revision_pending(order_id)
        self.action_review_revision.setEnabled(pending)
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
        self.account_actions.reload_pages()
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
        bring_to_front(self.window)

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

    # -- quote revisions (RevisionActions) ----------------------------------------------

    def compare_revisions(self) -> RevisionDiffDialog | None:
        return self.revision_actions.compare_revisions()

    def review_quote_revision(self) -> list[str] | None:
        return self.revision_actions.review_quote_revision()

    # -- edit ---------------------------------------------------------------------------

    def edit_order(self) -> None:
        order_id = self._selected(ORDERS)
        if order_id is not None:
            self.open_editor(order_id)

    def open_editor(self, order_id: int) -> QWidget | None:
        """The order's editor window, non-modal; one per order (an open one is raised)."""
        editor = self.editors.get(order_id)
        if editor is not None and shiboken6.isValid(editor) and editor.isVisible():
            bring_to_front(editor)
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
        self.account_actions.close_pages()
        self.paperwork_actions.close_previews()  # and their temporary PDFs go
        return True

    # -- move and ship (WorkflowActions) ------------------------------------------------

    def move_to(self, status: OrderStatus, order_id: int | None = None) -> bool:
        """Change the order's status (asking why for on hold and cancelled); a refusal is
        shown with every reason."""
        return self.workflow_actions.move_to(status, order_id)

    def record_shipment(self) -> ShipmentDialog | None:
        return self.workflow_actions.record_shipment()

    # -- packing paperwork (PaperworkActions) -------------------------------------------

    def print_packing_slips(self) -> PaperworkBuild | None:
        return self.paperwork_actions.print_packing_slips()

    def print_pick_list(self) -> PaperworkBuild | None:
        return self.paperwork_actions.print_pick_list()

    # -- accounts (AccountActions) ------------------------------------------------------

    def open_selected_account(self) -> None:
        self.account_actions.open_selected_account()

    def open_account(self, account_id: int) -> AccountPage:
        return self.account_actions.open_account(account_id)

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
