"""The order editor's commands: Save, Undo and Redo, Reload, Move to and History, in its menus and toolbar."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolButton

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.orders.workflow import NEEDS_REASON


class EditorCommands:
    """Built once for a window, which connects each command to what it does; the Move-to menu follows the order."""

    def __init__(self, window: QMainWindow, undo_stack: QUndoStack) -> None:
        style = window.style()
        self.action_save = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton), "&Save", window)
        self.action_save.setShortcut(QKeySequence.StandardKey.Save)
        self.action_save.setToolTip("Save the changes in one go (Ctrl+S)")
        self.action_undo = undo_stack.createUndoAction(window, "&Undo")
        self.action_undo.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.action_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.action_redo = undo_stack.createRedoAction(window, "&Redo")
        self.action_redo.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        redo_keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
                     QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        self.action_redo.setShortcuts(list({key.toString(): key for key in redo_keys}.values()))
        self.action_reload = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Re&load", window)
        self.action_reload.setShortcut(QKeySequence("F5"))
        self.action_reload.setToolTip("Read the order again from the database (F5)")
        self.action_paste = QAction("&Paste into Lines\tCtrl+V", window)
        self.action_same = QAction("&Bill-to Same as Ship-to", window)
        self.action_close = QAction("&Close", window)
        self.action_close.setShortcut(QKeySequence.StandardKey.Close)
        self.move_menu = QMenu("&Move to", window)
        self.move_menu.setObjectName("moveMenu")
        self.action_history = QAction(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
                                      "&History", window)
        self.action_history.setObjectName("viewHistory")
        self.action_history.setCheckable(True)
        self.action_history.setShortcut(QKeySequence("Ctrl+H"))
        self.action_history.setToolTip("Who changed what in this order, and when (Ctrl+H)")
        self._add_menus(window)
        self._add_toolbar(window)

    def _add_menus(self, window: QMainWindow) -> None:
        order_menu = window.menuBar().addMenu("&Order")
        order_menu.addActions([self.action_save, self.action_reload])
        order_menu.addMenu(self.move_menu)
        order_menu.addSeparator()
        order_menu.addAction(self.action_close)
        edit_menu = window.menuBar().addMenu("&Edit")
        edit_menu.addActions([self.action_undo, self.action_redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.action_paste, self.action_same])
        view_menu = window.menuBar().addMenu("&View")
        view_menu.addAction(self.action_history)

    def _add_toolbar(self, window: QMainWindow) -> None:
        toolbar = window.addToolBar("Order")
        toolbar.setObjectName("orderToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.action_save, self.action_undo, self.action_redo])
        for action in (self.action_undo, self.action_redo):  # "Undo line 3 tenant" would shift the bar
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addSeparator()
        self.move_button = QToolButton()
        self.move_button.setObjectName("moveTo")
        self.move_button.setText("Move to…")
        self.move_button.setToolTip("Change the order's status")
        self.move_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.move_button.setMenu(self.move_menu)
        toolbar.addWidget(self.move_button)
        toolbar.addSeparator()
        toolbar.addAction(self.action_reload)
        toolbar.addAction(self.action_history)

    def show_moves(self, next_statuses: Sequence[OrderStatus], move_to: Callable[[OrderStatus], object]) -> None:
        """One Move-to item per status the order may go to now ("…" where a reason is asked for)."""
        for stale_action in self.move_menu.actions():  # the one chosen may still be emitting: no delete now
            self.move_menu.removeAction(stale_action)
            stale_action.deleteLater()
        for status in next_statuses:
            action = self.move_menu.addAction(status.label + ("…" if status in NEEDS_REASON else ""))
            action.setObjectName(f"moveTo_{status.value}")
            action.setData(status.value)
            action.triggered.connect(lambda _checked=False, target=status: move_to(target))
        self.move_button.setEnabled(bool(next_statuses))
        self.move_menu.setEnabled(bool(next_statuses))
