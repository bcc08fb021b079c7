"""Order ▸ Packing Slips and Pick List: the PDFs for the selected orders, built off the GUI thread, then previewed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from qtc_desktop.services.progress import Progress

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.paperwork_build import PaperworkBuild
    from qtc_desktop.ui.paperwork_dialog import PdfPreviewDialog


class PaperworkActions(QObject):
    """Owns the Packing Slips and Pick List actions, the latest build and the previews it opened."""

    def __init__(self, window: MainWindow, selected_orders: Callable[[], list[int]], parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._selected_orders = selected_orders
        self.latest: PaperworkBuild | None = None  # the latest build of packing slips or a pick list
        self.previews: list[PdfPreviewDialog] = []
        self.action_packing_slips = QAction("Packing S&lips…", window)
        self.action_packing_slips.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action_packing_slips.setStatusTip("A packing slip for every shipment of the selected orders (an order "
                                               "slip for an order not shipped yet), in one PDF to print or save")
        self.action_packing_slips.triggered.connect(lambda _checked=False: self.print_packing_slips())
        self.action_pick_list = QAction("Pic&k List…", window)
        self.action_pick_list.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.action_pick_list.setStatusTip("What to fetch for the selected orders, by warehouse and bin in walking "
                                           "order, as a PDF to print or save")
        self.action_pick_list.triggered.connect(lambda _checked=False: self.print_pick_list())

    def print_packing_slips(self) -> PaperworkBuild | None:
        """Order ▸ Packing Slips: every shipment's slip of the selected orders in one PDF, previewed."""
        from qtc_desktop.ui.paperwork_build import build_packing_slips

        order_ids = self._selected_orders()
        store, preferences = self.window.store, replace(self.window.preferences)
        return self._build_paperwork("Packing slips", order_ids, lambda folder, progress: build_packing_slips(
            store, order_ids, preferences, folder, progress))

    def print_pick_list(self) -> PaperworkBuild | None:
        """Order ▸ Pick List: one pick list for the selected orders, previewed."""
        from qtc_desktop.ui.paperwork_build import build_pick_list

        order_ids = self._selected_orders()
        store, preferences = self.window.store, replace(self.window.preferences)
        return self._build_paperwork("Pick list", order_ids, lambda folder, progress: build_pick_list(
            store, order_ids, preferences, folder, progress))

    def _build_paperwork(self, title: str, order_ids: list[int],
                         write: Callable[[Path, Progress], Path]) -> PaperworkBuild | None:
        from qtc_desktop.ui.paperwork_build import PaperworkBuild

        if not order_ids:
            return None
        previous = self.latest
        if previous is not None and shiboken6.isValid(previous) and previous.progress is None:
            previous.deleteLater()  # done: its preview (if any) lives on by itself
        build = PaperworkBuild(self.window, self.window.jobs, self.window.settings, title, write)
        build.opened.connect(self._preview_opened)
        build.failed.connect(lambda message: self._warn(title, message))
        build.cancelled.connect(lambda: self.window.statusBar().showMessage(
            f"{title} cancelled; nothing was written", 5000))
        self.latest = build
        build.start()
        return build

    def _preview_opened(self, preview: PdfPreviewDialog) -> None:
        self.previews.append(preview)
        preview.finished.connect(lambda _result, made=preview: self._preview_closed(made))
        count = preview.page_count()
        self.window.statusBar().showMessage(
            f"{preview.pdf.title}: {count:,} page{'' if count == 1 else 's'} ready to print or save", 8000)

    def _preview_closed(self, preview: PdfPreviewDialog) -> None:
        if preview in self.previews:
            self.previews.remove(preview)
        preview.deleteLater()

    def close_previews(self) -> None:
        for preview in list(self.previews):
            if shiboken6.isValid(preview):
                preview.close()  # and its temporary PDF goes

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)
