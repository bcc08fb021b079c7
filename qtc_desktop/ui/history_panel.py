"""The change history of an order or an account, newest first, filtered by field and source in SQL."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from qtc_desktop.domain import ChangeSource, FulfillmentOrder, OrderStatus
from qtc_desktop.services.changes.history import (
    DEFAULT_LIMIT,
    HistoryEntry,
    HistoryFilter,
    account_history,
    fields_and_sources,
    order_history,
)
from qtc_desktop.services.errors import USER_ERRORS, NotFound
from qtc_desktop.store import Store

COL_WHEN, COL_WHO, COL_SOURCE, COL_ORDER, COL_WHAT, COL_OLD, COL_NEW, COL_REASON = range(8)
HEADERS = ("When", "Who", "Source", "Order", "What", "Old", "New", "Reason")
# Widest a column is made when fitted to its contents; the user may still drag it wider.
MAX_WIDTHS = (150, 180, 130, 100, 240, 240, 240, 0)
ELIDE_AT = 60  # characters of an old or new value shown in the cell; the tooltip has all of it
NO_CHANGES = "No changes recorded yet."

_Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def when_text(at: dt.datetime) -> str:
    """A change's time as the coordinator's clock shows it: "2026-06-15 14:03"."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def value_text(entry: HistoryEntry, value: str | None) -> str:
    """An old or new value in words: an order's status by its label, nothing as blank."""
    if value is None:
        return ""
    if entry.entity == "order" and entry.field == "status":
        try:
            return OrderStatus(value).label
        except ValueError:
            return value
    return value


def elided(text: str, limit: int = ELIDE_AT) -> str:
    """The first line of the text, cut to `limit` characters, with … where something was left out."""
    first, _, rest = text.partition("\n")
    if len(first) <= limit and not rest.strip():
        return first
    return first[:limit - 1].rstrip() + "…"


def _wrapped(text: str) -> str:
    # Qt shows a plain-text tooltip on one line however long: wrap it as a person would read it.
    return "\n".join(textwrap.fill(line, 80) if line else "" for line in text.splitlines())


class HistoryModel(QAbstractTableModel):
    """Change records, newest first, read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        """The service's entries (oldest first), shown the other way round."""
        self.beginResetModel()
        self._entries = list(reversed(entries))
        self.endResetModel()

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._entries) and 0 <= index.column() < len(HEADERS)):
            return None
        entry, column = self._entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @staticmethod
    def _full(entry: HistoryEntry, column: int) -> str:
        if column == COL_WHEN:
            return when_text(entry.at)
        if column == COL_WHO:
            return entry.who
        if column == COL_SOURCE:
            return entry.source.label
        if column == COL_ORDER:
            return entry.order_number or ""
        if column == COL_WHAT:
            return entry.what
        if column == COL_OLD:
            return value_text(entry, entry.old)
        if column == COL_NEW:
            return value_text(entry, entry.new)
        return entry.reason or ""

    def _display(self, entry: HistoryEntry, column: int) -> str:
        text = self._full(entry, column)
        return elided(text) if column in (COL_OLD, COL_NEW, COL_REASON) else text

    def _tooltip(self, entry: HistoryEntry, column: int) -> str:
        if column == COL_WHEN:
            return entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        text = self._full(entry, column)
        return _wrapped(text) if column in (COL_OLD, COL_NEW, COL_REASON) else text


