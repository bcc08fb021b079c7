"""An open order and what others save to it: noticed while it is open, or found when saving.

No lost updates, either way: a window without unsaved edits simply reads the order again;
one with edits says who changed what and lets the coordinator reload (dropping the edits)
or type the edits in again on top of the newer order, unsaved until they save. A save
still checks the version it read (StaleOrder), so a change that slips in between is caught.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from qtc_desktop.services.changes.watching import order_versions
from qtc_desktop.services.orders.history import changes_since
from qtc_desktop.ui.change_watcher import UNREACHABLE
from qtc_desktop.ui.outside_change_banner import OutsideChangeBanner

if TYPE_CHECKING:
    from qtc_desktop.ui.order_editor import OrderEditor

_SHOWN_IN_STATUS = 3  # changes named in the status bar after a quiet reload; the History tab has them all


class OthersChanges(QObject):
    """The editor's side of sharing an order: the banner, the stale-save question, mine on top."""

    def __init__(self, editor: OrderEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.banner = OutsideChangeBanner()
        self.banner.reload_clicked.connect(self.reload_discarding_mine)
        self.banner.apply_clicked.connect(self.apply_mine_on_top)

    def notice(self) -> None:
        """Someone saved something: if it was this order, catch up (see the module's docstring)."""
        editor = self.editor
        if editor.order is None:
            return
        try:
            with editor.store.session() as session:
                committed = order_versions(session, [editor.order_id]).get(editor.order_id)
                if committed is None or committed == editor.version:
                    return
                others = changes_since(session, editor.order_id, editor.seen_change)
        except UNREACHABLE:
            return  # the main window already says the database cannot be reached; the next look tries again
        if editor.is_dirty():
            self.banner.show_changes(others)
        elif editor.reload_order():
            editor.statusBar().showMessage(_reloaded(others), 30000)

    def reload_discarding_mine(self) -> None:
        self.editor.reload_order()

    def apply_mine_on_top(self) -> None:
        """The newer order, with this window's changes typed in again as unsaved (and undoable) edits."""
        editor = self.editor
        header, lines = editor.form.changed_fields(), editor.lines_model.changed()
        if not editor.reload_order():
            return
        editor.undo_stack.beginMacro("apply my edits again")
        for name, text in header.items():
            editor.form.set_by_user(name, text)
        for line_no, fields in lines.items():
            row = editor.lines_model.row_of(line_no)
            for name, text in fields.items():
                if row is not None:
                    editor.lines_model.set_text(row, name, text)
        editor.undo_stack.endMacro()
        if not editor.form.changed_fields() and not editor.lines_model.changed():
            editor.undo_stack.setClean()  # theirs already says what mine did
        else:
            editor.statusBar().showMessage("Your edits are applied on top of the saved order; save when they "
                                           "look right.", 30000)

    def ask_after_stale_save(self, message: str) -> None:
        """A save (or status change) found the order changed since it was read: reload, mine on top, or neither."""
        editor = self.editor
        try:
            with editor.store.session() as session:
                others = changes_since(session, editor.order_id, editor.seen_change)
        except UNREACHABLE:
            others = []
        box = QMessageBox(QMessageBox.Icon.Warning, "Someone else saved this order", message,
                          QMessageBox.StandardButton.NoButton, editor)
        box.setObjectName("staleOrderBox")
        if others:
            box.setInformativeText("Changed since you opened it:\n" + "\n".join(f"• {line}" for line in others))
        reload_button = box.addButton("Reload (discard mine)", QMessageBox.ButtonRole.DestructiveRole)
        reapply_button = box.addButton("Reload, then apply mine again", QMessageBox.ButtonRole.AcceptRole)
        keep_button = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep_button)
        box.setEscapeButton(keep_button)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is reload_button:
            self.reload_discarding_mine()
        elif clicked is reapply_button:
            self.apply_mine_on_top()


def _reloaded(changes: list[str]) -> str:
    """ "Reloaded: Alex changed carrier DHL → UPS; Dana changed warehouse (blank) → AMS-2". """
    said = [f"{who} changed {what}" if what else who
            for who, _, what in (line.partition(": ") for line in changes[:_SHOWN_IN_STATUS])]
    if len(changes) > _SHOWN_IN_STATUS:
        said.append(f"and {len(changes) - _SHOWN_IN_STATUS} more (see History)")
    return "Reloaded: " + ("; ".join(said) if said else "someone else saved this order") + "."
