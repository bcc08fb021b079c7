"""Export for ERP: which orders, in which layout, written to a workbook off the GUI thread."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.exporting.layouts import BUILT_IN, layout_named, layout_names
# The export job looks export_orders up in this module when it runs: tests replace it here.
from qtc_desktop.services.exporting.service import ExportResult, export_orders, orders_to_export
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store
from qtc_desktop.ui.export_choices import (
    CHANGED,
    LAYOUT_TITLES,
    LISTED,
    SELECTED,
    OrderCounts,
    choice_texts,
    chosen_ids,
    count_orders,
    describe_layout,
    describe_view,
    exportable_orders,
    noun,
    orders_note,
)
from qtc_desktop.ui.job_progress import JobProgress
from qtc_desktop.ui.labels import ERROR_STYLE, plain_label
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.list_page import ListPage



@dataclass(frozen=True)
class Exported:
    result: ExportResult
    left_out: int  # chosen orders that may not go to the ERP (drafts, held, cancelled)

    def message(self) -> str:
        text = f"{noun(len(self.result.orders), 'order')}, {noun(self.result.lines, 'line')} → {self.result.path}"
        if self.result.csv_files:
            text += f" (and {noun(len(self.result.csv_files), 'CSV file')})"
        if self.left_out:
            text += f"; {self.left_out} not released, left out"
        return text


class ExportDialog(QDialog):
    """Choose the orders (selected, listed, changed since the last export), a layout and a file."""

    # What was written, as a sentence for the status bar ("12 orders, 40 lines → /path/file.xlsx").
    exported = Signal(str)

    def __init__(self, store: Store, jobs: JobRunner, settings: QSettings, who: str, orders_page: ListPage,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export for ERP")
        self.store, self.jobs, self.settings, self.who = store, jobs, settings, who
        self.counts: OrderCounts | None = None
        self.job: Job | None = None
        self.exporting = False
        self.outcome: Exported | None = None
        self.layout_editor: QDialog | None = None

        # -- which orders
        self.choice_selected = QRadioButton()
        self.choice_selected.setObjectName("choiceSelected")
        self.choice_listed = QRadioButton()
        self.choice_listed.setObjectName("choiceListed")
        self.choice_changed = QRadioButton()
        self.choice_changed.setObjectName("choiceChanged")
        self.choices = QButtonGroup(self)
        orders_box = QGroupBox("Orders")
        orders_column = QVBoxLayout(orders_box)
        for button in (self.choice_selected, self.choice_listed, self.choice_changed):
            self.choices.addButton(button)
            orders_column.addWidget(button)
            button.toggled.connect(lambda _on: self._update())
        self.orders_note = plain_label("ordersNote", grey=True)
        orders_column.addWidget(self.orders_note)

        # -- layout and files
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("layout")
        self.layout_combo.setMinimumContentsLength(34)
        self.layout_combo.currentIndexChanged.connect(lambda _index: self._layout_chosen())
        self.layouts_button = QPushButton("&Layouts…")
        self.layouts_button.setObjectName("layoutsButton")
        self.layouts_button.setAutoDefault(False)
        self.layouts_button.setToolTip("Define your own layouts: choose, rename and order the columns")
        self.layouts_button.clicked.connect(self.edit_layouts)
        layout_row = QHBoxLayout()
        layout_row.addWidget(self.layout_combo, 1)
        layout_row.addWidget(self.layouts_button)
        self.layout_note = plain_label("layoutNote", grey=True)
        self.csv_box = QCheckBox("Also write a CSV file of each sheet")
        self.csv_box.setObjectName("alsoCsv")
        self.csv_box.setToolTip("UTF-8 CSV beside the workbook. Text that starts like a formula (=, +, -, @) gets a "
                                "leading apostrophe there, so that a spreadsheet app keeps it text.")
        self.csv_box.setChecked(str(settings.value("export/csv", "false")) == "true")
        form = QFormLayout()
        layout_label = QLabel("La&yout:")
        layout_label.setBuddy(self.layout_combo)  # a row holding a layout gets no buddy by itself
        form.addRow(layout_label, layout_row)
        form.addRow("", self.layout_note)
        form.addRow("", self.csv_box)

        self.intro = plain_label("intro", grey=True)
        self.intro.setText("Ready orders become “sent to ERP”; every exported order loses its “changed since "
                           "export” mark. The workbook keeps a key on each row so the ERP team's copy can be "
                           "taken back.")
        self.progress = JobProgress()
        self.message = plain_label("message")
        self.message.hide()
        self.export_button = QPushButton("&Export…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_file_and_export)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        column = QVBoxLayout(self)
        column.addWidget(orders_box)
        column.addLayout(form)
        column.addWidget(self.intro)
        column.addStretch(1)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        column.addLayout(buttons)
        self.setMinimumWidth(620)

        self._selected_ids = tuple(orders_page.selected_ids())
        self._query = orders_page.model.query
        self._view = describe_view(orders_page)
        self.load_layouts(str(settings.value("export/layout", "generic")))
        self._count_orders()

    # -- counting -----------------------------------------------------------------------

    def _count_orders(self) -> None:
        """Which orders each choice names, counted off the GUI thread (the list may hold 100,000)."""
        store, selected, query = self.store, self._selected_ids, self._query

        def work(progress: Progress) -> OrderCounts:
            progress.step(0, 1, "Counting the orders")
            with store.session() as session:  # reads only
                return count_orders(session, selected, query)

        self._set_choice_texts(None)
        self._run(work, None, self._counted)

    def _counted(self, counts: OrderCounts) -> None:
        self.counts = counts
        self._set_choice_texts(counts)
        if self.choices.checkedButton() is None:
            if counts.selected:
                self.choice_selected.setChecked(True)
            elif counts.changed:
                self.choice_changed.setChecked(True)
            else:
                self.choice_listed.setChecked(True)
        self._update()

    def _set_choice_texts(self, counts: OrderCounts | None) -> None:
        choices = (self.choice_selected, self.choice_listed, self.choice_changed)
        for choice, text in zip(choices, choice_texts(counts, self._view)):
            choice.setText(text)
        if counts is None:
            for button in self.choices.buttons():
                button.setEnabled(False)
            return
        self.choice_selected.setEnabled(bool(counts.selected))
        self.choice_listed.setEnabled(bool(counts.listed))
        self.choice_changed.setEnabled(bool(counts.changed))

    def chosen(self) -> str:
        if self.choice_selected.isChecked():
            return SELECTED
        if self.choice_listed.isChecked():
            return LISTED
        return CHANGED

    def _chosen_ids(self) -> tuple[tuple[int, ...], int]:
        """The exportable ids of the chosen orders and how many of them are left out."""
        assert self.counts is not None
        return chosen_ids(self.counts, self.chosen())

    # -- layouts ------------------------------------------------------------------------

    def load_layouts(self, choose: str | None = None) -> None:
        """Fill the layout combo: built-in, then saved; keep (or choose) one by name."""
        wanted = choose or self.layout_name()
        try:
            with self.store.session() as session:
                saved = layout_names(session)
        except USER_ERRORS as exc:
            saved = []
            self._show_message(str(exc), error=True)
        self.layout_combo.blockSignals(True)
        self.layout_combo.clear()
        for name in BUILT_IN:
            self.layout_combo.addItem(LAYOUT_TITLES.get(name, name), name)
        if saved:
            self.layout_combo.insertSeparator(self.layout_combo.count())
        for name in saved:
            self.layout_combo.addItem(name, name)
        self.layout_combo.setCurrentIndex(max(0, self.layout_combo.findData(wanted)))
        self.layout_combo.blockSignals(False)
        self._layout_chosen()

    def layout_name(self) -> str:
        return str(self.layout_combo.currentData() or "generic")

    def _layout_chosen(self) -> None:
        try:
            with self.store.session() as session:
                layout = layout_named(session, self.layout_name())
        except USER_ERRORS as exc:
            self.layout_note.setText(str(exc))
            return
        self.layout_note.setText(describe_layout(layout))

    def edit_layouts(self) -> None:
        from qtc_desktop.ui.export_layout_dialog import ExportLayoutDialog

        name = self.layout_name()
        dialog = ExportLayoutDialog(self.store, self, name=None if name in BUILT_IN else name)
        self.layout_editor = dialog
        dialog.layouts_changed.connect(self.load_layouts)
        dialog.finished.connect(lambda _result: self._layout_editor_closed(dialog))
        dialog.open()

    def _layout_editor_closed(self, dialog: QDialog) -> None:
        if self.layout_editor is dialog:
            self.layout_editor = None
        dialog.deleteLater()

    # -- exporting ----------------------------------------------------------------------

    def suggested_path(self) -> Path:
        folder = Path(str(self.settings.value("export/folder", "") or Path.home()))
        return folder / f"erp-export-{dt.date.today().isoformat()}.xlsx"

    def choose_file_and_export(self) -> None:
        if not self.export_button.isEnabled():
            return
        chosen, _filter = QFileDialog.getSaveFileName(self, "Export for ERP", str(self.suggested_path()),
                                                      "Excel workbook (*.xlsx)")
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the chosen orders to `path` in one transaction: the file and the batch, or neither."""
        if self.counts is None or self.job is not None:
            return
        store, who, layout, csv = self.store, self.who, self.layout_name(), self.csv_box.isChecked()
        choice = self.chosen()
        ids, left_out = self._chosen_ids() if choice != CHANGED else ((), 0)
        self.settings.setValue("export/folder", str(path.parent))
        self.settings.setValue("export/layout", layout)
        self.settings.setValue("export/csv", "true" if csv else "false")

        def work(progress: Progress) -> Exported:
            before = _stamp(path)
            try:
                with store.transaction() as session:
                    orders = (orders_to_export(session, changed=True) if choice == CHANGED
                              else exportable_orders(session, ids))
                    result = export_orders(session, orders, path, layout, who=who, csv=csv, progress=progress)
            except BaseException:
                # The batch was not stored: a workbook written for it would be refused when taken back.
                if _stamp(path) != before:
                    path.unlink(missing_ok=True)
                raise
            return Exported(result, left_out)

        self._show_message("", error=False)
        self._run(work, f"Writing {path.name}…", self._exported, cancelled="Export cancelled; nothing was written.")

    def _exported(self, exported: Exported) -> None:
        self.outcome = exported
        self.exported.emit(exported.message())
        self.accept()

    # -- jobs and state -------------------------------------------------------------------

    def _run(self, work: Callable[[Progress], Any], text: str | None, done: Callable[[Any], None], *,
             cancelled: str = "") -> None:
        """Start a job; with `text`, its progress shows and closing the dialog cancels it first."""
        job = Job(work)
        self.job, self.exporting = job, text is not None
        job.signals.succeeded.connect(done)
        job.signals.failed.connect(lambda message: self._show_message(message, error=True))
        job.signals.cancelled.connect(lambda: self._show_message(cancelled, error=False))
        job.signals.finished.connect(lambda: self._job_finished(job))
        if text is not None:
            self.progress.follow(job, text)
        self.jobs.start(job)
        self._update()

    def _job_finished(self, job: Job) -> None:
        if self.job is job:
            self.job, self.exporting = None, False
        self._update()

    def busy(self) -> bool:
        return self.job is not None

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setVisible(bool(text))

    def _update(self) -> None:
        idle, counts = self.job is None, self.counts
        for widget in (self.layout_combo, self.layouts_button, self.csv_box):
            widget.setEnabled(idle)
        if counts is not None:
            self.choice_selected.setEnabled(idle and bool(counts.selected))
            self.choice_listed.setEnabled(idle and bool(counts.listed))
            self.choice_changed.setEnabled(idle and bool(counts.changed))
        note, ready = orders_note(counts, self.chosen()) if counts is not None else ("", False)
        self.orders_note.setText(note)
        self.orders_note.setVisible(bool(note))
        self.export_button.setEnabled(idle and ready)
        self.close_button.setText("Cancel" if self.exporting else "Close")

    def reject(self) -> None:
        """Close; while an export runs, cancel it first (nothing is half-written)."""
        if self.exporting:
            self.progress.cancel()
            return
        if self.job is not None:
            self.job.cancel()  # only counting: nothing to wait for
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.exporting:
            self.progress.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def _stamp(path: Path) -> tuple[int, int] | None:
    """Enough of a file's identity to tell whether an export replaced it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns
