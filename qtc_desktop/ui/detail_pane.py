"""The detail pane beside each list: the selected quote, order or account at a glance."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.details import Detail, DetailTable


MAX_VISIBLE_ROWS = 10


class DetailPane(QScrollArea):
    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(320)
        self._empty_text = empty_text
        self.detail: Detail | None = None
        self.show_message(empty_text)

    def show_message(self, text: str) -> None:
        self.detail = None
        body = QWidget()
        layout = QVBoxLayout(body)
        label = QLabel(text)
        label.setObjectName("detailMessage")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)
        layout.addStretch()
        layout.addWidget(label)
        layout.addStretch()
        self.setWidget(body)

    def clear(self) -> None:
        self.show_message(self._empty_text)

    def show_detail(self, detail: Detail) -> None:
        self.detail = detail
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 10)
        title = QLabel(detail.title)
        title.setObjectName("detailTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)
        if detail.subtitle:
            subtitle = QLabel(detail.subtitle)
            subtitle.setEnabled(False)
            layout.addWidget(subtitle)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, value in detail.fields:
            field = QLabel(value)
            field.setTextFormat(Qt.TextFormat.PlainText)  # imported text is never markup
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}:", field)
        layout.addLayout(form)
        for table in detail.tables:
            layout.addWidget(self._section(table.title))
            layout.addWidget(self._table(table))
        layout.addStretch()
        self.setWidget(body)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 8, 0, 0)
        return label

    @staticmethod
    def _table(table: DetailTable) -> QTableWidget:
        widget = QTableWidget(len(table.rows), len(table.headers))
        widget.setObjectName(f"detailTable{table.title.replace(' ', '')}")
        widget.setHorizontalHeaderLabels(list(table.headers))
        widget.verticalHeader().setVisible(False)
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        widget.setAlternatingRowColors(True)
        widget.setWordWrap(False)
        for row, values in enumerate(table.rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in table.numeric:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                widget.setItem(row, column, item)
        rows = widget.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(widget.fontMetrics().height() + 6)
        header = widget.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        shown = max(1, min(len(table.rows), MAX_VISIBLE_ROWS))
        height = (header.sizeHint().height() + rows.defaultSectionSize() * shown
                  + 2 * widget.frameWidth() + widget.horizontalScrollBar().sizeHint().height())
        widget.setFixedHeight(height)
        return widget
