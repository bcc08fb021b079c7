"""The fulfillment-order editor: header, lines, readiness and status, each save one checked transaction.

The window reads the order once into detached ORM objects and edits those in place:
valid values go straight onto them (never flushed: no session holds them), so the
services' own readiness() and check_edit() run on exactly what the coordinator sees.
Save sends only the fields that differ from what was loaded, through apply_edit in a new
transaction with the version that was loaded; then it reads the order again. What others
save to the order meanwhile is order_conflicts.py's part; the window's menus and toolbar are
order_editor_commands.py's, the layout under them order_editor_body.py's.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox, QWidget
from sqlalchemy.orm import Session

from qtc_desktop.domain import FulfillmentOrder, OrderStatus
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.editing import LOCKED, OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem, StaleOrder, StatusRefused
from qtc_desktop.services.orders.fields import HEADER_FIELDS
from qtc_desktop.services.orders.history import newest_change
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.readiness import readiness
from qtc_desktop.services.orders.revising import pending_revision
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.services.orders.workflow import NEEDS_REASON, allowed_next, change_status
from qtc_desktop.store import Store
from qtc_desktop.ui.history_panel import HistoryPanel
from qtc_desktop.ui.order_conflicts import OthersChanges
from qtc_desktop.ui.order_editor_body import EditorBody
from qtc_desktop.ui.order_editor_commands import EditorCommands
from qtc_desktop.ui.order_header_form import HeaderForm
from qtc_desktop.ui.order_lines_model import COLUMN_OF, OrderLinesModel
from qtc_desktop.ui.order_lines_view import LinesView
from qtc_desktop.ui.readiness_panel import ReadinessPanel
from qtc_desktop.ui.revision_banner import RevisionBanner
from qtc_desktop.ui.revision_review_dialog import review_revision


class OrderEditor(QMainWindow):
    """One order, edited by `who`; non-modal (show()), several may be open at once."""

    # The order's id, after a save or a status change reached the database.
    saved = Signal(int)

    def __init__(self, store: Store, order_id: int, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderEditor")
        self.store, self.order_id, self.who = store, order_id, who
        self.order: FulfillmentOrder | None = None
        self.version = 0  # what the order's version was when read: Save expects it unchanged
        self.read_only = True
        self.seen_change = 0  # the newest change record when read, to tell what others changed since
        self.undo_stack = QUndoStack(self)
        self.form = HeaderForm(self.undo_stack)
        self.lines_model = OrderLinesModel(self.undo_stack, self)
        self.lines_view = LinesView(self.lines_model)
        self.lines_view.setObjectName("lines")
        self.readiness_panel = ReadinessPanel()
        self.history_panel = HistoryPanel()
        self.revision_banner = RevisionBanner()
        self.revision_label, self.review_button = self.revision_banner.label, self.revision_banner.button
        self.review_button.clicked.connect(self.review_revision)
        self.others = OthersChanges(self)  # what others save to this order while it is open
        self.setWindowTitle(f"Order {order_id} [*]")
        self.resize(1380, 900)
        # The menus, toolbar and body are built elsewhere; their parts keep the names they have always had here.
        commands = self.commands = EditorCommands(self, self.undo_stack)
        self.action_save, self.action_undo, self.action_redo = (commands.action_save, commands.action_undo,
                                                                commands.action_redo)
        self.action_reload, self.action_paste, self.action_same = (commands.action_reload, commands.action_paste,
                                                                   commands.action_same)
        self.action_close, self.action_history = commands.action_close, commands.action_history
        self.move_menu, self.move_button = commands.move_menu, commands.move_button
        self.action_save.triggered.connect(self.save)
        self.action_reload.triggered.connect(self.reload_asking)
        self.action_paste.triggered.connect(self._paste_into_lines)
        self.action_same.triggered.connect(self.form.copy_ship_to_bill_to)
        self.action_close.triggered.connect(self.close)
        self.action_history.toggled.connect(self.show_history)
        body = self.body = EditorBody(self.form, self.readiness_panel, self.lines_view, self.history_panel,
                                      [self.revision_banner, self.others.banner], self)
        self.title_label, self.status_label = body.title_label, body.status_label
        self.subtitle_label, self.notice_label = body.subtitle_label, body.notice_label
        self.lines_message, self.body_tabs, self.lines_box = body.lines_message, body.body_tabs, body.lines_box
        body.history_shown.connect(self.action_history.setChecked)
        self.setCentralWidget(body)

        self.undo_stack.cleanChanged.connect(self._update_actions)
        self.undo_stack.indexChanged.connect(self._update_actions)
        self.form.changed.connect(self._refresh)
        self.lines_model.edited.connect(self._refresh)
        self.lines_model.message.connect(body.show_lines_message)
        self.readiness_panel.item_activated.connect(self.go_to_field)
        self.reload_order()

    def review_revision(self) -> None:
        """Open the revision review; the order is read again after anything was applied."""
        if self.is_dirty():
            self._tell(QMessageBox.Icon.Information, "Save first",
                       "Save or undo your edits before applying the quote's revision.")
            return
        if review_revision(self, self.store, self.order_id, self.who, expected_version=self.version):
            self.reload_order()
            self.saved.emit(self.order_id)

    # -- reading ----------------------------------------------------------------------

    def reload_order(self, keep_undo: bool = False) -> bool:
        """Read the order again; the undo history survives a save (keep_undo), not a reload."""
        try:
            with self.store.session() as session:
                order = read_for_editing(session, self.order_id)
                next_statuses = allowed_next(session, order)
                self.seen_change = newest_change(session, order.id)
                proposal = pending_revision(session, order)
        except USER_ERRORS as exc:
            self._show_unavailable(str(exc))
            self.history_panel.load_order(self.store, self.order_id)
            return False
        self.order, self.version = order, order.version
        self.read_only = order.status in LOCKED
        self.lines_model.set_order(order, shipped_quantities(order), self.read_only)
        self.form.load(order, self.read_only)
        if not keep_undo:
            self.undo_stack.clear()
        self.undo_stack.setClean()
        self._show_order_facts(order, next_statuses)
        self.revision_banner.show_proposal(None if self.read_only else proposal)
        self.others.banner.hide()  # what it listed is on screen now
        self._refresh()
        self.history_panel.load_order(self.store, self.order_id)
        return True

    def _show_order_facts(self, order: FulfillmentOrder, next_statuses: Sequence[OrderStatus]) -> None:
        self.setWindowTitle(f"{order.number} — {order.account.name} [*]")
        self.body.show_order(order, self.read_only)
        self.commands.show_moves(next_statuses, self.move_to)

    def _show_unavailable(self, message: str) -> None:
        self.body.show_unavailable(message)
        if self.order is None:
            self.read_only = True
            self.form.setEnabled(False)
            self.lines_view.setEnabled(False)
            self.move_button.setEnabled(False)
        self._update_actions()

    def _refresh(self) -> None:
        """Readiness on the values as they stand now, saved or not."""
        if self.order is not None:
            missing = readiness(self.order)
            self.readiness_panel.show_items(missing)
            self.lines_model.set_missing(missing)
            header_gaps = {item.field: str(item) for item in missing if item.line_no is None}
            if "bill_to_name" in header_gaps:  # "bill-to name and country": both fields
                header_gaps["bill_to_country"] = header_gaps["bill_to_name"]
            self.form.set_missing({name: text for name, text in header_gaps.items()
                                   if name in self.form.entries and not self.form.text(name).strip()})
        self._update_actions()

    def _update_actions(self) -> None:
        dirty = not self.undo_stack.isClean()
        self.setWindowModified(dirty)
        editable = self.order is not None and not self.read_only
        self.action_save.setEnabled(editable and dirty and self.form.is_valid())
        self.action_paste.setEnabled(editable)
        self.action_same.setEnabled(editable)
        errors = self.form.errors()
        if errors:
            self.statusBar().showMessage(f"{len(errors)} field{'s' if len(errors) > 1 else ''} to put right "
                                         "before saving (marked in red).")
        elif self.statusBar().currentMessage().endswith("(marked in red)."):
            self.statusBar().clearMessage()

    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # -- saving -----------------------------------------------------------------------

    def save(self) -> bool:
        """Save the changed fields in one transaction; False if nothing was saved."""
        if self.order is None or self.read_only:
            return False
        self.lines_view.commit_open_editor()
        if not self.form.is_valid():
            self._tell(QMessageBox.Icon.Warning, "Not saved", "Some fields are not valid yet.",
                       "\n".join(f"• {_label(name)}: {message}" for name, message in self.form.errors().items()))
            return False
        edit = OrderEdit(self.form.changed_fields(), self.lines_model.changed())
        changes: list[str] = []
        if edit.header or edit.lines:
            try:
                with self.store.transaction() as session:
                    order = find_order(session, self.order_id)
                    changes = apply_edit(session, order, edit, who=self.who, expected_version=self.version)
            except StaleOrder as exc:
                self.others.ask_after_stale_save(str(exc))
                return False
            except EditRefused as exc:
                self._show_refusal(exc.problems)
                return False
            except USER_ERRORS as exc:
                self._tell(QMessageBox.Icon.Warning, "Not saved", str(exc))
                return False
        number = self.order.number
        self.reload_order(keep_undo=True)
        count = len(changes)
        self.statusBar().showMessage(f"Saved {number}: {count} change{'' if count == 1 else 's'}.", 10000)
        if changes:
            self.saved.emit(self.order_id)
        return True

    def notice_outside_change(self) -> None:
        """Someone saved something: reload if it was this order and nothing here is unsaved, else say who
        changed what and offer Reload or Apply mine on top. Nothing is saved until the coordinator saves."""
        self.others.notice()

    def _show_refusal(self, problems: Sequence[FieldProblem]) -> None:
        for problem in problems:
            if problem.line_no is None:
                self.form.show_problem(problem.field, problem.message)
        self.lines_model.show_problems(problems)
        self._tell(QMessageBox.Icon.Warning, "Not saved", "The order was not saved: some values are refused.",
                   "\n".join(f"• {problem}" for problem in problems))

    def reload_asking(self) -> None:
        if self.is_dirty() and self._ask(f"Discard your changes to {self._number()} and read it again?",
                                         QMessageBox.StandardButton.Discard) != QMessageBox.StandardButton.Discard:
            return
        self.reload_order()

    # -- status -----------------------------------------------------------------------

    def move_to(self, status: OrderStatus) -> bool:
        """Change the status (after saving pending edits); the workflow's refusals are shown."""
        if self.order is None:
            return False
        number = self.order.number
        if self.is_dirty():
            answer = self._ask(f"Save your changes to {number} before moving it to {status.label}?",
                               QMessageBox.StandardButton.Save)
            if answer != QMessageBox.StandardButton.Save or not self.save():
                return False
        reason: str | None = None
        if status in NEEDS_REASON:
            reason, ok = QInputDialog.getText(self, f"{status.label}: {number}",
                                              f"Why is order {number} {status.phrase}?")
            if not ok:
                return False
        try:
            with self.store.transaction() as session:
                order = find_order(session, self.order_id)
                change_status(session, order, status, who=self.who, reason=reason or None,
                              expected_version=self.version)
        except StatusRefused as exc:
            self._tell(QMessageBox.Icon.Warning, "Status not changed",
                       f"Order {number} cannot move to {status.label} now:",
                       "\n".join(f"• {reason_}" for reason_ in exc.reasons))
            return False
        except StaleOrder as exc:
            self.others.ask_after_stale_save(str(exc))
            return False
        except USER_ERRORS as exc:
            self._tell(QMessageBox.Icon.Warning, "Status not changed", str(exc))
            return False
        self.reload_order(keep_undo=True)
        self.statusBar().showMessage(f"{number} is now {status.phrase}.", 10000)
        self.saved.emit(self.order_id)
        return True

    # -- history ----------------------------------------------------------------------

    def show_history(self, show: bool = True) -> None:
        """The History tab (read again, for what others saved meanwhile), or back to the lines."""
        self.body.show_history(show)

    # -- the rest ---------------------------------------------------------------------

    def go_to_field(self, field: str, line_no: int | None) -> None:
        """Where a readiness item points: the header field, or the line's cell."""
        if line_no is None:
            self.form.focus_field("bill_to_country" if field == "bill_to_name" and self.form.text(field)
                                  else field)
            return
        row = self.lines_model.row_of(line_no)
        if row is not None and field in COLUMN_OF:
            index = self.lines_model.index(row, COLUMN_OF[field])
            self.lines_view.setCurrentIndex(index)
            self.lines_view.scrollTo(index)
            self.lines_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _paste_into_lines(self) -> None:
        self.lines_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.lines_view.paste_clipboard()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not self.read_only:
            answer = self._ask(f"Save your changes to {self._number()} before closing?",
                               QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard)
            if answer == QMessageBox.StandardButton.Save and self.save():
                event.accept()
            elif answer == QMessageBox.StandardButton.Discard:
                self.undo_stack.setClean()  # what was typed is gone; asking again would be wrong
                event.accept()
            else:
                event.ignore()
            return
        event.accept()

    def _number(self) -> str:
        return self.order.number if self.order is not None else f"order {self.order_id}"

    def _ask(self, text: str, *buttons: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", text, QMessageBox.StandardButton.NoButton,
                          self)
        for button in (*buttons, QMessageBox.StandardButton.Cancel):
            box.addButton(button)
        box.setDefaultButton(buttons[0])
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        answer = box.standardButton(clicked) if clicked is not None else QMessageBox.StandardButton.Cancel
        box.deleteLater()
        return answer

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        if details:
            box.setInformativeText(details)
        box.exec()
        box.deleteLater()


def read_for_editing(session: Session, order_id: int) -> FulfillmentOrder:
    """The order with everything the editor touches once the session is gone.

    find_order leaves each line's quote line to a lazy load, which a detached line
    cannot do, and check_edit compares the quantity with the quote's.
    """
    order = find_order(session, order_id)
    for line in order.lines:
        _ = line.quote_line
    return order


def _label(name: str) -> str:
    return HEADER_FIELDS[name].label if name in HEADER_FIELDS else name