class HistoryPanel(QWidget):
    """The table with its field and source filters; load_order or load_account says whose history."""

    # A change record the user double-clicked (or pressed Enter on).
    entry_activated = Signal(object)
    # After each reading: the number of changes shown and the number recorded in all.
    loaded = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self._store: Store | None = None
        self._order_id: int | None = None
        self._account_id: int | None = None
        self._fitted = False
        self.shown = 0
        self.total = 0

        self.field_filter = QComboBox()
        self.field_filter.setObjectName("historyField")
        self.field_filter.setToolTip("Only changes to this field")
        self.field_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_filter = QComboBox()
        self.source_filter.setObjectName("historySource")
        self.source_filter.setToolTip("Only changes that came from here")
        self.source_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._set_choices([], [])
        self.count_label = QLabel()
        self.count_label.setObjectName("historyCount")
        self.count_label.setStyleSheet("color: #4b5563;")
        field_label = QLabel("&Field:")
        field_label.setBuddy(self.field_filter)
        source_label = QLabel("So&urce:")
        source_label.setBuddy(self.source_filter)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(field_label)
        bar.addWidget(self.field_filter)
        bar.addSpacing(12)
        bar.addWidget(source_label)
        bar.addWidget(self.source_filter)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._activated)

        self.message = QLabel(NO_CHANGES)
        self.message.setObjectName("historyMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        self.stack.setCurrentWidget(self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.field_filter.currentIndexChanged.connect(self.refresh)
        self.source_filter.currentIndexChanged.connect(self.refresh)

    # -- whose history ------------------------------------------------------------------

    def load_order(self, store: Store, order_id: int) -> None:
        """The order's history: its header, lines and shipments."""
        self._load(store, order_id=order_id)
        self.table.setColumnHidden(COL_ORDER, True)  # it is always this order

    def load_account(self, store: Store, account_id: int) -> None:
        """The account's history with its quotes, orders and contracted positions."""
        self._load(store, account_id=account_id)
        self.table.setColumnHidden(COL_ORDER, False)

    def _load(self, store: Store, *, order_id: int | None = None, account_id: int | None = None) -> None:
        if store is not self._store or (order_id, account_id) != (self._order_id, self._account_id):
            self._store, self._order_id, self._account_id = store, order_id, account_id
            self._fitted = False
            self._set_choices([], [])  # another one's filters mean nothing here
        self.refresh()

    def refresh(self) -> None:
        """Read the history again, with the filters as chosen."""
        if self._store is None:
            return
        try:
            with self._store.session() as session:
                everything = self._read(session, HistoryFilter())
                self._set_choices(*fields_and_sources(everything))
                where = HistoryFilter(self.field_filter.currentData(), self._chosen_source())
                entries = everything if where == HistoryFilter() else self._read(session, where)
        except USER_ERRORS as exc:  # StoreError among them
            self._show_problem(str(exc))
            return
        except OperationalError as exc:  # locked, gone or damaged: something to tell, not a bug
            self._show_problem(f"The history could not be read: {str(exc.orig or exc).splitlines()[0]}")
            return
        self.model.set_entries(entries)
        self.shown, self.total = len(entries), len(everything)
        self.count_label.setText(_count_text(self.shown, self.total, filtered=where != HistoryFilter()))
        self.field_filter.setEnabled(bool(everything))
        self.source_filter.setEnabled(bool(everything))
        if everything:
            self.stack.setCurrentWidget(self.table)
            if entries and not self._fitted:
                self._fit_columns()
        else:
            self.message.setStyleSheet("color: #6b7280;")
            self.message.setText(NO_CHANGES)
            self.stack.setCurrentWidget(self.message)
        self.loaded.emit(self.shown, self.total)

    def _read(self, session: Session, where: HistoryFilter) -> list[HistoryEntry]:
        if self._order_id is not None:
            order = session.get(FulfillmentOrder, self._order_id)
            if order is None:
                raise NotFound(f"There is no order {self._order_id}.")
            return order_history(session, order, where)
        assert self._account_id is not None
        return account_history(session, self._account_id, where)

    def _show_problem(self, text: str) -> None:
        self.model.set_entries([])
        self.shown = self.total = 0
        self.count_label.setText("")
        self.field_filter.setEnabled(False)
        self.source_filter.setEnabled(False)
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.loaded.emit(0, 0)

    # -- filters ------------------------------------------------------------------------

    def _set_choices(self, fields: Sequence[str], sources: Sequence[ChangeSource]) -> None:
        """The choices found in the whole history; a choice made stays chosen while it is there."""
        for combo, everything, choices in (
                (self.field_filter, "All fields", [(field.replace("_", " "), field) for field in fields]),
                (self.source_filter, "All sources", [(source.label, source.value) for source in sources])):
            wanted = [(everything, None), *choices]
            if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == wanted:
                continue
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in wanted:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)

    def _chosen_source(self) -> ChangeSource | None:
        value = self.source_filter.currentData()
        return ChangeSource(value) if value else None

    # -- the rest -----------------------------------------------------------------------

    def _fit_columns(self) -> None:
        # The last column (the reason) takes what is left: sized to its text, it would push
        # the table past the window's edge.
        for column, widest in enumerate(MAX_WIDTHS[:-1]):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column) + 12, widest))
        self._fitted = True

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.entry_activated.emit(self.model.entry(index.row()))


def _count_text(shown: int, total: int, *, filtered: bool) -> str:
    noun = "change" if total == 1 else "changes"
    everything = f"the latest {total:,}" if total >= DEFAULT_LIMIT else f"{total:,}"
    return f"{shown:,} of {everything} {noun}" if filtered else f"{everything.capitalize()} {noun}"
