"""Packing paperwork built off the GUI thread: the PDF written to a temporary folder, with progress."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlalchemy import select

from qtc_desktop.domain import FulfillmentOrder
from qtc_desktop.services.paperwork.documents import SlipRequest, packing_slips, write_packing_slips, write_pick_list
from qtc_desktop.services.preferences import Preferences
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.pdf_pages import page_sizes

if TYPE_CHECKING:
    from qtc_desktop.ui.paperwork_dialog import PdfPreviewDialog


@dataclass(frozen=True)
class PdfFile:
    path: Path
    title: str  # "Packing slips", "Pick list"
    page_sizes: tuple[tuple[float, float], ...]  # (width, height) in points


# -- the documents, written on the worker ---------------------------------------------------


def build_packing_slips(store: Store, order_ids: Sequence[int], preferences: Preferences, folder: Path,
                        progress: Progress) -> Path:
    """Every shipment's slip of the orders (an order slip for one not shipped yet) in one PDF."""
    slips = []
    with store.session() as session:  # reads only; the drawing needs no database
        for done, order_id in enumerate(order_ids):
            progress.step(done, len(order_ids), f"Reading order {done + 1:,} of {len(order_ids):,}")
            slips += packing_slips(session, [SlipRequest(str(order_id))])
    orders = list(dict.fromkeys(slip.order_number for slip in slips))
    if len(slips) == 1:
        name = f"packing-slip-{slips[0].key}"
    elif len(orders) == 1:
        name = f"packing-slips-{orders[0]}"
    else:
        name = f"packing-slips-{len(orders)}-orders-{dt.date.today().isoformat()}"
    return write_packing_slips(slips, folder / _file_name(name), preferences, progress)


def build_pick_list(store: Store, order_ids: Sequence[int], preferences: Preferences, folder: Path,
                    progress: Progress) -> Path:
    """One pick list for all the orders."""
    with store.session() as session:
        if len(order_ids) == 1:
            number = session.scalar(select(FulfillmentOrder.number).where(FulfillmentOrder.id == order_ids[0]))
            name = f"pick-list-{number or order_ids[0]}"
        else:
            name = f"pick-list-{len(order_ids)}-orders-{dt.date.today().isoformat()}"
        return write_pick_list(session, [str(order_id) for order_id in order_ids], folder / _file_name(name),
                               preferences, progress)


def _file_name(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") + ".pdf"


# -- building, with a progress dialog -------------------------------------------------------


def progress_dialog(parent: QWidget, title: str, text: str, job: Job) -> QProgressDialog:
    """A window-modal progress dialog following `job`; its Cancel cancels the job."""
    dialog = QProgressDialog(text, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)

    def show_progress(done: int, total: int, message: str) -> None:
        if dialog.wasCanceled():
            return  # a value after Cancel would show the dialog again
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total))
        if message:
            dialog.setLabelText(message)

    job.signals.progress.connect(show_progress)
    dialog.canceled.connect(job.cancel)
    return dialog


class PaperworkBuild(QObject):
    """One PDF written to a temporary folder off the GUI thread; the preview opens when it is done.

    Cancel (or a failure) removes the folder: nothing is left behind.
    """

    opened = Signal(object)  # the PdfPreviewDialog
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, parent: QWidget, jobs: JobRunner, settings: QSettings, title: str,
                 write: Callable[[Path, Progress], Path]) -> None:
        super().__init__(parent)
        self.parent_widget, self.jobs, self.settings, self.title = parent, jobs, settings, title
        self.folder = Path(tempfile.mkdtemp(prefix="qtc-paperwork-"))
        self.preview: PdfPreviewDialog | None = None
        folder = self.folder

        def work(progress: Progress) -> PdfFile:
            try:
                path = write(folder, progress)
                return PdfFile(path, title, page_sizes(path))
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise

        self.job = Job(work)
        self.progress: QProgressDialog | None = progress_dialog(parent, title, f"Preparing the {title.lower()}…",
                                                                self.job)
        self.job.signals.succeeded.connect(self._built)
        self.job.signals.failed.connect(self.failed)
        self.job.signals.cancelled.connect(self.cancelled)
        self.job.signals.finished.connect(self._finished)

    def start(self) -> None:
        self.jobs.start(self.job)

    def cancel(self) -> None:
        """What the progress dialog's Cancel button does."""
        if self.progress is not None:
            self.progress.canceled.emit()

    def _built(self, pdf: PdfFile) -> None:
        if self.progress is not None and self.progress.wasCanceled():  # Cancel came as the job ended
            shutil.rmtree(self.folder, ignore_errors=True)
            self.cancelled.emit()
            return
        from qtc_desktop.ui.paperwork_dialog import PdfPreviewDialog  # which imports this module

        self.preview = PdfPreviewDialog(pdf, self.jobs, self.settings, self.parent_widget, scratch=self.folder)
        self.preview.show()
        self.opened.emit(self.preview)

    def _finished(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self.finished.emit()
