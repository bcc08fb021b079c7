"""The account page: one customer with its quotes, orders, shipments, positions and change history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.domain import OrderStatus
from qtc_desktop.domain.enums import OPEN_ORDER_STATUSES
from qtc_desktop.services.accounts import AccountOverview, account_overview
from qtc_desktop.services.changes.history import HistoryEntry
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.lists import format_value
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.store import Store
from qtc_desktop.ui.history_panel import HistoryPanel
from qtc_desktop.ui.list_model import _STATUS_COLOURS as STATUS_COLOURS

RawValueRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
HISTORY_TITLE = "&History"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]  # the raw value of a row (a service dataclass)
    kind: str = "text"  # text, int, money, quantity, date, datetime, status, flag
    width: int = 0  # 0: as wide as the contents


def _quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "quantity":
        return _quantity(value)
    if kind == "int":
        return f"{value:,}"
    if kind in ("money", "date", "datetime", "status", "flag"):
        return format_value(kind, value)  # type: ignore[arg-type]
    return str(value)


class SectionModel(QAbstractTableModel):
    """The read-only rows of one section, sorted in Python (a page holds few rows)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []
        self._brushes = {status: QBrush(QColor(colour)) for status, colour in STATUS_COLOURS.items()}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self._alignment(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows) and 0 <= index.column() < len(self.columns)):
            return None
        column = self.columns[index.column()]
        value = column.value(self._rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _shown(column.kind, value)
        if role == RawValueRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(index.column())
        if role == Qt.ItemDataRole.ForegroundRole and column.kind == "status" and value is not None:
            return self._brushes.get(OrderStatus(value))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        value = self.columns[column].value
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        rows_before = [self._rows[index.row()] for index in before]
        filled = [row for row in self._rows if value(row) is not None]
        blank = [row for row in self._rows if value(row) is None]
        filled.sort(key=lambda row: _sort_key(value(row)), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = filled + blank  # blanks last either way, as in the lists
        position = {id(row): number for number, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(position[id(row)], index.column()) for row, index in zip(rows_before, before)])
        self.layoutChanged.emit()

    def _alignment(self, column: int) -> Qt.AlignmentFlag:
        return _RIGHT if self.columns[column].kind in ("int", "money", "quantity") else _LEFT


def _sort_key(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, bool):
        return int(value)
    return value


def _order_number(row: Any) -> str:
    return str(row.number)


QUOTE_COLUMNS = (
    Column("Quote", lambda q: q.number, width=130), Column("Rev.", lambda q: q.revision, "int"),
    Column("Type", lambda q: q.type.value.capitalize()), Column("Date", lambda q: q.quote_date, "date"),
    Column("Lines", lambda q: q.line_count, "int"), Column("Net total", lambda q: q.net_total, "money"),
    Column("Cur.", lambda q: q.currency), Column("Latest", lambda q: not q.superseded, "flag"),
    Column("Orders", lambda q: ", ".join(q.orders) or None),
)
ORDER_COLUMNS = (
    Column("Order", _order_number, width=100), Column("Status", lambda o: o.status, "status"),
    Column("Quote", lambda o: f"{o.quote_number} rev {o.quote_revision}"),
    Column("Requested", lambda o: o.requested_date, "date"), Column("Promised", lambda o: o.promised_date, "date"),
    Column("Carrier", lambda o: o.carrier), Column("Customer PO", lambda o: o.customer_po),
    Column("ERP order", lambda o: o.erp_order_number), Column("Net total", lambda o: o.net_total, "money"),
    Column("Cur.", lambda o: o.currency), Column("Changed", lambda o: o.changed_since_export, "flag"),
)
SHIPMENT_COLUMNS = (
    Column("Shipment", lambda s: s.number, width=110), Column("Order", lambda s: s.order_number),
    Column("Date", lambda s: s.ship_date, "date"), Column("Carrier", lambda s: s.carrier),
    Column("Tracking", lambda s: s.tracking_number), Column("Units", lambda s: s.units, "quantity"),
    Column("Packages", lambda s: s.packages, "int"),
)
POSITION_COLUMNS = (
    Column("Product", lambda p: p.product_code), Column("Name", lambda p: p.product_name, width=280),
    Column("Qty", lambda p: p.quantity, "quantity"), Column("Start", lambda p: p.start_date, "date"),
    Column("End", lambda p: p.end_date, "date"), Column("Contract", lambda p: p.contract_number),
    Column("From order", lambda p: p.source_order_number),
)


class AccountPage(QDialog):
    """A window per account, read-only; double-clicking an order (or a shipment, position or
    change of one) opens that order in the editor."""

    # An order to open in the editor.
    open_order = Signal(int)
    # "Show in Orders list": the account's id and name.
    show_orders = Signal(int, str)

    def __init__(self, store: Store, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountPage")
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.store = store
        self.account_id = account_id
        self.overview: AccountOverview | None = None

        self.name = QLabel()
        self.name.setObjectName("accountName")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("accountSummary")
        self.summary.setStyleSheet("color: #4b5563;")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(2)
        for key, label in (("external_id", "External id"), ("address", "Address"), ("email", "Email"),
                           ("phone", "Phone")):
            field = QLabel()
            field.setObjectName(f"account_{key}")
            field.setTextFormat(Qt.TextFormat.PlainText)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}:", field)
            self.fields[key] = field
        heading = QVBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(self.name)
        heading.addWidget(self.summary)
        heading.addLayout(form)
        self.show_orders_button = QPushButton("Show Orders in &List")
        self.show_orders_button.setObjectName("showOrders")
        self.show_orders_button.setToolTip("Filter the Orders list to this account")
        self.show_orders_button.clicked.connect(self._show_orders)
        refresh = QPushButton("&Refresh")
        refresh.setObjectName("refreshAccount")
        refresh.clicked.connect(self.reload)
        buttons = QVBoxLayout()
        buttons.addWidget(self.show_orders_button)
        buttons.addWidget(refresh)
        buttons.addStretch()
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        top.addLayout(buttons)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("accountTabs")
        self.tables: dict[str, QTableView] = {}
        self.models: dict[str, SectionModel] = {}
        for key, columns in (("quotes", QUOTE_COLUMNS), ("orders", ORDER_COLUMNS), ("shipments", SHIPMENT_COLUMNS),
                             ("positions", POSITION_COLUMNS)):
            self._add_section(key, columns)
        self.history = HistoryPanel()
        self.history.entry_activated.connect(self._history_activated)
        self.history.loaded.connect(self._history_loaded)
        self.tabs.addTab(self.history, HISTORY_TITLE)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        self.resize(1180, 640)
        self.reload()

    # -- building -----------------------------------------------------------------------

    def _add_section(self, key: str, columns: Sequence[Column]) -> None:
        model = SectionModel(columns, self)
        table = QTableView()
        table.setObjectName(f"{key}Table")
        table.setModel(model)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as read: newest first
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        table.activated.connect(lambda index, k=key: self._activated(k, index))
        self.tables[key] = table
        self.models[key] = model
        self.tabs.addTab(table, key)

    # -- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the account again (after an order changed, say)."""
        try:
            with self.store.session() as session:
                overview = account_overview(session, self.account_id)
        except USER_ERRORS as exc:
            self.name.setText(str(exc))
            return
        self.overview = overview
        account = overview.account
        self.setWindowTitle(f"{account.name} — Account")
        self.name.setText(account.name)
        for key, value in (("external_id", account.external_id), ("address", account.address),
                           ("email", account.email), ("phone", account.phone)):
            self.fields[key].setText(value or "—")
        open_orders = sum(1 for order in overview.orders if order.status in OPEN_ORDER_STATUSES)
        self.summary.setText(
            f"{_count(overview.quote_count, 'quote')} · {_count(overview.order_count, 'order')} "
            f"({open_orders:,} open) · {_count(overview.shipment_count, 'shipment')} · "
            f"{_count(len(overview.positions), 'contracted position')}")
        self.show_orders_button.setEnabled(overview.order_count > 0)
        sections = (
            ("quotes", "&Quotes", overview.quotes, overview.quote_count),
            ("orders", "&Orders", overview.orders, overview.order_count),
            ("shipments", "&Shipments", overview.shipments, overview.shipment_count),
            ("positions", "Contracted &positions", overview.positions, len(overview.positions)),
        )
        for index, (key, title, rows, total) in enumerate(sections):
            table = self.tables[key]
            self.models[key].set_rows(rows)
            table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            shown = f"{len(rows):,}" if len(rows) == total else f"{len(rows):,} of {total:,}"
            self.tabs.setTabText(index, f"{title} ({shown})")
            self._fit_columns(key)
        self.history.load_account(self.store, self.account_id)

    def _fit_columns(self, key: str) -> None:
        table = self.tables[key]
        table.resizeColumnsToContents()
        for column, spec in enumerate(self.models[key].columns):
            width = table.columnWidth(column)
            table.setColumnWidth(column, max(spec.width, min(width + 6, 320)))

    # -- slots --------------------------------------------------------------------------

    def _activated(self, key: str, index: QModelIndex) -> None:
        row = self.models[key].row(index.row())
        order_id = {"orders": lambda: row.id, "shipments": lambda: row.order_id,
                    "positions": lambda: row.source_order_id}.get(key)
        if order_id is not None and order_id() is not None:
            self.open_order.emit(order_id())

    def _history_activated(self, entry: HistoryEntry) -> None:
        if entry.order_number is None:  # a change to the account or a quote: no order to open
            return
        try:
            with self.store.session() as session:
                order_id = find_order(session, entry.order_number).id
        except USER_ERRORS as exc:  # the order was deleted since
            self.summary.setText(str(exc))
            return
        self.open_order.emit(order_id)

    def _history_loaded(self, shown: int, total: int) -> None:
        count = f"{total:,}" if shown == total else f"{shown:,} of {total:,}"
        self.tabs.setTabText(self.tabs.indexOf(self.history), f"{HISTORY_TITLE} ({count})")

    def _show_orders(self) -> None:
        if self.overview is not None:
            self.show_orders.emit(self.account_id, self.overview.account.name)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"

