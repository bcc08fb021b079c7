"""The order editor's lines table: Excel-style paste, copy and clear, and the fulfillment-kind editor."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from qtc_desktop.domain import FulfillmentKind
from qtc_desktop.ui.order_lines_model import COL_KIND, COLUMNS, OrderLinesModel, block_from_text, paste_targets

_Index = QModelIndex | QPersistentModelIndex


class KindDelegate(QStyledItemDelegate):
    """Ship, provision or perform from a list; choosing one commits it at once."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("kindEditor")
        combo.addItems([kind.value for kind in FulfillmentKind])
        combo.activated.connect(lambda _row: self._commit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)


class LinesView(QTableView):
    """The lines table: Ctrl+V pastes a block copied from Excel, Ctrl+C copies one, Delete clears."""

    def __init__(self, model: OrderLinesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.lines = model
        self.setItemDelegateForColumn(COL_KIND, KindDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self.clear_selection()
        else:
            super().keyPressEvent(event)

    def paste_clipboard(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            self.lines.message.emit("Click the cell to paste into first.", True)
            return
        block = block_from_text(QGuiApplication.clipboard().text())
        rows = [index.row() for index in self.selectionModel().selectedIndexes() if index.column() == current.column()]
        cells, outside = paste_targets(block, current.row(), current.column(), self.lines.rowCount(), rows)
        self.lines.paste(cells, outside)

    def copy_selection(self) -> None:
        """The selected cells as tab-separated text, values as typed (not as displayed)."""
        indexes = sorted(self.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return
        rows: dict[int, dict[int, str]] = {}
        for index in indexes:
            rows.setdefault(index.row(), {})[index.column()] = str(index.data(Qt.ItemDataRole.EditRole) or "")
        columns = sorted({index.column() for index in indexes})
        text = "".join("\t".join(cells.get(column, "") for column in columns) + "\n" for cells in rows.values())
        QGuiApplication.clipboard().setText(text)

    def clear_selection(self) -> None:
        cells = [(index.row(), index.column(), "") for index in self.selectionModel().selectedIndexes()
                 if COLUMNS[index.column()].field not in (None, "quantity", "kind", "serialized")]
        if cells:
            self.lines.paste(cells, verb="Cleared")

    def commit_open_editor(self) -> None:
        """Store what is typed in an open cell editor (before Save), as leaving the cell would."""
        editor = QApplication.focusWidget()
        if self.state() == self.State.EditingState and editor is not None and self.isAncestorOf(editor):
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
