"""The Take Back from ERP dialog's sections: trees of changes, conflicts and errors, and their rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from qtc_desktop.services.exporting.columns import COLUMNS
from qtc_desktop.services.exporting.reimport import SheetChange
from qtc_desktop.ui.labels import GREY

CHANGE_HEADERS = ("Order", "Field", "Now in app", "In sheet")
CONFLICT_HEADERS = ("Order", "Field", "At export", "In app now", "In sheet", "Take the sheet's value")
ERROR_HEADERS = ("Sheet", "Row", "Column", "Message")
TAKE = len(CONFLICT_HEADERS) - 1  # the conflicts' checkbox column
BLANK = "(blank)"


def fieldsection_label(change: SheetChange) -> str:
    """The field as the coordinator knows it: "Carrier", "Line 2: Shipped Quantity"."""
    column = COLUMNS.get(change.column)
    label = column.label if column is not None else change.column
    return label if change.line_no is None else f"Line {change.line_no}: {label}"


def change_row(change: SheetChange) -> list[str]:
    return [change.order, fieldsection_label(change), change.current, change.sheet]


def conflict_row(change: SheetChange) -> list[str]:
    return [change.order, fieldsection_label(change), change.exported, change.current, change.sheet, ""]


def fill_rows(tree: QTreeWidget, rows: list[list[str]], values: range = range(0)) -> None:
    """Rows of text; in the `values` columns a blank shows as "(blank)" and long text in a tooltip."""
    tree.clear()
    italic = QFont(tree.font())
    italic.setItalic(True)
    grey = QBrush(QColor(GREY))
    items = []
    for row in rows:
        item = QTreeWidgetItem([text.replace("\n", " ⏎ ") for text in row])
        if values:
            bold = QFont(tree.font())
            bold.setBold(True)
            item.setFont(values[-1], bold)  # "In sheet": what would come in
        for column in values:
            if not row[column]:
                item.setText(column, BLANK)
                item.setFont(column, italic)
                item.setForeground(column, grey)
        for column, text in enumerate(row):
            if "\n" in text or len(text) > 40:
                item.setToolTip(column, text)
        items.append(item)
    tree.addTopLevelItems(items)
    for column in range(tree.columnCount() - 1):
        tree.resizeColumnToContents(column)
        tree.setColumnWidth(column, min(max(tree.columnWidth(column) + 16, 60), 280))


def section_tree(name: str, headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.header().setStretchLastSection(True)
    return tree


def section_box(name: str, tree: QTreeWidget) -> QGroupBox:
    box = QGroupBox()
    box.setObjectName(name)
    layout = QVBoxLayout(box)
    layout.addWidget(tree)
    return box
