"""PDF pages on screen and on paper, through PDFium (pypdfium2): PySide6-Essentials has no QtPdf."""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from qtc_desktop.services.paperwork.printing import PaperworkRefused
from qtc_desktop.services.progress import Progress

# PDFium is not thread-safe, not even across documents: the preview renders on the GUI thread
# while a job builds or prints on the worker, so every call into it holds this lock.
PDFIUM = threading.Lock()
PRINT_DPI = 300  # a 1200 dpi printer would need 140 MB a page; 300 dpi keeps text and barcodes sharp
GAP = 14  # pixels around and between pages
CACHED_PAGES = 12


def page_sizes(path: Path) -> tuple[tuple[float, float], ...]:
    import pypdfium2  # here, not at the top: start-up does not pay for PDFium

    with PDFIUM:
        document = pypdfium2.PdfDocument(path)
        try:
            return tuple(tuple(document.get_page_size(index)) for index in range(len(document)))
        finally:
            document.close()


def open_pdf(path: Path) -> Any:
    import pypdfium2

    with PDFIUM:
        return pypdfium2.PdfDocument(path)


def close_pdf(document: Any) -> None:
    with PDFIUM:
        document.close()


def render_page(document: Any, index: int, scale: float) -> QImage:
    """Page `index` at `scale` pixels per point; the image owns its pixels."""
    with PDFIUM:
        page = document[index]
        try:
            bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
            try:
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGBX8888)
                return image.copy()  # the buffer goes with the bitmap
            finally:
                bitmap.close()
        finally:
            page.close()


class PageStack(QWidget):
    """The pages one under another, each rendered when it first comes into view."""

    def __init__(self, document: Any, sizes: Sequence[tuple[float, float]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pages")
        self.document, self.sizes = document, list(sizes)
        self.scale = 1.0  # pixels per point
        self.tops: list[int] = []
        self._images: OrderedDict[int, QImage] = OrderedDict()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.set_scale(self.scale)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._images.clear()
        self.tops, y = [], GAP
        for _width, height in self.sizes:
            self.tops.append(y)
            y += round(height * scale) + GAP
        widest = max((width for width, _height in self.sizes), default=0)
        self.setFixedSize(round(widest * scale) + 2 * GAP, y)
        self.update()

    def page_rect(self, index: int) -> QRect:
        width, height = self.sizes[index]
        shown = round(width * self.scale)
        return QRect((self.width() - shown) // 2, self.tops[index], shown, round(height * self.scale))

    def page_at(self, y: int) -> int:
        return max(0, min(len(self.sizes) - 1, bisect_right(self.tops, y) - 1))

    def image(self, index: int) -> QImage:
        image = self._images.get(index)
        if image is None:
            rect, ratio = self.page_rect(index), self.devicePixelRatioF()
            image = render_page(self.document, index, rect.width() * ratio / self.sizes[index][0])
            image.setDevicePixelRatio(ratio)
            self._images[index] = image
            while len(self._images) > CACHED_PAGES:
                self._images.popitem(last=False)
        self._images.move_to_end(index)
        return image

    def release(self) -> None:
        self._images.clear()
        self.document = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = event.rect()
        painter.fillRect(area, self.palette().dark())
        if self.document is None or not self.sizes:
            return
        for index in range(self.page_at(area.top()), len(self.sizes)):
            rect = self.page_rect(index)
            if rect.top() > area.bottom():
                break
            painter.fillRect(rect.translated(2, 3), QColor(0, 0, 0, 70))
            painter.drawImage(rect, self.image(index))


def pages_to_print(printer: QPrinter, count: int, current: int) -> list[int]:
    """The pages (from 0) the print dialog asked for: all, a range, or the current page."""
    match printer.printRange():
        case QPrinter.PrintRange.PageRange if printer.fromPage() > 0:
            pages = list(range(printer.fromPage() - 1, min(count, printer.toPage() or count)))
        case QPrinter.PrintRange.CurrentPage:
            pages = [current]
        case _:
            pages = list(range(count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def print_pages(path: Path, printer: QPrinter, pages: Sequence[int], progress: Progress) -> int:
    """Render each page at the printer's resolution (at most PRINT_DPI) and paint it on the paper.

    Runs on the worker: Qt paints on a QPrinter from any thread.
    """
    if not pages:
        raise PaperworkRefused("The page range chosen holds no page of this document.")
    document = open_pdf(path)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise PaperworkRefused(f"The printer {printer.printerName() or printer.outputFileName()} could "
                                   "not be started; check that it is on and connected.")
        scale = min(printer.resolution(), PRINT_DPI) / 72
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for done, index in enumerate(pages):
            progress.step(done, len(pages), f"Printing page {done + 1:,} of {len(pages):,}")
            if done:
                printer.newPage()
            image = render_page(document, index, scale)
            size = QSizeF(image.size()).scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
            left = paper.left() + (paper.width() - size.width()) / 2
            top = paper.top() + (paper.height() - size.height()) / 2
            painter.drawImage(QRect(round(left), round(top), round(size.width()), round(size.height())), image)
        progress.step(len(pages), len(pages), "Finishing")
    except BaseException:
        if painter.isActive():
            printer.abort()
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            Path(printer.outputFileName()).unlink(missing_ok=True)  # printed to a file: no half a PDF
        raise
    finally:
        if painter.isActive():
            painter.end()
        close_pdf(document)
    return len(pages)
