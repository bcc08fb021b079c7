"""The Import Quotes window: preview each file, show every problem where it is, then store it whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.importing.building import DateOrder, ReadOptions
from qtc_desktop.services.importing.error_workbook import write_error_workbook
from qtc_desktop.services.importing.service import FilePreview, ImportOptions, import_file, preview_file
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store
from qtc_desktop.ui.import_files import DATE_ORDERS, ERRORS, IMPORT, PREVIEW, ImportFile, noun, status_counts
from qtc_desktop.ui.import_preview_panel import ImportPreviewPanel
from qtc_desktop.ui.import_summary import batch_summary, cancelled_note, file_summary
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.labels import plain_label
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
        self.batch = plain_label("batch")  # how the files stand, together
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
        self.summary = plain_label("summary")
        self.message = plain_label("message")
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress_text = plain_label("progressText")
        self.cancel_job = QPushButton("Cancel")
        self.cancel_job.setObjectName("cancelJob")
        self.cancel_job.clicked.connect(self._cancel_shown)
        self.busy = QWidget()
        busy_row = QHBoxLayout(self.busy)
        busy_row.setContentsMargins(0, 0, 0, 0)
        busy_row.addWidget(self.progress_text, 2)
        busy_row.addWidget(self.progress, 3)
        busy_row.addWidget(self.cancel_job)

        self.preview_panel = shown = ImportPreviewPanel(self.fontMetrics().height() + 8)
        # Its parts stay the dialog's too: the tests (and anyone holding the dialog) read dialog.table, ...
        self.notes, self.columns, self.facts = shown.notes, shown.columns, shown.facts
        self.model, self.table, self.splitter = shown.model, shown.table, shown.splitter
        self.problems, self.quotes, self.tabs = shown.problems, shown.quotes, shown.tabs

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
        for widget in (self.title, self.summary, self.busy, self.message):
            panel.addWidget(widget)
        panel.addWidget(self.preview_panel, 1)
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

    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

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
        job.signals.cancelled.connect(lambda: self._ended(item, note=cancelled_note(kind)))
        self.jobs.start(job)
        self._refresh(item)

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
        self.summary.setText(file_summary(item))
        if self._shown is None or self._shown[0] is not item or self._shown[1] is not preview:
            self._shown = (item, preview)  # rebuilt only for another file or preview: keeps the selection
            self.preview_panel.show_preview(preview)
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
        self.batch.setText(batch_summary(self.items))
