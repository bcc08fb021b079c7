"""One tab of the main window: a searchable, filterable, sortable list with a detail pane."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QDate, QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
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
from qtc_desktop.services.lists import ListFilter, ListSpec
from qtc_desktop.store import Store
from qtc_desktop.ui.detail_pane import DetailPane
from qtc_desktop.ui.list_model import PagedListModel

SEARCH_DELAY_MS = 150  # wait for a pause in typing before asking the database
CHOICES_DELAY_MS = 100  # after the first paint, so start-up shows the list before the filters


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
        # The From and To dates of a filter's "between" choice, shown while it is chosen.
        self.date_ranges: dict[str, tuple[QDateEdit, QDateEdit]] = {}
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
            if list_filter.choices_from is not None:
                self._make_searchable(combo)
            combo.currentIndexChanged.connect(lambda _index, f=list_filter: self._filter_chosen(f))
            toolbar.addWidget(combo, 1)
            self.filters[list_filter.key] = combo
            if list_filter.date_range_choice is not None:
                self.date_ranges[list_filter.key] = self._make_date_range(list_filter, toolbar)
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
        """Read the list again, keeping the selected row selected if it still matches.

        The selected row's detail is read again too: a refresh follows someone's change.
        """
        # Choices from the database (accounts) load just after: the list paints first.
        QTimer.singleShot(CHOICES_DELAY_MS, self._load_choices)
        self.model.refresh()
        if self._selected_id is not None and self.model.row_of(self._selected_id) is not None:
            selected, self._selected_id = self._selected_id, None
            self._show_detail(selected)

    def refresh_in_background(self, in_place: Callable[[Callable[[], None]], None]) -> None:
        """As refresh, for a colleague's save: the database is read on a thread of its own (see
        PagedListModel.refresh_in_background); `in_place(swap)` then puts the new rows in. The
        filter's choices are left as they are (F5 reads them again)."""

        def swapped(swap: Callable[[], None]) -> None:
            in_place(swap)
            if self._selected_id is not None and self.model.row_of(self._selected_id) is not None:
                selected, self._selected_id = self._selected_id, None
                self._show_detail(selected)

        self.model.refresh_in_background(swapped)

    def current_id(self) -> int | None:
        """The row the detail pane shows: the current row if selected, else the first selected."""
        model = self.table.selectionModel()
        current = model.currentIndex()
        if current.isValid() and model.isRowSelected(current.row()):
            return self.model.row_id(current.row())
        selected = self.selected_ids()
        return selected[0] if selected else None

    def set_filter_value(self, key: str, value: str, label: str | None = None) -> None:
        """Choose a filter's value as if the user had: an account the combo does not list
        yet is added under `label`; "FROM..TO" chooses the between-dates range."""
        combo = self.filters[key]
        list_filter = next(f for f in self.spec.filters if f.key == key)
        index = combo.findData(value)
        if index < 0 and list_filter.date_range_choice is not None and ".." in value:
            first, _, last = value.partition("..")
            start, end = self.date_ranges[key]
            for edit, text in ((start, first), (end, last)):
                if text:
                    edit.setDate(QDate.fromString(text, Qt.DateFormat.ISODate))
            index = combo.findData(list_filter.date_range_choice)
        if index < 0:
            combo.addItem(label or value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def reset_query(self) -> None:
        """No search text and every filter at its default: the whole list."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._search_timer.stop()
        for list_filter in self.spec.filters:
            combo = self.filters[list_filter.key]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(list_filter.default)))
            combo.blockSignals(False)
            if list_filter.key in self.date_ranges:
                for edit in self.date_ranges[list_filter.key]:
                    edit.hide()
        query = self.model.query
        self.model.set_query(type(query)("", {f.key: f.default for f in self.spec.filters},
                                          query.sort_key, query.descending))

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
        # Not selectRow: that reads the keyboard modifiers, and a Ctrl+Shift shortcut still held
        # down would toggle or extend the selection instead of choosing this row.
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
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

    def _filter_chosen(self, list_filter: ListFilter) -> None:
        value = str(self.filters[list_filter.key].currentData() or "")
        if list_filter.date_range_choice is not None:
            start, end = self.date_ranges[list_filter.key]
            between = value == list_filter.date_range_choice
            start.setVisible(between)
            end.setVisible(between)
            if between:
                value = f"{start.date().toString(Qt.DateFormat.ISODate)}..{end.date().toString(Qt.DateFormat.ISODate)}"
        self.model.set_filter(list_filter.key, value)

    def _make_date_range(self, list_filter: ListFilter, toolbar: QHBoxLayout) -> tuple[QDateEdit, QDateEdit]:
        today = QDate.currentDate()
        edits = []
        for name, day, tip in (("from", today, "From this date"), ("to", today.addDays(30), "To this date, inclusive")):
            edit = QDateEdit(day)
            edit.setObjectName(f"filter_{list_filter.key}_{name}")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setToolTip(f"{list_filter.label}: {tip.lower()}")
            edit.hide()
            edit.dateChanged.connect(lambda _date, f=list_filter: self._filter_chosen(f))
            toolbar.addWidget(edit)
            edits.append(edit)
        return edits[0], edits[1]

    @staticmethod
    def _make_searchable(combo: QComboBox) -> None:
        """A long list of choices (accounts): type any part of a name to find it."""
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setMaxVisibleItems(20)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        completer = combo.completer()
        line = combo.lineEdit()
        assert completer is not None and line is not None  # an editable combo has both
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

        def name_a_choice() -> None:
            # Text that names no choice goes back to the chosen one rather than filter by nothing.
            if combo.findText(line.text()) < 0:
                line.setText(combo.itemText(combo.currentIndex()))

        line.editingFinished.connect(name_a_choice)

    def _load_choices(self) -> None:
        """Read the choices that come from the database (accounts), keeping what is chosen."""
        filters = [f for f in self.spec.filters if f.choices_from is not None]
        if not filters:
            return
        with self.store.engine.connect() as connection:
            loaded = {f.key: f.choices_from(connection) for f in filters if f.choices_from is not None}
        for list_filter in filters:
            combo = self.filters[list_filter.key]
            value, text = combo.currentData(), combo.itemText(combo.currentIndex())
            combo.blockSignals(True)
            combo.clear()
            for choice_value, label in list_filter.choices + tuple(loaded[list_filter.key]):
                combo.addItem(label, choice_value)
            index = combo.findData(value)
            if index < 0:  # chosen before, has no orders now: keep it chosen
                combo.addItem(text, value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

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
