"""Export layouts of the coordinator's own: choose, rename and order the columns, save them by name."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.exporting.columns import COLUMNS, ExportColumn
from qtc_desktop.services.exporting.layouts import layout_named, layout_names, remove_layout, save_layout
from qtc_desktop.store import Store

NEW = ""  # the layout combo's entry for a layout not saved yet
LABEL, PER = range(2)  # columns of the available list
COLUMN, HEADER = range(2)  # columns of the chosen list
NameRole = Qt.ItemDataRole.UserRole
GREY = QColor("#5f6672")
TAKEN_BACK = "↩"


class _HeaderOnly(QStyledItemDelegate):
    """Only the Header column of the chosen list is edited; the column itself is not."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        if index.column() != HEADER:
            return None  # type: ignore[return-value]  # Qt reads a null editor as "not editable"
        return super().createEditor(parent, option, index)


class ExportLayoutDialog(QDialog):
    """Saved layouts: one sheet, the chosen columns in order, each under its own header."""

    # A layout was saved (its name) or removed (""): the export dialog reads its list again.
    layouts_changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("exportLayoutDialog")
        self.setWindowTitle("Export Layouts")
        self.resize(900, 560)
        style = self.style()

        self.saved_combo = QComboBox()
        self.saved_combo.setObjectName("savedLayouts")
        self.saved_combo.setMinimumContentsLength(24)
        self.saved_combo.currentIndexChanged.connect(lambda _index: self._load_chosen())
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setObjectName("deleteLayout")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_layout)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("layoutName")
        self.name_edit.setPlaceholderText("A name of your own, e.g. Warehouse pick list")
        self.name_edit.setMaxLength(64)
        self.name_edit.textChanged.connect(lambda _text: self._update())
        top = QHBoxLayout()
        top.addWidget(self.saved_combo, 1)
        top.addWidget(self.delete_button)
        form = QFormLayout()
        saved_label = QLabel("&Layout:")
        saved_label.setBuddy(self.saved_combo)  # a row holding a layout gets no buddy by itself
        form.addRow(saved_label, top)
        form.addRow("&Name:", self.name_edit)

        self.available = QTreeWidget()
        self.available.setObjectName("availableColumns")
        self.available.setHeaderLabels(["Available columns", "Per"])
        self.available.setRootIsDecorated(False)
        self.available.setUniformRowHeights(True)
        self.available.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.available.itemDoubleClicked.connect(lambda _item, _column: self.add_columns())
        self.available.itemSelectionChanged.connect(self._update)
        self.chosen = QTreeWidget()
        self.chosen.setObjectName("chosenColumns")
        self.chosen.setHeaderLabels(["Column", "Header in the workbook"])
        self.chosen.setRootIsDecorated(False)
        self.chosen.setUniformRowHeights(True)
        self.chosen.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.chosen.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                    | QAbstractItemView.EditTrigger.EditKeyPressed
                                    | QAbstractItemView.EditTrigger.SelectedClicked)
        self.chosen.setItemDelegate(_HeaderOnly(self.chosen))
        self.chosen.itemChanged.connect(lambda _item, _column: self._update())
        self.chosen.itemSelectionChanged.connect(self._update)
        for tree in (self.available, self.chosen):
            tree.setAlternatingRowColors(True)
        self.available.header().setStretchLastSection(False)
        self.available.header().setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        self.available.header().setSectionResizeMode(PER, QHeaderView.ResizeMode.ResizeToContents)
        self.chosen.header().setStretchLastSection(True)
        self.chosen.setColumnWidth(COLUMN, 190)

        self.add_button = self._button("&Add", "addColumn", self.add_columns,
                                       style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight))
        self.remove_button = self._button("&Remove", "removeColumn", self.remove_columns,
                                          style.standardIcon(QStyle.StandardPixmap.SP_ArrowLeft))
        self.up_button = self._button("Move &Up", "moveUp", lambda: self.move_columns(-1),
                                      style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp))
        self.down_button = self._button("Move Do&wn", "moveDown", lambda: self.move_columns(1),
                                        style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        middle = QVBoxLayout()
        middle.addStretch(1)
        for button in (self.add_button, self.remove_button):
            middle.addWidget(button)
        middle.addSpacing(16)
        for button in (self.up_button, self.down_button):
            middle.addWidget(button)
        middle.addStretch(1)
        lists = QGridLayout()
        lists.addWidget(self.available, 0, 0)
        lists.addLayout(middle, 0, 1)
        lists.addWidget(self.chosen, 0, 2)
        lists.setColumnStretch(0, 1)
        lists.setColumnStretch(2, 1)

        self.hint = QLabel(f"Double-click a header to rename it. Columns marked {TAKEN_BACK} are taken back "
                           "from the ERP's copy. The workbook also gets the “qtc key” and “qtc version” "
                           "columns, which say which order each row is.")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6672;")
        self.rows_note = QLabel()
        self.rows_note.setObjectName("rowsNote")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("saveLayout")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close_button = QPushButton("Close")
        close_button.setObjectName("closeButton")
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rows_note, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.load_names(name or NEW)

    def _button(self, text: str, name: str, slot: Callable[[], None], icon: QIcon) -> QPushButton:
        button = QPushButton(icon, text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- which layout -------------------------------------------------------------------

    def load_names(self, choose: str = NEW) -> None:
        try:
            with self.store.session() as session:
                names = layout_names(session)
        except USER_ERRORS as exc:
            names = []
            self._show_message(str(exc), error=True)
        self.saved_combo.blockSignals(True)
        self.saved_combo.clear()
        self.saved_combo.addItem("New layout", NEW)
        for name in names:
            self.saved_combo.addItem(name, name)
        self.saved_combo.setCurrentIndex(max(0, self.saved_combo.findData(choose)))
        self.saved_combo.blockSignals(False)
        self._load_chosen()

    def current_saved(self) -> str:
        return str(self.saved_combo.currentData() or NEW)

    def _load_chosen(self) -> None:
        name = self.current_saved()
        columns: list[tuple[str, str]] = []
        if name != NEW:
            try:
                with self.store.session() as session:
                    layout = layout_named(session, name)
            except USER_ERRORS as exc:
                self._show_message(str(exc), error=True)
                return
            columns = [pair for sheet in layout.sheets for pair in sheet.columns]
        self.name_edit.setText(name)
        self.set_columns(columns)
        self._show_message("", error=False)

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        """Show these (column, header) pairs as chosen; every other column as available."""
        self.chosen.blockSignals(True)
        self.chosen.clear()
        for name, header in columns:
            self.chosen.addTopLevelItem(_chosen_item(COLUMNS[name], header))
        self.chosen.blockSignals(False)
        taken = {name for name, _ in columns}
        self.available.clear()
        for column in COLUMNS.values():
            if column.name not in taken:
                self.available.addTopLevelItem(_available_item(column))
        self._update()

    def columns(self) -> list[tuple[str, str]]:
        """The chosen (column name, header) pairs, in order."""
        pairs = []
        for position in range(self.chosen.topLevelItemCount()):
            item = self.chosen.topLevelItem(position)
            assert item is not None
            pairs.append((str(item.data(COLUMN, NameRole)), item.text(HEADER)))
        return pairs

    # -- editing ------------------------------------------------------------------------

    def add_columns(self, names: list[str] | None = None) -> None:
        """Move the selected available columns (or these, by name) to the end of the chosen ones."""
        if names is None:
            items = sorted(self.available.selectedItems(), key=self.available.indexOfTopLevelItem)
        else:
            items = [item for name in names for item in self._available_items() if item.data(LABEL, NameRole) == name]
        added = []
        for item in items:
            self.available.takeTopLevelItem(self.available.indexOfTopLevelItem(item))
            column = COLUMNS[str(item.data(LABEL, NameRole))]
            added.append(_chosen_item(column, column.label))
            self.chosen.addTopLevelItem(added[-1])
        if added:
            self.chosen.clearSelection()
            for item in added:
                item.setSelected(True)
            self.chosen.setCurrentItem(added[-1], HEADER)
            self.chosen.scrollToItem(added[-1])
        self._update()

    def remove_columns(self) -> None:
        removed = {str(item.data(COLUMN, NameRole)) for item in self.chosen.selectedItems()}
        if not removed:
            return
        self.set_columns([pair for pair in self.columns() if pair[0] not in removed])

    def move_columns(self, step: int) -> None:
        """Move the selected chosen columns one place up (-1) or down (1), keeping them selected."""
        selected = sorted(self.chosen.indexOfTopLevelItem(item) for item in self.chosen.selectedItems())
        if not selected:
            return
        count = self.chosen.topLevelItemCount()
        if (step < 0 and selected[0] == 0) or (step > 0 and selected[-1] == count - 1):
            return
        self.chosen.blockSignals(True)
        moved = []
        for position in (selected if step < 0 else reversed(selected)):
            item = self.chosen.takeTopLevelItem(position)
            assert item is not None
            self.chosen.insertTopLevelItem(position + step, item)
            moved.append(item)
        self.chosen.setCurrentItem(moved[-1], COLUMN, QItemSelectionModel.SelectionFlag.NoUpdate)
        for item in moved:
            item.setSelected(True)
        self.chosen.blockSignals(False)
        self._update()

    def rename(self, name: str, header: str) -> None:
        """Give a chosen column another header (what double-clicking its header does)."""
        for position in range(self.chosen.topLevelItemCount()):
            item = self.chosen.topLevelItem(position)
            if item is not None and item.data(COLUMN, NameRole) == name:
                item.setText(HEADER, header)

    def _available_items(self) -> list[QTreeWidgetItem]:
        return [item for position in range(self.available.topLevelItemCount())
                if (item := self.available.topLevelItem(position)) is not None]

    # -- storing ------------------------------------------------------------------------

    def save(self) -> bool:
        name = self.name_edit.text().strip()
        try:
            with self.store.transaction() as session:
                save_layout(session, name, self.columns())
        except USER_ERRORS as exc:
            self._show_message(str(exc), error=True)
            return False
        self.load_names(name)
        self._show_message(f"Saved layout “{name}”. The export window offers it now.", error=False)
        self.layouts_changed.emit(name)
        return True

    def delete_layout(self) -> None:
        name = self.current_saved()
        if name == NEW:
            return
        answer = QMessageBox.question(self, "Delete Layout", f"Delete the layout “{name}”? Workbooks already "
                                      "exported in it can still be taken back.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.store.transaction() as session:
                remove_layout(session, name)
        except USER_ERRORS as exc:
            self._show_message(str(exc), error=True)
            return
        self.load_names(NEW)
        self._show_message(f"Deleted layout “{name}”.", error=False)
        self.layouts_changed.emit("")

    # -- showing ------------------------------------------------------------------------

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b91c1c;" if error else "")
        self.message.setVisible(bool(text))

    def _update(self) -> None:
        columns = self.columns()
        chosen = sorted(self.chosen.indexOfTopLevelItem(item) for item in self.chosen.selectedItems())
        self.add_button.setEnabled(bool(self.available.selectedItems()))
        self.remove_button.setEnabled(bool(chosen))
        self.up_button.setEnabled(bool(chosen) and chosen[0] > 0)
        self.down_button.setEnabled(bool(chosen) and chosen[-1] < len(columns) - 1)
        self.delete_button.setEnabled(self.current_saved() != NEW)
        self.save_button.setEnabled(bool(columns) and bool(self.name_edit.text().strip()))
        if not columns:
            self.rows_note.setText("Add the columns the ERP needs, in the order it wants them.")
        elif any(COLUMNS[name].level == "line" for name, _ in columns):
            self.rows_note.setText(f"One sheet, a row per order line ({len(columns)} columns).")
        else:
            self.rows_note.setText(f"One sheet, a row per order ({len(columns)} columns).")


def _available_item(column: ExportColumn) -> QTreeWidgetItem:
    item = QTreeWidgetItem([_label(column), column.level])
    item.setData(LABEL, NameRole, column.name)
    item.setForeground(PER, QBrush(GREY))
    item.setToolTip(LABEL, _tip(column))
    return item


def _chosen_item(column: ExportColumn, header: str) -> QTreeWidgetItem:
    item = QTreeWidgetItem([_label(column), header])
    item.setData(COLUMN, NameRole, column.name)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(COLUMN, _tip(column))
    item.setToolTip(HEADER, "Double-click to rename the header")
    return item


def _label(column: ExportColumn) -> str:
    return f"{column.label} {TAKEN_BACK}" if column.editable else column.label


def _tip(column: ExportColumn) -> str:
    per = "one value per order" if column.level == "order" else "one value per order line"
    back = "; taken back from the ERP's copy" if column.editable else ""
    return f"{column.label} ({column.name}): {per}{back}"
