"""The lists' Edit and View commands (copy rows, find, switch list, detail pane, refresh); reading a list in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

if TYPE_CHECKING:
    from qtc_desktop.ui.list_page import ListPage
    from qtc_desktop.ui.main_window import MainWindow

LIST_TITLES = ("&Quotes", "&Orders", "&Accounts")  # the tabs, and View ▸ one action per list


class ListActions(QObject):
    """Owns the actions that work on the list on screen; which lists are loaded, and refreshing
    them, stay the window's."""

    def __init__(self, window: MainWindow, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        style = window.style()
        self.action_find = QAction(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView), "&Find", window)
        self.action_find.setShortcut(QKeySequence.StandardKey.Find)
        self.action_find.setStatusTip("Search the current list")
        self.action_find.triggered.connect(lambda: window.current_page().focus_search())
        self.action_copy = QAction("&Copy Rows", window)
        self.action_copy.setShortcut(QKeySequence.StandardKey.Copy)
        self.action_copy.setStatusTip("Copy the selected rows, with headers, to paste into Excel")
        self.action_copy.triggered.connect(self.copy_rows)

        self.action_refresh = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "&Refresh", window)
        self.action_refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        if self.action_refresh.shortcut().isEmpty():
            self.action_refresh.setShortcut(QKeySequence("F5"))
        self.action_refresh.setStatusTip("Read the list again from the database")
        self.action_refresh.triggered.connect(window.refresh)
        self.action_detail = QAction("Show &Detail Pane", window, checkable=True, checked=True)
        self.action_detail.setShortcut(QKeySequence("Ctrl+D"))
        self.action_detail.toggled.connect(self.show_detail_pane)
        self.tab_actions = []
        for index, name in enumerate(LIST_TITLES):
            action = QAction(name, window, checkable=True)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: window.tabs.setCurrentIndex(i))
            self.tab_actions.append(action)

    def add_to_menus(self, edit_menu: QMenu, view_menu: QMenu) -> None:
        edit_menu.addAction(self.action_copy)
        edit_menu.addAction(self.action_find)
        for action in self.tab_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.action_detail)
        view_menu.addAction(self.action_refresh)

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.addAction(self.action_refresh)
        toolbar.addAction(self.action_find)

    def show_tab(self, index: int) -> None:
        """View ▸ Quotes, Orders, Accounts: only the list on screen is ticked."""
        for position, action in enumerate(self.tab_actions):
            action.setChecked(position == index)

    def show_detail_pane(self, visible: bool) -> None:
        for page in self.window.pages:
            page.detail.setVisible(visible)

    def copy_rows(self) -> None:
        page = self.window.current_page()
        rows = sorted({index.row() for index in page.table.selectionModel().selectedRows()})
        if not rows:
            return
        model = page.model
        header = page.table.horizontalHeader()
        columns = [header.logicalIndex(visual) for visual in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(visual))]
        lines = ["\t".join(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns)]
        for row in rows:
            lines.append("\t".join(_tsv_cell(model.data(model.index(row, c))) for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        self.window.statusBar().showMessage(f"Copied {len(rows):,} rows", 3000)


def read_again_in_place(page: ListPage, *, background: bool = False) -> None:
    """Read the list again, keeping its selection and where it is scrolled to.

    With a shared database this runs whenever a colleague saves (in the background: the
    window does not wait for the server), so a selection of many orders (say for packing
    slips) must survive it too, not only the current row. Both are taken when the new rows
    come in, so a click made while they were read is kept.
    """

    def in_place(swap: Callable[[], None]) -> None:
        chosen, scrolled = page.selected_ids(), page.table.verticalScrollBar().value()
        swap()
        if len(chosen) > 1:
            _reselect(page, set(chosen))
        page.table.verticalScrollBar().setValue(scrolled)

    if background:
        page.refresh_in_background(in_place)
    else:
        in_place(page.refresh)


def _reselect(page: ListPage, ids: set[int]) -> None:
    """Select these rows again (the current one already is), as runs of rows: select-all stays one range."""
    model = page.model
    runs: list[list[int]] = []
    for row in range(model.rowCount()):
        if model.row_id(row) not in ids:
            continue
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    selection = QItemSelection()
    for first, last in runs:
        selection.select(model.index(first, 0), model.index(last, model.columnCount() - 1))
    page.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)


def _tsv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\n", " ")
