"""Packing paperwork on screen: the PDF's pages previewed, zoomed, printed and saved."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, QSizeF, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPageSize, QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.paperwork_build import PdfFile, progress_dialog
from qtc_desktop.ui.pdf_pages import GAP, PageStack, close_pdf, open_pdf, pages_to_print, print_pages

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.3, 4.0  # pixels per point: about 23% to 300%


class PdfPreviewDialog(QDialog):
    """A PDF's pages to look over, print or save; closing it removes its temporary folder."""

    saved = Signal(Path)
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, pdf: PdfFile, jobs: JobRunner, settings: QSettings, parent: QWidget | None = None, *,
                 scratch: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperworkPreview")
        self.setWindowTitle(f"{pdf.title} — {pdf.path.name}")
        self.pdf, self.jobs, self.settings, self.scratch = pdf, jobs, settings, scratch
        self.fit_width = True
        self.printer: QPrinter | None = None
        self.print_job: Job | None = None
        self._closed = False
        self.document = open_pdf(pdf.path)

        self.pages = PageStack(self.document, pdf.page_sizes)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("pageScroll")
        self.scroll_area.setWidget(self.pages)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit width never flickers
        self.scroll_area.setBackgroundRole(self.pages.backgroundRole())
        self.scroll_area.viewport().installEventFilter(self)
        self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _value: self._show_page_number())

        self.action_zoom_in = self._action("Zoom In", [QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")],
                                           lambda: self.zoom_by(ZOOM_STEP))
        self.action_zoom_out = self._action("Zoom Out", [QKeySequence.StandardKey.ZoomOut],
                                            lambda: self.zoom_by(1 / ZOOM_STEP))
        self.action_zoom_in.setIconText("+")
        self.action_zoom_out.setIconText("−")
        self.action_fit_width = self._action("Fit Width", [QKeySequence("Ctrl+0")], self.fit_to_width)
        self.action_fit_width.setCheckable(True)
        self.action_print = self._action("Print…", [QKeySequence.StandardKey.Print], self.print_document)
        self.action_save = self._action("Save As…", [QKeySequence.StandardKey.SaveAs, QKeySequence.StandardKey.Save],
                                        self.save_as)

        bar = QHBoxLayout()
        for action, name in ((self.action_zoom_out, "zoomOut"), (self.action_zoom_in, "zoomIn")):
            button = QToolButton()
            button.setObjectName(name)
            button.setDefaultAction(action)
            bar.addWidget(button)
            if action is self.action_zoom_out:
                self.zoom_label = QLabel()
                self.zoom_label.setObjectName("zoom")
                self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("300%") + 8)
                self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                bar.addWidget(self.zoom_label)
        fit = QToolButton()
        fit.setObjectName("fitWidth")
        fit.setDefaultAction(self.action_fit_width)
        bar.addWidget(fit)
        bar.addStretch(1)
        self.page_label = QLabel()
        self.page_label.setObjectName("pageNumber")
        bar.addWidget(self.page_label)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = self._button(buttons, "printButton", self.action_print)
        self.save_button = self._button(buttons, "saveButton", self.action_save)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeButton")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(buttons)

        column = QVBoxLayout(self)
        column.addLayout(bar)
        column.addWidget(self.scroll_area, 1)
        column.addLayout(bottom)
        available = (parent or self).screen().availableGeometry()
        self.resize(min(900, available.width() - 40), min(1000, available.height() - 80))  # laptops too
        self._apply_scale(self._fit_scale())
        self.scroll_area.setFocus()

    def _action(self, text: str, keys: Sequence[QKeySequence | QKeySequence.StandardKey],
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    @staticmethod
    def _button(buttons: QDialogButtonBox, name: str, action: QAction) -> QPushButton:
        button = buttons.addButton(action.text(), QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(action.trigger)
        return button

    # -- zoom and pages ---------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self.pdf.page_sizes)

    def current_page(self) -> int:
        """The page at the top third of the view, from 0."""
        viewport = self.scroll_area.viewport()
        return self.pages.page_at(self.scroll_area.verticalScrollBar().value() + viewport.height() // 3)

    def _fit_scale(self) -> float:
        widest = max((width for width, _height in self.pdf.page_sizes), default=1.0)
        return max(MIN_SCALE, (self.scroll_area.viewport().width() - 2 * GAP) / widest)

    def zoom_by(self, factor: float) -> None:
        self.fit_width = False
        self._apply_scale(min(MAX_SCALE, max(MIN_SCALE, self.pages.scale * factor)))

    def fit_to_width(self) -> None:
        self.fit_width = True
        self._apply_scale(self._fit_scale())

    def zoom_percent(self) -> int:
        return round(self.pages.scale * 72 / self.logicalDpiX() * 100)

    def _apply_scale(self, scale: float) -> None:
        """Zoom, keeping the same spot of the same page in view."""
        bar = self.scroll_area.verticalScrollBar()
        anchor = bar.value() + self.scroll_area.viewport().height() // 2
        index = self.pages.page_at(anchor) if self.page_count() else 0
        fraction = 0.0
        if self.page_count():
            rect = self.pages.page_rect(index)
            fraction = (anchor - rect.top()) / max(1, rect.height())
        self.pages.set_scale(scale)
        if self.page_count():
            rect = self.pages.page_rect(index)
            bar.setValue(round(rect.top() + fraction * rect.height()) - self.scroll_area.viewport().height() // 2)
        self.action_fit_width.setChecked(self.fit_width)
        self.action_zoom_in.setEnabled(scale < MAX_SCALE)
        self.action_zoom_out.setEnabled(scale > MIN_SCALE)
        self.zoom_label.setText(f"{self.zoom_percent()}%")
        self._show_page_number()

    def _show_page_number(self) -> None:
        count = self.page_count()
        self.page_label.setText(f"Page {self.current_page() + 1:,} of {count:,}" if count else "No pages")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport():
            if event.type() == QEvent.Type.Resize and self.fit_width and self.page_count():
                self._apply_scale(self._fit_scale())
            elif isinstance(event, QWheelEvent) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
                return True
        return super().eventFilter(watched, event)

    # -- print ------------------------------------------------------------------------------

    def print_document(self) -> Job | None:
        """The system print dialog, then the pages rendered at the printer's resolution on the worker."""
        if self.print_job is not None or not self.page_count():
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.path.stem)
        width, height = self.pdf.page_sizes[0]
        printer.setPageSize(QPageSize(QSizeF(width, height), QPageSize.Unit.Point))
        printer.setFullPage(True)  # the PDF has its own margins
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self.pdf.title}")
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return None
        pages = pages_to_print(printer, self.page_count(), self.current_page())
        path = self.pdf.path
        self.printer = printer
        job = Job(lambda progress: print_pages(path, printer, pages, progress))
        self.print_job = job
        progress = progress_dialog(self, "Print", f"Printing {_pages(len(pages))}…", job)
        job.signals.succeeded.connect(self._printed)
        job.signals.failed.connect(self._print_failed)
        job.signals.cancelled.connect(lambda: self._tell("Printing cancelled."))
        job.signals.finished.connect(lambda: self._print_finished(progress))
        self.jobs.start(job)
        return job

    # The job outlives a preview closed meanwhile: its reports check that the window is still there.

    def _printed(self, count: int) -> None:
        name = self.printer.printerName() if self.printer is not None else ""
        file = self.printer.outputFileName() if self.printer is not None else ""
        self._tell(f"Sent {_pages(count)} to " + (file or name or "the printer") + ".")
        if shiboken6.isValid(self):
            self.printed.emit(count)

    def _print_failed(self, message: str) -> None:
        if shiboken6.isValid(self):
            QMessageBox.warning(self, "Print", message)

    def _tell(self, text: str) -> None:
        if shiboken6.isValid(self.message):
            self.message.setText(text)

    def _print_finished(self, progress: QProgressDialog) -> None:
        if shiboken6.isValid(progress):
            progress.reset()
            progress.deleteLater()
        self.print_job, self.printer = None, None
        if self._closed:  # closed while printing: the file could not go until now
            self._release()

    # -- save -------------------------------------------------------------------------------

    def save_as(self) -> Path | None:
        folder = Path(str(self.settings.value("paperwork/folder", "") or Path.home()))
        chosen, _filter = QFileDialog.getSaveFileName(self, f"Save {self.pdf.title}", str(folder / self.pdf.path.name),
                                                      "PDF document (*.pdf)")
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            copy_whole(self.pdf.path, target)
        except OSError as exc:
            QMessageBox.warning(self, "Save As", f"Could not save {target}: {exc.strerror or exc}. If it is open in "
                                "a PDF viewer, close it and try again.")
            return None
        self.settings.setValue("paperwork/folder", str(target.parent))
        self.message.setText(f"Saved {target}")
        self.saved.emit(target)
        return target

    # -- closing ----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self.print_job is not None:
            self.print_job.cancel()  # the worker still reads the file; it goes when the job ends
        self._closed = True
        self.pages.release()
        if self.document is not None:
            close_pdf(self.document)
            self.document = None
        if self.print_job is None:
            self._release()
        super().done(result)

    def _release(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def copy_whole(source: Path, target: Path) -> None:
    """Copy beside the target, then rename: never half a PDF where the coordinator saved one."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _pages(count: int) -> str:
    return f"{count:,} page" + ("" if count == 1 else "s")
