"""The preview of one file being imported: what was found in it, its rows, its problems and its quotes."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.importing.service import FilePreview
from qtc_desktop.ui.import_files import (
    GREY,
    PROBLEM_COLUMN,
    PROBLEM_MESSAGE,
    PROBLEM_ROW,
    PROBLEM_SHEET,
    STATUS_COLOURS,
)
from qtc_desktop.ui.import_preview_model import ImportPreviewModel
from qtc_desktop.ui.labels import plain_label


def _tree(name: str, headers: tuple[str, ...], *, decorated: bool = False) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(decorated)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return tree


class ImportPreviewPanel(QWidget):
    """The notes and columns found, the sheet's rows, and tabs listing the problems and the quotes.

    Choosing a problem in its list selects the cell (or the row) it is about.
    """

    def __init__(self, row_height: int, parent: QWidget | None = None) -> None:
        # row_height comes from the dialog: its font is not this panel's until the panel is placed in it.
        super().__init__(parent)
        self.preview: FilePreview | None = None

        self.notes = plain_label("notes")
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.columns = QListWidget()
        self.columns.setObjectName("columns")
        self.columns.setFlow(QListView.Flow.LeftToRight)
        self.columns.setWrapping(True)
        self.columns.setResizeMode(QListView.ResizeMode.Adjust)
        self.columns.setSpacing(3)
        self.columns.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        notes_box, columns_box = QGroupBox("Found in the file"), QGroupBox("Columns")
        QVBoxLayout(notes_box).addWidget(self.notes)
        QVBoxLayout(columns_box).addWidget(self.columns)
        facts = QHBoxLayout()
        facts.addWidget(notes_box, 2)
        facts.addWidget(columns_box, 3)
        self.facts = QWidget()
        self.facts.setLayout(facts)
        facts.setContentsMargins(0, 0, 0, 0)
        self.facts.setMaximumHeight(150)

        self.model = ImportPreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setHighlightSections(False)
        self.problems = _tree("problems", ("Sheet", "Row", "Column", "Problem"))
        self.problems.currentItemChanged.connect(self._problem_chosen)
        self.quotes = _tree("quotes", ("Quote", "Rev.", "Type", "Account", "Lines", "Net total", "Status"),
                            decorated=True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("resultTabs")
        self.tabs.addTab(self.problems, "Problems")
        self.tabs.addTab(self.quotes, "Quotes")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # lies in the dialog's column as if its parts were placed there
        layout.addWidget(self.facts)
        layout.addWidget(self.splitter, 1)

    def show_preview(self, preview: FilePreview | None) -> None:
        """Show this preview (None: the file is not read yet); a clean file opens on its quotes."""
        self.preview = preview
        self._show_facts(preview)
        self.model.set_preview(preview.layout if preview else None, preview.problems if preview else ())
        self._fit_columns()
        self._show_problems(preview)
        self._show_quotes(preview)
        if preview is not None:
            self.tabs.setCurrentWidget(self.quotes if preview.ok else self.problems)

    def _show_facts(self, preview: FilePreview | None) -> None:
        notes = list(preview.notes) if preview is not None else []
        self.notes.setText("\n".join(f"• {note}" for note in notes))
        self.columns.clear()
        self.facts.setVisible(preview is not None)
        if preview is None or preview.layout is None:
            if preview is not None:
                self.columns.addItem("No header row found: choose the columns with Columns…")
            return
        layout = preview.layout
        for column in sorted(layout.headers):
            header = layout.headers[column]
            if column in layout.fields:
                text, colour = f"{header} → {layout.fields[column].label}", None
            elif column in layout.extras:
                text, colour = f"{header} → kept as extra attribute", GREY
            else:
                text, colour = f"{header} → ignored", GREY
            entry = QListWidgetItem(text)
            if colour is not None:
                entry.setForeground(QBrush(colour))
            self.columns.addItem(entry)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), 260))

    def _show_problems(self, preview: FilePreview | None) -> None:
        self.problems.clear()
        problems = preview.problems if preview is not None else ()
        for position, problem in enumerate(problems):
            entry = QTreeWidgetItem([problem.sheet, "" if problem.row is None else str(problem.row),
                                     problem.column or "", problem.message])
            entry.setData(PROBLEM_SHEET, Qt.ItemDataRole.UserRole, position)
            entry.setToolTip(PROBLEM_MESSAGE, problem.message)
            entry.setTextAlignment(PROBLEM_ROW, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.problems.addTopLevelItem(entry)
        for column in (PROBLEM_SHEET, PROBLEM_ROW, PROBLEM_COLUMN):
            self.problems.resizeColumnToContents(column)
        self.tabs.setTabText(0, f"Problems ({len(problems)})")

    def _show_quotes(self, preview: FilePreview | None) -> None:
        self.quotes.clear()
        quotes = preview.quotes if preview is not None else ()
        for quote in quotes:
            entry = QTreeWidgetItem([quote.number, str(quote.revision), quote.type, quote.account,
                                     str(quote.lines), f"{quote.net_total:,.2f} {quote.currency}", quote.status])
            for column in (1, 4, 5):
                entry.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            entry.setForeground(6, QBrush(STATUS_COLOURS.get(quote.status, GREY)))
            entry.addChildren([QTreeWidgetItem([str(change)]) for change in quote.changes])
            self.quotes.addTopLevelItem(entry)
            for position in range(entry.childCount()):
                child = entry.child(position)
                if child is not None:
                    child.setFirstColumnSpanned(True)  # only works once in the tree
            entry.setExpanded(bool(quote.changes))
        for column in range(6):
            self.quotes.resizeColumnToContents(column)
        self.tabs.setTabText(1, f"Quotes ({len(quotes)})")

    # -- problems to cells ----------------------------------------------------------------

    def _problem_chosen(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        preview = self.preview
        if current is None or preview is None:
            return
        position = current.data(PROBLEM_SHEET, Qt.ItemDataRole.UserRole)
        if not isinstance(position, int) or not 0 <= position < len(preview.problems):
            return
        problem = preview.problems[position]
        index = self.model.index_of(problem)
        if not index.isValid():
            self.table.clearSelection()
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if problem.column is None:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
