"""A table model that pages rows from the database and sorts and filters in SQL.

It holds the ids of every matching row (one cheap query) and fetches displayed values
a page at a time when the view first asks for them, so 100,000 orders scroll, sort and
filter as fast as the database can answer, never through Python per row.

What the coordinator asks for (a search, a sort, a filter) is read at once. What a
colleague's save asks for is read on a thread of its own (refresh_in_background): with a
shared database that happens every few seconds, and the window must not wait on the
server each time; the rows shown stay until the new ones are in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from qtc_desktop.domain import OrderStatus
from qtc_desktop.services.lists import ListQuery, ListSpec, fetch_rows, format_value, row_ids
from qtc_desktop.store import Store
from qtc_desktop.ui.change_watcher import UNREACHABLE

PAGE_SIZE = 200
MAX_CACHED_PAGES = 64
SHOWN_PAGES = 3  # the pages read last, what the view shows: read again with the ids in the background

# Raw values (Decimal, date, enum) for code that needs more than the displayed text.
RawValueRole = Qt.ItemDataRole.UserRole + 1
RowIdRole = Qt.ItemDataRole.UserRole + 2

_NUMERIC_KINDS = {"int", "money"}
_STATUS_COLOURS = {
    OrderStatus.DRAFT: "#6b7280",
    OrderStatus.READY: "#1d4ed8",
    OrderStatus.SENT_TO_ERP: "#7c3aed",
    OrderStatus.CONFIRMED: "#0f766e",
    OrderStatus.PARTLY_SHIPPED: "#b45309",
    OrderStatus.SHIPPED: "#15803d",
    OrderStatus.CLOSED: "#374151",
    OrderStatus.ON_HOLD: "#b91c1c",
    OrderStatus.CANCELLED: "#9ca3af",
}

_Index = QModelIndex | QPersistentModelIndex


class PagedListModel(QAbstractTableModel):
    """One of the app's lists (quotes, orders, accounts) over a ListSpec."""

    # Emitted after every refresh with the number of rows now matching.
    refreshed = Signal(int)
    # From a background read's thread: (generation, ids or None or an exception, pages).
    _read_in_background = Signal(object)

    def __init__(self, store: Store, spec: ListSpec, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self.spec = spec
        self._query = ListQuery(filters={f.key: f.default for f in spec.filters})
        self._ids: list[int] = []
        self._active = False  # no query runs until the list is first shown
        self._pages: OrderedDict[int, dict[int, tuple[Any, ...]]] = OrderedDict()
        self._alignments = [
            (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column.kind in _NUMERIC_KINDS else
            (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            for column in spec.columns
        ]
        self._status_brushes = {status: QBrush(QColor(colour)) for status, colour in _STATUS_COLOURS.items()}
        self._generation = 0  # of the latest read asked for: an older one's answer is dropped
        self._in_place: Callable[[Callable[[], None]], None] | None = None  # a background read's
        self._read_in_background.connect(self._take_background_read)

    # -- what the list shows --------------------------------------------------------

    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        self._query = query
        if self._active:
            self.refresh()

    def set_search(self, text: str) -> None:
        if text != self._query.search:
            self.set_query(ListQuery(text, self._query.filters, self._query.sort_key, self._query.descending))

    def set_filter(self, key: str, value: str) -> None:
        filters = dict(self._query.filters)
        if filters.get(key) != value:
            filters[key] = value
            self.set_query(ListQuery(self._query.search, filters, self._query.sort_key, self._query.descending))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.spec.columns[column].key
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort_key, self._query.descending):
            self.set_query(ListQuery(self._query.search, self._query.filters, key, descending))

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        """The column and order the rows are in, for the header's sort indicator."""
        key = self._query.sort_key or self.spec.default_sort
        descending = self._query.descending if self._query.sort_key else self.spec.default_descending
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        return self.spec.column_index(key), order

    def refresh(self) -> None:
        """Ask the database again, now: after a search, a filter, a sort or the coordinator's change."""
        self._active = True
        self._generation += 1
        self._in_place = None
        self.beginResetModel()
        with self._store.engine.connect() as connection:
            self._ids = row_ids(connection, self.spec, self._query)
        self._pages.clear()
        self.endResetModel()
        self.refreshed.emit(len(self._ids))

    @property
    def refreshing(self) -> bool:
        """A background read is out."""
        return self._in_place is not None

    def refresh_in_background(self, in_place: Callable[[Callable[[], None]], None]) -> None:
        """Ask the database again on a thread of its own: the ids, and the pages the view shows.

        When they are in, `in_place(swap)` is called on the window's thread; `swap()` puts them
        in the model (a reset). A search, sort or refresh asked for meanwhile wins: this read's
        answer is dropped. So is an answer from an unreachable database (the change watcher
        says so, and its next look asks again). A list not shown yet reads when it is.
        """
        if not self._active:
            return
        self._generation += 1
        self._in_place = in_place
        generation, store, spec, query = self._generation, self._store, self.spec, self._query
        shown = list(self._pages)[-SHOWN_PAGES:]

        def read() -> None:
            answer: tuple[int, object, dict[int, dict[int, tuple[Any, ...]]]]
            try:
                with store.engine.connect() as connection:
                    ids = row_ids(connection, spec, query)
                    answer = (generation, ids, {page: fetch_rows(connection, spec, ids[page * PAGE_SIZE:
                                                                                      (page + 1) * PAGE_SIZE])
                                                for page in shown})
            except UNREACHABLE:
                answer = (generation, None, {})
            except Exception as exc:  # noqa: BLE001 - a bug: raised again on the window's thread
                answer = (generation, exc, {})
            try:
                self._read_in_background.emit(answer)
            except RuntimeError:  # the window closed while the read was out
                pass

        threading.Thread(target=read, name="qtc-list-refresh", daemon=True).start()

    def _take_background_read(self, answer: tuple[int, object, dict[int, dict[int, tuple[Any, ...]]]]) -> None:
        generation, ids, pages = answer
        if generation != self._generation or self._in_place is None:
            return
        in_place, self._in_place = self._in_place, None
        if isinstance(ids, Exception):
            raise ids
        if not isinstance(ids, list):
            return

        def swap() -> None:
            self.beginResetModel()
            self._ids = ids
            self._pages = OrderedDict(pages)
            self.endResetModel()
            self.refreshed.emit(len(ids))

        in_place(swap)

    def row_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, row_id: int) -> int | None:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    # -- QAbstractTableModel --------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.spec.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.spec.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self._alignments[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._ids) and 0 <= column < len(self.spec.columns)):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignments[column]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, RawValueRole, RowIdRole):
            return None
        row_id = self._ids[row]
        if role == RowIdRole:
            return row_id
        values = self._values(row)
        if values is None:  # deleted by someone else since the ids were read
            return None
        spec_column = self.spec.columns[column]
        value = values[column]
        if role == RawValueRole:
            return value
        if role == Qt.ItemDataRole.ForegroundRole:
            if spec_column.kind == "status" and value is not None:
                return self._status_brushes.get(OrderStatus(value))
            return None
        return format_value(spec_column.kind, value)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- paging ---------------------------------------------------------------------

    def _values(self, row: int) -> tuple[Any, ...] | None:
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self._load_page(page_number)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def _load_page(self, page_number: int) -> dict[int, tuple[Any, ...]]:
        ids = self._ids[page_number * PAGE_SIZE:(page_number + 1) * PAGE_SIZE]
        with self._store.engine.connect() as connection:
            page = fetch_rows(connection, self.spec, ids)
        self._pages[page_number] = page
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        return page
