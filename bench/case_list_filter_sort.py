"""Search, sort and filter 100,000 orders through the app's list model; against a plain Python list."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from fixtures import orders_db

NAME = "list_filter_sort"
TARGET = 2.0
SHOWN = 40  # rows a view paints
SEARCHED = ("number", "account", "quote", "carrier", "customer_po", "erp_order_number")

# One user session, each step followed by reading what the view would paint.
# (step name, action, arguments); sorts are (column key, descending).
STEPS: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    ("open list", "open", ()),
    ("search c", "search", ("c",)),
    ("search co", "search", ("co",)),
    ("search coh", "search", ("coh",)),
    ("search coho", "search", ("coho",)),
    ("sort account asc", "sort", ("account", False)),
    ("sort requested_date desc", "sort", ("requested_date", True)),
    ("sort net_total desc", "sort", ("net_total", True)),
    ("clear search", "search", ("",)),
    ("sort account asc, all rows", "sort", ("account", False)),
    ("filter status open", "filter", ("status", "open")),
)

_store: Any = None
_app: Any = None
_rows: list[tuple[Any, ...]] = []  # per order: (id, *displayed values, *sort keys)
_keys: list[str] = []  # the column keys, in the model's column order
_default_sort: tuple[str, bool] = ("", False)
_open_labels: frozenset[str] = frozenset()


class Side(Protocol):
    def open(self) -> None: ...
    def search(self, text: str) -> None: ...
    def sort(self, key: str, descending: bool) -> None: ...
    def filter(self, key: str, value: str) -> None: ...
    def count(self) -> int: ...
    def shown(self) -> list[list[str]]: ...


def setup(cache_dir: Path) -> None:
    global _store, _app, _rows, _keys, _default_sort, _open_labels
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from qtc_desktop.domain import OrderStatus
    from qtc_desktop.domain.enums import OPEN_ORDER_STATUSES
    from qtc_desktop.services.lists import ORDERS, format_value
    from qtc_desktop.store import open_store, resolve_url

    _app = QApplication.instance() or QApplication([])
    _store = open_store(resolve_url(str(orders_db(cache_dir))), exclusive=False)
    columns = ORDERS.columns
    _keys = [column.key for column in columns]
    _default_sort = (ORDERS.default_sort, ORDERS.default_descending)
    assert tuple(c.key for c in columns if c.searchable) == SEARCHED, "the floor must search what the app searches"
    statement = (ORDERS.base().with_only_columns(ORDERS.id_column, *(c.expression for c in columns))
                 .order_by(ORDERS.id_column))  # a fixed order: list.sort gains from any presorting
    with _store.engine.connect() as connection:  # one query, untimed
        _rows = [(row[0], *(format_value(c.kind, v) for c, v in zip(columns, row[1:])),
                  *(_sort_key(v) for v in row[1:]))
                 for row in connection.execute(statement)]
    _open_labels = frozenset(OrderStatus(status).label for status in OPEN_ORDER_STATUSES)
    for (step, *ours_view), (_, *floor_view) in zip(_session(Ours()), _session(Floor())):
        if ours_view != floor_view:
            raise AssertionError(f"{NAME}: ours and floor show different rows after {step!r}")


def _sort_key(value: Any) -> Any:
    """A raw value as SQLite orders it: money as integer cents, dates as ISO text."""
    if isinstance(value, Decimal):
        return int(value.scaleb(2))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _session(side: Side) -> Iterator[tuple[str, int, list[list[str]]]]:
    for step, action, arguments in STEPS:
        getattr(side, action)(*arguments)
        yield step, side.count(), side.shown()


def ours() -> Iterator[str]:
    return (step for step, _, _ in _session(Ours()))


def floor() -> Iterator[str]:
    return (step for step, _, _ in _session(Floor()))


class Ours:
    """The app's PagedListModel: SQL for ids, a page of values when the view asks."""

    def open(self) -> None:
        from qtc_desktop.services.lists import ORDERS
        from qtc_desktop.ui.list_model import PagedListModel

        self.model = PagedListModel(_store, ORDERS)
        self.model.refresh()

    def search(self, text: str) -> None:
        self.model.set_search(text)

    def sort(self, key: str, descending: bool) -> None:
        from PySide6.QtCore import Qt

        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.model.sort(_keys.index(key), order)

    def filter(self, key: str, value: str) -> None:
        self.model.set_filter(key, value)

    def count(self) -> int:
        return int(self.model.rowCount())

    def shown(self) -> list[list[str]]:
        model, columns = self.model, range(self.model.columnCount())
        return [[model.data(model.index(row, column)) for column in columns]
                for row in range(min(SHOWN, model.rowCount()))]


class Floor:
    """The same rows as plain tuples: filter with comprehensions, sort with list.sort."""

    def open(self) -> None:
        self.width = len(_keys)
        self.display = {key: 1 + index for index, key in enumerate(_keys)}
        self.raw = {key: 1 + self.width + index for index, key in enumerate(_keys)}
        self.text, self.status = "", ""
        self.sort_key, self.descending = _default_sort
        self._query()

    def search(self, text: str) -> None:
        self.text = text
        self._query()

    def sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self._query()

    def filter(self, key: str, value: str) -> None:
        assert (key, value) == ("status", "open"), "the floor knows only the Open filter"
        self.status = value
        self._query()

    def _query(self) -> None:
        rows = _rows
        if self.status:
            status = self.display["status"]
            rows = [r for r in rows if r[status] in _open_labels]
        n, a, q, c, p, e = (self.display[key] for key in SEARCHED)
        for term in self.text.lower().split():
            rows = [r for r in rows if term in r[n].lower() or term in r[a].lower() or term in r[q].lower()
                    or term in r[c].lower() or term in r[p].lower() or term in r[e].lower()]
        k = self.raw[self.sort_key]
        # As the app's SQL: blanks last, the id breaks ties in the same direction.
        if self.descending:
            self.result = sorted(rows, key=lambda r: (r[k] is not None, r[k], r[0]), reverse=True)
        else:
            self.result = sorted(rows, key=lambda r: (r[k] is None, r[k], r[0]))

    def count(self) -> int:
        return len(self.result)

    def shown(self) -> list[list[str]]:
        return [list(row[1:1 + self.width]) for row in self.result[:SHOWN]]
