"""The Import Quotes window: preview each file, show every problem where it is, then store it whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.importing.building import DateOrder, ReadOptions
from qtc_desktop.services.importing.error_workbook import write_error_workbook
from qtc_desktop.services.importing.service import FilePreview, ImportOptions, import_file, preview_file
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store
from qtc_desktop.ui.import_files import (
    DATE_ORDERS,
    ERRORS,
    GREY,
    IMPORT,
    PREVIEW,
    PROBLEM_COLUMN,
    PROBLEM_MESSAGE,
    PROBLEM_ROW,
    PROBLEM_SHEET,
    STATUS_COLOURS,
    ImportFile,
    noun,
    status_counts,
)
from qtc_desktop.ui.import_preview_model import ImportPreviewModel
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.mapping_dialog import MappingDialog

class ImportDialog(QDialog):
    """Previews every file on the job runner; Import stores one file per transaction."""

    # A file was stored: its FilePreview, as import_file returned it.
    imported = Signal(object)
    # Something happened to a file (a preview arrived, an import ended, a job failed).
    file_updated = Signal(object)

    def __init__(self, store: Store, jobs: JobRunner, paths: Iterable[Path], who: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import Quotes")
        self.resize(1120, 760)
        self.store, self.jobs, self.who = store, jobs, who
        unique = dict.fromkeys(Path(p) for p in paths)
        self.items = [ImportFile(path) for path in unique]
        self.mapping_dialog: MappingDialog | None = None
        self._shown: tuple[ImportFile, FilePreview | None] | None = None

        self.file_list = QListWidget()
        self.file_list.setObjectName("files")
        for item in self.items:
            self.file_list.addItem(QListWidgetItem(item.path.name))
        self.batch = self._label("batch")  # how the files stand, together
        self.files_pane = QWidget()
        self.files_pane.setMaximumWidth(260)
        files_column = QVBoxLayout(self.files_pane)
        files_column.setContentsMargins(0, 0, 0, 0)
        files_column.addWidget(self.file_list, 1)
        files_column.addWidget(self.batch)
        self.files_pane.setVisible(len(self.items) > 1)

        self.title = QLabel()
        self.title.setObjectName("fileName")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = self._label("summary")
        self.message = self._label("message")
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress_text = self._label("progressText")
        self.cancel_job = QPushButton("Cancel")
        self.cancel_job.setObjectName("cancelJob")
        self.cancel_job.clicked.connect(self._cancel_shown)
        self.busy = QWidget()
        busy_row = QHBoxLayout(self.busy)
        busy_row.setContentsMargins(0, 0, 0, 0)
        busy_row.addWidget(self.progress_text, 2)
        busy_row.addWidget(self.progress, 3)
        busy_row.addWidget(self.cancel_job)

        self.notes = self._label("notes")
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
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setHighlightSections(False)
        self.problems = self._tree("problems", ("Sheet", "Row", "Column", "Problem"))
        self.problems.currentItemChanged.connect(self._problem_chosen)
        self.quotes = self._tree("quotes", ("Quote", "Rev.", "Type", "Account", "Lines", "Net total", "Status"))
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

        self.columns_button = self._button("Co&lumns…", "columnsButton", self.edit_columns,
                                           "Choose what each column of the file holds, and save it as a mapping")
        self.date_button = self._button("&Date Order…", "dateOrderButton", self.ask_date_order,
                                        "Say whether dates like 03/04/2026 are day or month first")
        self.errors_button = self._button("Save &Errors As…", "saveErrorsButton", self.save_errors,
                                          "Write the rows with an Errors column, to fix them in Excel")
        self.retry_button = self._button("&Read Again", "readAgainButton", lambda: self.preview(self.current),
                                         "Read the file again, as it is now on disk")
        self.import_all_button = self._button("Import All", "importAllButton", self.import_all,
                                              "Import every file without problems, each on its own")
        self.import_button = self._button("&Import", "importButton", self.import_current,
                                          "Store this file's quotes")
        self.close_button = self._button("Close", "closeButton", self.reject, "")
        self.import_button.setDefault(True)
        buttons = QHBoxLayout()
        for button in (self.columns_button, self.date_button, self.errors_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.import_all_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        panel = QVBoxLayout()
        for widget in (self.title, self.summary, self.busy, self.message, self.facts):
            panel.addWidget(widget)
        panel.addWidget(self.splitter, 1)
        body = QHBoxLayout()
        body.addWidget(self.files_pane)
        body.addLayout(panel, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        self.file_list.currentRowChanged.connect(lambda _row: self._show())
        self.file_list.setCurrentRow(0)
        for item in self.items:
            self.preview(item)

    # -- building -----------------------------------------------------------------------

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # file names and cells are never markup
        return label

    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    @staticmethod
    def _tree(name: str, headers: tuple[str, ...]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setHeaderLabels(list(headers))
        tree.setRootIsDecorated(name == "quotes")
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return tree

    # -- which file ---------------------------------------------------------------------

    @property
    def current(self) -> ImportFile:
        return self.items[max(0, self.file_list.currentRow())]

    def busy_jobs(self) -> list[ImportFile]:
        return [item for item in self.items if item.job is not None]

    # -- jobs ---------------------------------------------------------------------------

    def preview(self, item: ImportFile) -> None:
        """Read and check the file again with its options, off the GUI thread."""
        store, path, options = self.store, item.path, item.options

        def work(progress: Progress) -> FilePreview:
            with store.session() as session:  # reads only; closing rolls back
                return preview_file(session, path, options, progress)

        item.preview, item.error, item.note = None, "", ""
        self._start(item, PREVIEW, work)

    def import_current(self) -> None:
        if self.current.can_import:
            self._import(self.current)

    def import_all(self) -> None:
        for item in self.items:
            if item.can_import:
                self._import(item)

    def _import(self, item: ImportFile) -> None:
        store, path, options, who = self.store, item.path, item.options, self.who

        def work(progress: Progress) -> FilePreview:
            with store.transaction() as session:  # one file, one transaction: all or nothing
                return import_file(session, path, options, who=who, progress=progress)

        item.error, item.note = "", ""
        self._start(item, IMPORT, work)

    def _start(self, item: ImportFile, kind: str, work: Callable[[Progress], Any]) -> None:
        job = Job(work)
        item.job, item.job_kind, item.progress = job, kind, (0, 0, "Waiting…")
        job.signals.progress.connect(lambda done, total, text: self._progress(item, done, total, text))
        job.signals.succeeded.connect(lambda result: self._succeeded(item, kind, result))
        job.signals.failed.connect(lambda text: self._ended(item, error=text))
        job.signals.cancelled.connect(lambda: self._ended(item, note=self._cancelled_note(kind)))
        self.jobs.start(job)
        self._refresh(item)

    @staticmethod
    def _cancelled_note(kind: str) -> str:
        if kind == IMPORT:
            return "Import cancelled; nothing from this file was stored."
        if kind == ERRORS:
            return "Saving the errors was cancelled."
        return "Reading cancelled. Read Again reads the file from the start."

    def _progress(self, item: ImportFile, done: int, total: int, text: str) -> None:
        item.progress = (done, total, text)
        if item is self.current:
            self._show_progress(item)

    def _succeeded(self, item: ImportFile, kind: str, result: Any) -> None:
        if kind == ERRORS:
            path, rows = result
            self._ended(item, note=f"Wrote {path.name}: {noun(rows, 'row')} with an error, "
                                   "each explained in the Errors column.")
            return
        assert isinstance(result, FilePreview)
        item.preview = result
        if kind == IMPORT and result.ok:
            item.stored = result
            self._ended(item, note=f"Imported {len(result.quotes)} quotes: {status_counts(result)}.")
            self.imported.emit(result)
            self._after_import(item)
            return
        if kind == IMPORT:
            self._ended(item, error="Nothing was stored: the file changed or the database did since "
                                    "the preview. The problems are listed below.")
            return
        self._ended(item)
        if item is self.current and result.needs_date_order and not item.asked_date_order and self.isVisible():
            self.ask_date_order()

    def _ended(self, item: ImportFile, *, error: str = "", note: str = "") -> None:
        item.job, item.job_kind = None, ""
        item.error, item.note = error, note
        self._refresh(item)
        self.file_updated.emit(item)

    def _after_import(self, item: ImportFile) -> None:
        if len(self.items) == 1:
            self.accept()
            return
        if item is self.current:
            for position, other in enumerate(self.items):
                if other.stored is None and other.job is None:
                    self.file_list.setCurrentRow(position)
                    break

    def _cancel_shown(self) -> None:
        if self.current.job is not None:
            self.current.job.cancel()
            self.progress_text.setText("Cancelling…")

    def reject(self) -> None:
        """Close, or while files are being stored, cancel that first (nothing half-stored)."""
        importing = [item for item in self.busy_jobs() if item.job_kind == IMPORT]
        for item in self.busy_jobs():
            assert item.job is not None
            item.job.cancel()
        if importing:
            self.message.setText("Cancelling the import…")
            return
        super().reject()

    # -- commands -------------------------------------------------------------------------

    def ask_date_order(self) -> None:
        item = self.current
        item.asked_date_order = True
        labels = [label for label, _ in DATE_ORDERS]
        current = [order for _, order in DATE_ORDERS].index(item.options.read.date_order or "dmy")
        choice, ok = QInputDialog.getItem(
            self, "Date order", f"Dates in {item.path.name} such as 03/04/2026 could be day first "
                                "or month first.\nHow does this file write them?", labels, current, False)
        if not ok or choice not in labels:
            return
        order: DateOrder = "mdy" if choice == DATE_ORDERS[1][0] else "dmy"
        read = ReadOptions(date_order=order, decimal_comma=item.options.read.decimal_comma)
        item.options = ImportOptions(item.options.mapping, item.options.columns, read)
        self.preview(item)

    def edit_columns(self) -> None:
        item = self.current
        if item.preview is None:
            return
        dialog = MappingDialog(self.store, item.preview, item.options, self)
        self.mapping_dialog = dialog

        def chosen() -> None:
            item.options = dialog.options()
            self.preview(item)

        dialog.accepted.connect(chosen)
        dialog.finished.connect(self._mapping_closed)
        dialog.open()

    def _mapping_closed(self, _result: int) -> None:
        if self.mapping_dialog is not None:
            self.mapping_dialog.deleteLater()
            self.mapping_dialog = None

    def save_errors(self) -> None:
        item = self.current
        preview = item.preview
        if preview is None or preview.ok or preview.layout is None:
            return
        suggested = item.path.with_name(f"{item.path.stem} - errors.xlsx")
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save Errors As", str(suggested),
                                                      "Excel workbook (*.xlsx)")
        if not chosen:
            return
        target = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")

        def work(progress: Progress) -> tuple[Path, int]:
            progress.step(0, 1, f"Writing {target.name}")
            return target, write_error_workbook(preview, target)

        item.error, item.note = "", ""
        self._start(item, ERRORS, work)

    # -- showing ------------------------------------------------------------------------

    def _refresh(self, item: ImportFile) -> None:
        position = self.items.index(item)
        sign, colour, words = item.mark()
        list_item = self.file_list.item(position)
        list_item.setText(f"{sign}  {item.path.name}" + ("  (imported)" if item.stored is not None else ""))
        list_item.setToolTip(f"{item.path}\n{words}")
        list_item.setForeground(QBrush(colour) if colour is not None else QBrush())
        if item is self.current:
            self._show()
        else:
            self._update_buttons()

    def _show(self) -> None:
        item = self.current
        preview = item.preview
        self.title.setText(item.path.name)
        self.title.setToolTip(str(item.path))
        self._show_progress(item)
        self._show_message(item)
        self.summary.setText(self._summary(item))
        if self._shown is None or self._shown[0] is not item or self._shown[1] is not preview:
            self._shown = (item, preview)  # rebuilt only for another file or preview: keeps the selection
            self._show_facts(preview)
            self.model.set_preview(preview.layout if preview else None, preview.problems if preview else ())
            self._fit_columns()
            self._show_problems(preview)
            self._show_quotes(preview)
            if preview is not None:
                self.tabs.setCurrentWidget(self.quotes if preview.ok else self.problems)
        self._update_buttons()

    def _show_progress(self, item: ImportFile) -> None:
        self.busy.setVisible(item.job is not None)
        done, total, text = item.progress
        self.progress.setRange(0, total if total > 0 else 0)
        self.progress.setValue(min(done, total) if total > 0 else 0)
        self.progress_text.setText(text)

    def _show_message(self, item: ImportFile) -> None:
        text = item.error or item.note
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setStyleSheet("color: #b91c1c;" if item.error else "")

    @staticmethod
    def _summary(item: ImportFile) -> str:
        preview = item.stored or item.preview
        if preview is None:
            return "Reading the file…" if item.job is not None else ""
        if item.stored is not None:
            return f"Imported {noun(len(preview.quotes), 'quote')}: {status_counts(preview)}."
        if preview.ok:
            lines = sum(quote.lines for quote in preview.quotes)
            return (f"No problems. Ready to import {noun(len(preview.quotes), 'quote')} "
                    f"({noun(lines, 'line')}): {status_counts(preview)}.")
        return (f"{noun(len(preview.problems), 'problem')}. Nothing from this file can be imported "
                "until they are fixed; Save Errors As… writes the rows with the reasons beside them.")

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

    def _update_buttons(self) -> None:
        item = self.current
        preview, idle = item.preview, item.job is None
        self.import_button.setEnabled(item.can_import)
        self.errors_button.setEnabled(idle and preview is not None and not preview.ok and preview.layout is not None)
        self.columns_button.setEnabled(idle and item.stored is None and preview is not None
                                       and (preview.layout is not None or preview.workbook is not None))
        self.date_button.setVisible(preview is not None and (preview.needs_date_order
                                                            or item.options.read.date_order is not None))
        self.date_button.setEnabled(idle and item.stored is None)
        self.retry_button.setVisible(idle and item.stored is None and (preview is None or not preview.ok))
        ready = [other for other in self.items if other.can_import]
        self.import_all_button.setVisible(len(self.items) > 1)
        self.import_all_button.setEnabled(bool(ready))
        self.import_all_button.setText(f"Import {noun(len(ready), 'File')}" if ready else "Import All")
        importing = any(other.job_kind == IMPORT for other in self.items)
        self.close_button.setText("Cancel" if importing else "Close")
        self.batch.setText(self._batch_summary())

    def _batch_summary(self) -> str:
        stored = sum(1 for item in self.items if item.stored is not None)
        busy = sum(1 for item in self.items if item.job is not None)
        failed = sum(1 for item in self.items if item.job is None and item.stored is None
                     and (item.error or (item.preview is not None and not item.preview.ok)))
        parts = [f"{stored} of {noun(len(self.items), 'file')} imported"]
        if busy:
            parts.append(f"{busy} being read or stored")
        if failed:
            parts.append(f"{failed} with problems")
        return "; ".join(parts) + "."

    # -- problems to cells ----------------------------------------------------------------

    def _problem_chosen(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        preview = self.current.preview
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
