"""The readiness checklist beside the order: what it still lacks, on the values as typed, unsaved."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from qtc_desktop.services.orders.readiness import Missing

GROUP_TITLES = {"release": "Blocks release to the ERP", "shipping": "Before the goods ship"}
READY_TEXT = "✓ Ready for the ERP"
_FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
_LINE_ROLE = Qt.ItemDataRole.UserRole + 2


class ReadinessPanel(QFrame):
    """Grouped by what each gap holds up; an item double-clicked (or Enter) goes to its field."""

    # The field (and line number, or None for the header) of the item the user chose.
    item_activated = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(250)
        title = QLabel("Readiness")
        title.setObjectName("readinessTitle")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        self.verdict = QLabel()
        self.verdict.setObjectName("readinessVerdict")
        self.verdict.setWordWrap(True)
        self.items = QListWidget()
        self.items.setObjectName("readinessItems")
        self.items.setFrameShape(QFrame.Shape.NoFrame)
        self.items.setWordWrap(True)
        self.items.setStyleSheet("QListWidget { background: transparent; }")
        self.items.itemActivated.connect(self._activated)
        self.items.itemDoubleClicked.connect(self._activated)
        hint = QLabel("Double-click an item to go to its field.")
        hint.setObjectName("readinessHint")
        hint.setEnabled(False)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(title)
        layout.addWidget(self.verdict)
        layout.addWidget(self.items, 1)
        layout.addWidget(hint)
        self._missing: list[Missing] = []
        self.show_items([])

    def show_items(self, missing: Sequence[Missing]) -> None:
        if list(missing) == self._missing and self.items.count():
            return
        self._missing = list(missing)
        blocking = [item for item in missing if item.blocks == "release"]
        if blocking:
            count = len(blocking)
            self.verdict.setText(f"{count} {'item blocks' if count == 1 else 'items block'} release to the ERP")
            self.verdict.setStyleSheet("color: #b45309; font-weight: bold;")
        else:
            self.verdict.setText(READY_TEXT)
            self.verdict.setStyleSheet("color: #15803d; font-weight: bold;")
        self.items.clear()
        for blocks, title in GROUP_TITLES.items():
            group = [item for item in missing if item.blocks == blocks]
            if not group:
                continue
            header = QListWidgetItem(f"{title} ({len(group)})")
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = QFont(self.items.font())
            font.setBold(True)
            header.setFont(font)
            header.setForeground(QBrush(QColor("#374151")))
            self.items.addItem(header)
            for item in group:
                entry = QListWidgetItem(f"• {_sentence(item)}")
                entry.setData(_FIELD_ROLE, item.field)
                entry.setData(_LINE_ROLE, item.line_no)
                entry.setToolTip(f"{_sentence(item)} ({'blocks release' if blocks == 'release' else 'before shipping'})")
                self.items.addItem(entry)
        if not missing:
            done = QListWidgetItem("Nothing is missing.")
            done.setFlags(Qt.ItemFlag.NoItemFlags)
            self.items.addItem(done)

    def texts(self, blocks: str | None = None) -> list[str]:
        """The checklist's items as shown (for one group, or all)."""
        return [_sentence(item) for item in self._missing if blocks is None or item.blocks == blocks]

    def _activated(self, entry: QListWidgetItem) -> None:
        field = entry.data(_FIELD_ROLE)
        if field:
            self.item_activated.emit(field, entry.data(_LINE_ROLE))


def _sentence(item: Missing) -> str:
    text = str(item)
    return text[:1].upper() + text[1:]
