"""The main window catching up with what others save, and the status bar's warning while the database is unreachable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt

from qtc_desktop.ui.connection_warning import ConnectionWarning

if TYPE_CHECKING:
    from qtc_desktop.services.changes.watching import OutsideChanges
    from qtc_desktop.ui.change_watcher import ChangeWatcher
    from qtc_desktop.ui.main_window import MainWindow


class CatchUp(QObject):
    """Takes what the window's ChangeWatcher notices to the views it touches; owns the connection warning."""

    def __init__(self, window: MainWindow, watcher: ChangeWatcher, update_empty_banner: Callable[[], None],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._update_empty_banner = update_empty_banner  # a colleague may fill an empty shared database
        self.connection_warning = ConnectionWarning()
        window.statusBar().addPermanentWidget(self.connection_warning)
        watcher.changed.connect(self.others_saved)
        watcher.connection_lost.connect(self.connection_warning.show_lost)
        watcher.connection_restored.connect(self._connection_restored)

    def others_saved(self, changes: OutsideChanges) -> None:
        """Saves noticed by the watcher (others', and this window's own): the list on screen, the
        open account pages they touch and every open order catch up."""
        window, order_actions = self.window, self.window.order_actions
        window.lists_changed(background=True)
        if window.empty_banner.isVisible():
            self._update_empty_banner()
        for account_id, page in list(order_actions.account_pages.items()):
            touched = changes.many_orders or changes.many_accounts or account_id in changes.accounts
            if touched and shiboken6.isValid(page):
                page.reload()
        if order_actions.editors:
            from qtc_desktop.ui.order_editor import OrderEditor  # loaded already: an editor is open

            for editor in list(order_actions.editors.values()):
                if isinstance(editor, OrderEditor) and shiboken6.isValid(editor) and editor.isVisible():
                    editor.notice_outside_change()
        order_actions.update_actions()
        message = f"{changes.summary} — lists updated"
        model = window.current_page().model
        if model.refreshing:  # said once the rows are in, after the list's own count
            model.refreshed.connect(lambda _count: window.statusBar().showMessage(message, 15000),
                                    Qt.ConnectionType.SingleShotConnection)
        else:
            window.statusBar().showMessage(message, 15000)

    def _connection_restored(self) -> None:
        self.connection_warning.hide()
        self.window.statusBar().showMessage(f"Connected again to {self.window.store.location}", 5000)
