"""One tab of the main window: a searchable, filterable, sortable list with a detail pane."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.details import DETAILS
from qtc_desktop.services.errors import NotFound
from qtc_desktop.services.lists import ListSpec
from qtc_desktop.store import Store
from qtc_desktop.ui.detail_pane import DetailPane
from qtc_desktop.ui.list_model import PagedListModel

SEARCH_DELAY_MS = 150  # wait for a pause in typing before asking the database


class ListPage(QWidget):
    """The Quotes, Orders or Accounts list."""

    # How many rows the list shows now, after every refresh.
    count_changed = Signal(int)

    def __init__(self, store: Store, spec: ListSpec, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{spec.name}Page")
        self.store = store
        self.spec = spec
        self.noun = noun
        self.model = PagedListModel(store, spec, self)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(f"Search {noun}…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Every word must appear in one of the text columns (Ctrl+F)")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_search)

        self.filters: dict[str, QComboBox] = {}
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.addWidget(self.search, 3)
        for list_filter in spec.filters:
            combo = QComboBox()
            combo.setObjectName(f"filter_{list_filter.key}")
            combo.setToolTip(list_filter.label)
            for value, label in list_filter.choices:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(list_filter.default)))
            combo.currentIndexChanged.connect(
                lambda _index, key=list_filter.key, box=combo: self.model.set_filter(key, box.currentData())
            )
            toolbar.addWidget(combo, 1)
            self.filters[list_filter.key] = combo
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.count_label.setMinimumWidth(110)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        toolbar.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setObjectName("table")
        self.table.setModel(self.model)
        # Turning sorting on sorts by the header's indicator: point it at the list's own
        # default first, or every list would start sorted by its first column, descending.
        self.show_sort_indicator()
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, spec_column in enumerate(spec.columns):
            header.resizeSection(column, spec_column.width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.refreshed.connect(self._show_count)

        self.detail = DetailPane(f"Select {noun[:-1] if noun.endswith('s') else noun} to see it here.")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(toolbar)
        layout.addWidget(self.splitter, 1)
        self._selected_id: int | None = None

    # -- actions ------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the list again, keeping the selected row selected if it still matches."""
        self.model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_id(row) for row in rows]

    def select_id(self, row_id: int) -> bool:
        row = self.model.row_of(row_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # -- state --------------------------------------------------------------------

    def save_state(self) -> dict[str, QByteArray | str]:
        return {
            "header": self.table.horizontalHeader().saveState(),
            "splitter": self.splitter.saveState(),
            # isHidden, not isVisible: a list on another tab is invisible, its pane not hidden.
            "detail_visible": "0" if self.detail.isHidden() else "1",
        }

    def restore_state(self, state: dict[str, object]) -> None:
        header = state.get("header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
        splitter = state.get("splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        self.detail.setVisible(state.get("detail_visible", "1") != "0")
        # The header remembers the indicator; the model must sort the same way.
        header_view = self.table.horizontalHeader()
        if header_view.sortIndicatorSection() >= 0:
            self.model.sort(header_view.sortIndicatorSection(), header_view.sortIndicatorOrder())

    def show_sort_indicator(self) -> None:
        column, order = self.model.sort_state()
        self.table.horizontalHeader().setSortIndicator(column, order)

    # -- slots --------------------------------------------------------------------

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())

    def _show_count(self, count: int) -> None:
        self.count_label.setText(f"{count:,} {self.noun}")
        self.count_changed.emit(count)

    def _after_reset(self) -> None:
        if self._selected_id is not None and self.select_id(self._selected_id):
            return
        self._selected_id = None
        self.detail.clear()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        current: QModelIndex = self.table.selectionModel().currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = current.row() if current.isValid() and self.table.selectionModel().isRowSelected(current.row()) else rows[0].row()
        self._show_detail(self.model.row_id(row))

    def _show_detail(self, row_id: int) -> None:
        if row_id == self._selected_id and self.detail.detail is not None:
            return
        self._selected_id = row_id
        try:
            with self.store.session() as session:
                detail = DETAILS[self.spec.name](session, row_id)
        except NotFound as exc:
            self.detail.show_message(str(exc))
            return
        self.detail.show_detail(detail)
