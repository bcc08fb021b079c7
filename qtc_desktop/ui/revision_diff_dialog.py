"""Compare Revisions: the lines a quote's revision added, removed and changed against another one."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.changes.revisions import RevisionDiff, revision_diff, revisions_of
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.importing.storing import LineChange
from qtc_desktop.store import Store

LINE, PRODUCT, CHANGE, BEFORE, AFTER = range(5)
HEADERS = ("Line", "Product", "Change", "Before", "After")
KIND_TEXT = {"added": "Added", "removed": "Removed", "changed": "Changed"}
# Readable on light and dark palettes alike.
KIND_COLOR = {"added": "#15803d", "removed": "#b91c1c", "changed": "#b45309"}
BLANK = "(blank)"


class RevisionDiffDialog(QDialog):
    """Two revisions of one quote side by side; the boxes choose which two."""

    def __init__(self, store: Store, number: str, parent: QWidget | None = None, *,
                 old: int | None = None, new: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisionDiffDialog")
        self.setWindowTitle(f"Compare Revisions — {number}")
        self.store = store
        self.number = number
        self.diff: RevisionDiff | None = None
        self.resize(760, 440)

        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.from_box = QComboBox()
        self.from_box.setObjectName("fromRevision")
        self.to_box = QComboBox()
        self.to_box.setObjectName("toRevision")
        from_label = QLabel("&From revision")
        from_label.setBuddy(self.from_box)
        to_label = QLabel("&To revision")
        to_label.setBuddy(self.to_box)
        self.boxes = QWidget()
        boxes = QHBoxLayout(self.boxes)
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.addWidget(from_label)
        boxes.addWidget(self.from_box)
        boxes.addSpacing(16)
        boxes.addWidget(to_label)
        boxes.addWidget(self.to_box)
        boxes.addStretch()

        self.tree = QTreeWidget()
        self.tree.setObjectName("revisionChanges")
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.header().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        self._layout = layout
        layout.addWidget(self.heading)
        layout.addWidget(self.boxes)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

        self.revisions = self._load_revisions()
        for revision in self.revisions:
            for box in (self.from_box, self.to_box):
                box.addItem(f"Revision {revision}", revision)
        if len(self.revisions) < 2:
            self._nothing_to_compare()
            return
        newest = self.revisions[-1] if new not in self.revisions else new
        earlier = [revision for revision in self.revisions if revision < newest]
        # An order's own revision when it is older than the newest; else the one before the newest.
        older = old if old in earlier else (earlier[-1] if earlier else self.revisions[0])
        self.from_box.setCurrentIndex(self.revisions.index(older))
        self.to_box.setCurrentIndex(self.revisions.index(newest))
        self.from_box.currentIndexChanged.connect(self.refresh)
        self.to_box.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def _load_revisions(self) -> list[int]:
        try:
            with self.store.session() as session:
                return revisions_of(session, self.number)
        except USER_ERRORS as exc:
            self.summary.setText(str(exc))
            return []

    def _nothing_to_compare(self) -> None:
        for box in (self.from_box, self.to_box):
            box.setEnabled(False)
        self.boxes.hide()
        self.tree.hide()
        self._layout.insertStretch(self._layout.indexOf(self.tree), 1)
        self.resize(560, 140)
        if not self.revisions:
            self.heading.setText(escape(self.summary.text() or f"There is no quote {self.number}."))
        else:
            self.heading.setText(f"<b>Quote {escape(self.number)}</b> has only revision {self.revisions[0]}: "
                                 "there is no other revision to compare it with.")
        self.summary.setText("")
        self.summary.hide()

    def refresh(self) -> None:
        """Read the two chosen revisions again and show what differs."""
        old, new = self.from_box.currentData(), self.to_box.currentData()
        self.tree.clear()
        try:
            with self.store.session() as session:
                self.diff = revision_diff(session, self.number, old, new)
        except USER_ERRORS as exc:
            self.diff = None
            self.heading.setText(f"<b>Quote {escape(self.number)}</b>")
            self.summary.setText(str(exc))
            return
        direction = "" if old <= new else f" (the other way round: revision {new} is the older)"
        self.heading.setText(f"<b>Quote {escape(self.number)}</b>: revision {new} against revision {old}{direction}")
        for change in self.diff.changes:
            self.tree.addTopLevelItem(_line_item(change))
        self.tree.expandAll()
        for column in range(len(HEADERS) - 1):
            self.tree.resizeColumnToContents(column)
        self.summary.setText(describe_changes(self.diff.changes, same=old == new))


def _line_item(change: LineChange) -> QTreeWidgetItem:
    item = QTreeWidgetItem(["", change.product_code, KIND_TEXT[change.kind], "", ""])
    item.setData(LINE, Qt.ItemDataRole.DisplayRole, change.line_no)
    item.setTextAlignment(LINE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setForeground(CHANGE, QBrush(QColor(KIND_COLOR[change.kind])))
    bold = QFont()
    bold.setBold(True)
    item.setFont(CHANGE, bold)
    item.setData(CHANGE, Qt.ItemDataRole.UserRole, change.kind)
    if change.kind == "changed":
        for field, before, after in change.fields:
            child = QTreeWidgetItem(["", "", field.replace("_", " "), before or BLANK, after or BLANK])
            child.setData(CHANGE, Qt.ItemDataRole.UserRole, field)
            for column, text in ((BEFORE, before), (AFTER, after)):
                if not text:
                    child.setForeground(column, QBrush(QColor("#6b7280")))
            item.addChild(child)
    return item


def describe_changes(changes: tuple[LineChange, ...], *, same: bool = False) -> str:
    """'2 lines changed, 1 added, 1 removed', or 'No line changed'."""
    if not changes:
        return "No line changed (the same revision on both sides)" if same else "No line changed"
    parts: list[str] = []
    for kind in ("changed", "added", "removed"):
        count = sum(1 for change in changes if change.kind == kind)
        if count:
            noun = "" if parts else (" line" if count == 1 else " lines")
            parts.append(f"{count}{noun} {kind}")
    return ", ".join(parts)
