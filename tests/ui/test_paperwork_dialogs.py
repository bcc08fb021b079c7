"""Packing slips and pick lists from the Orders list, as a coordinator makes them: built off the GUI
thread behind a progress dialog, previewed page by page, printed and saved; and the company block
in the Preferences."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pypdfium2
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog, QPushButton, QToolButton
from sqlalchemy import select

from window_helpers import make_window
from qtc_desktop.domain import FulfillmentOrder, Shipment
from qtc_desktop.resources import resource_path
from qtc_desktop.services.paperwork.printing import PaperworkRefused
from qtc_desktop.services.preferences import Preferences, load_preferences
from qtc_desktop.ui import paperwork_build, pdf_pages
from qtc_desktop.ui.main_window import TAB_ORDERS, TAB_QUOTES, MainWindow
from qtc_desktop.ui.paperwork_build import PaperworkBuild
from qtc_desktop.ui.paperwork_dialog import PdfPreviewDialog
from qtc_desktop.ui.preferences import PreferencesDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """What QMessageBox.warning would have shown, instead of a modal box."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


@pytest.fixture
def temp_dir(monkeypatch, tmp_path) -> Path:
    """The system's temporary folder, for this test alone: what is left in it can be seen."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _shipped_orders(store, count: int) -> dict[int, list[str]]:
    """The first `count` orders that have shipments, with their shipment numbers."""
    with store.session() as session:
        rows = session.execute(select(Shipment.order_id, Shipment.number).order_by(Shipment.order_id, Shipment.id))
        shipped: dict[int, list[str]] = {}
        for order_id, number in rows:
            if order_id in shipped or len(shipped) < count:
                shipped.setdefault(order_id, []).append(number)
    assert len(shipped) == count, "the sample data has too few shipped orders"
    return shipped


def _unshipped_order(store) -> tuple[int, str]:
    with store.session() as session:
        order = session.scalars(select(FulfillmentOrder).where(~FulfillmentOrder.shipments.any())
                                .order_by(FulfillmentOrder.id).limit(1)).one()
        return order.id, order.number


def _orders_page_with(window: MainWindow, order_ids) -> object:
    window.tabs.setCurrentIndex(TAB_ORDERS)
    page = window.current_page()
    selection = page.table.selectionModel()
    selection.clearSelection()
    for order_id in order_ids:
        row = page.model.row_of(order_id)
        assert row is not None
        selection.select(page.model.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    return page


def _finish(qtbot, build: PaperworkBuild) -> PaperworkBuild:
    """Wait for the job: the build's progress dialog goes when it ends."""
    if build.progress is not None:
        with qtbot.waitSignal(build.finished, timeout=60_000):
            pass
    return build


def _preview(qtbot, window: MainWindow) -> PdfPreviewDialog:
    build = window.order_actions.paperwork
    assert build is not None
    _finish(qtbot, build)
    assert build.preview is not None
    return build.preview


def _pdf_pages(path: Path) -> tuple[int, str]:
    """The page count and the whole text of a PDF, as pypdfium2 reads them."""
    document = pypdfium2.PdfDocument(path)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return len(document), "\n".join(texts)
    finally:
        document.close()


# -- packing slips --------------------------------------------------------------------------


def test_packing_slips_for_the_selected_orders_preview_every_shipment(qtbot, filled_store, settings,
                                                                       warnings, temp_dir) -> None:
    shipped = _shipped_orders(filled_store, 2)
    unshipped_id, unshipped_number = _unshipped_order(filled_store)
    window = make_window(qtbot, filled_store, settings)
    actions = window.order_actions
    page = _orders_page_with(window, [*shipped, unshipped_id])
    assert actions.action_packing_slips.isEnabled() and actions.action_pick_list.isEnabled()

    qtbot.keyClick(page.table, Qt.Key.Key_P, CTRL_SHIFT)
    preview = _preview(qtbot, window)

    assert warnings == []
    assert preview.isVisible() and preview.windowTitle().startswith("Packing slips — ")
    pages, text = _pdf_pages(preview.pdf.path)
    assert preview.page_count() == pages
    assert pages >= sum(len(numbers) for numbers in shipped.values()) + 1  # a slip per shipment, one for the order
    for numbers in shipped.values():
        for number in numbers:
            assert number in text
    assert f"Packing slip {unshipped_number}" in text  # no shipment yet: the order's own slip
    assert preview.page_label.text() == f"Page 1 of {pages}"
    assert f"{pages} pages ready" in window.statusBar().currentMessage()

    # What the coordinator sees: page 1 rendered to fit the view's width, white paper.
    first = preview.pages.image(0)
    assert not first.isNull()
    assert abs(preview.pages.page_rect(0).width() - (preview.scroll_area.viewport().width() - 28)) <= 1
    assert first.pixelColor(3, 3).name() == "#ffffff"

    preview.scroll_area.verticalScrollBar().setValue(preview.pages.page_rect(pages - 1).top())
    assert preview.page_label.text() == f"Page {pages} of {pages}"

    scratch = preview.pdf.path.parent
    assert scratch.parent == temp_dir
    qtbot.mouseClick(preview.close_button, Qt.MouseButton.LeftButton)
    assert not preview.isVisible()
    assert not scratch.exists()  # the temporary PDF goes with the preview


def test_zoom_in_out_and_back_to_fit_width(qtbot, filled_store, settings, warnings) -> None:
    shipped = _shipped_orders(filled_store, 1)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, shipped)
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)
    with qtbot.waitActive(preview):
        preview.activateWindow()
    fitted, width = preview.zoom_percent(), preview.pages.width()
    assert preview.action_fit_width.isChecked()

    qtbot.keyClick(preview, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom_percent() > fitted and preview.pages.width() > width
    assert not preview.action_fit_width.isChecked()
    assert preview.zoom_label.text() == f"{preview.zoom_percent()}%"
    qtbot.keyClick(preview, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(preview, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom_percent() < fitted
    assert not preview.pages.image(0).isNull()  # rendered afresh at the new size

    qtbot.mouseClick(preview.findChild(QToolButton, "fitWidth"), Qt.MouseButton.LeftButton)
    assert preview.zoom_percent() == fitted and preview.action_fit_width.isChecked()
    preview.resize(preview.width() + 200, preview.height())
    qtbot.waitUntil(lambda: preview.zoom_percent() > fitted)  # fit width follows the window
    preview.close()


def test_cancel_during_the_job_writes_nothing(qtbot, filled_store, settings, warnings, temp_dir,
                                              monkeypatch) -> None:
    shipped = _shipped_orders(filled_store, 3)
    cancelled = threading.Event()
    real_write = paperwork_build.write_packing_slips

    def write_after_cancel(slips, out, preferences, progress):
        assert cancelled.wait(30)  # the coordinator presses Cancel while the slips are being drawn
        return real_write(slips, out, preferences, progress)

    monkeypatch.setattr(paperwork_build, "write_packing_slips", write_after_cancel)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, shipped)
    window.order_actions.action_packing_slips.trigger()
    build = window.order_actions.paperwork
    assert build is not None and build.progress is not None
    cancel_button = build.progress.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"

    with qtbot.waitSignal(build.cancelled, timeout=60_000):
        cancel_button.click()
        cancelled.set()
    _finish(qtbot, build)

    assert build.preview is None and warnings == []
    assert list(temp_dir.iterdir()) == []  # no PDF, no half-written file, no folder
    assert window.statusBar().currentMessage() == "Packing slips cancelled; nothing was written"


def test_a_refused_document_is_explained_and_leaves_nothing(qtbot, filled_store, settings, warnings, temp_dir,
                                                            monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PaperworkRefused("The font DejaVuSans.ttf is missing; reinstall qtc-desktop.")

    monkeypatch.setattr(paperwork_build, "write_packing_slips", refuse)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, _shipped_orders(filled_store, 1))
    window.order_actions.action_packing_slips.trigger()
    build = _finish(qtbot, window.order_actions.paperwork)
    assert build.preview is None
    assert warnings == ["The font DejaVuSans.ttf is missing; reinstall qtc-desktop."]
    assert list(temp_dir.iterdir()) == []


# -- print and save -------------------------------------------------------------------------


def _print_to(monkeypatch, target: Path, *, pages: tuple[int, int] | None = None) -> list[QPrintDialog]:
    """QPrintDialog.exec accepting at once, printing to a PDF file (and a page range if given)."""
    shown: list[QPrintDialog] = []

    def accept(dialog: QPrintDialog) -> int:
        shown.append(dialog)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        if pages is not None:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*pages)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return shown


def test_print_sends_every_page_through_the_print_dialog(qtbot, filled_store, settings, warnings, tmp_path,
                                                         monkeypatch) -> None:
    printed = tmp_path / "printed.pdf"
    shown = _print_to(monkeypatch, printed)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, _shipped_orders(filled_store, 2))
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)
    with qtbot.waitActive(preview):
        preview.activateWindow()

    with qtbot.waitSignal(preview.printed, timeout=60_000) as blocker:
        qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    assert len(shown) == 1 and warnings == []
    assert blocker.args == [preview.page_count()]
    count, _text = _pdf_pages(printed)
    assert count == preview.page_count()
    document = pypdfium2.PdfDocument(printed)
    try:
        width, height = document.get_page_size(0)
    finally:
        document.close()
    expected_width, expected_height = preview.pdf.page_sizes[0]
    assert abs(width - expected_width) < 2 and abs(height - expected_height) < 2  # A4 stays A4
    assert str(printed) in preview.message.text()
    preview.close()


def test_print_honours_a_page_range(qtbot, filled_store, settings, warnings, tmp_path, monkeypatch) -> None:
    printed = tmp_path / "second-page.pdf"
    _print_to(monkeypatch, printed, pages=(2, 2))
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, _shipped_orders(filled_store, 2))
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)
    assert preview.page_count() >= 2

    with qtbot.waitSignal(preview.printed, timeout=60_000) as blocker:
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)

    assert blocker.args == [1]
    assert _pdf_pages(printed)[0] == 1
    preview.close()


def test_cancel_while_printing_to_a_file_leaves_no_partial_file(qtbot, filled_store, settings, warnings, tmp_path,
                                                                monkeypatch) -> None:
    printed = tmp_path / "printed.pdf"
    _print_to(monkeypatch, printed)
    go = threading.Event()
    real_render = pdf_pages.render_page

    def render_when_told(document, index, scale):
        if threading.current_thread() is not threading.main_thread():  # the print job, not the preview
            assert go.wait(30)
        return real_render(document, index, scale)

    monkeypatch.setattr(pdf_pages, "render_page", render_when_told)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, _shipped_orders(filled_store, 2))
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)

    job = preview.print_document()
    assert job is not None
    progress = preview.findChild(QProgressDialog)
    with qtbot.waitSignal(job.signals.finished, timeout=60_000):
        progress.findChild(QPushButton).click()
        go.set()

    assert preview.message.text() == "Printing cancelled."
    assert not printed.exists() and warnings == []
    assert preview.print_job is None
    preview.close()


def test_save_as_copies_the_pdf(qtbot, filled_store, settings, warnings, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    asked: list[str] = []

    def choose(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(folder / "for-the-dock"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    window = make_window(qtbot, filled_store, settings)
    _orders_page_with(window, _shipped_orders(filled_store, 1))
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)

    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)

    saved = folder / "for-the-dock.pdf"
    assert Path(asked[0]).name == preview.pdf.path.name and Path(asked[0]).name.startswith("packing-slip")
    assert saved.read_bytes() == preview.pdf.path.read_bytes()
    assert [path.name for path in folder.iterdir()] == ["for-the-dock.pdf"]  # no temporary file left
    assert str(saved) in preview.message.text()
    assert settings.value("paperwork/folder") == str(folder)
    preview.close()
    assert saved.is_file()  # the saved copy stays when the preview's own goes


# -- pick list ------------------------------------------------------------------------------


def test_pick_list_for_the_selected_orders(qtbot, filled_store, settings, warnings, temp_dir) -> None:
    with filled_store.session() as session:
        orders = session.scalars(select(FulfillmentOrder).order_by(FulfillmentOrder.id).limit(4)).all()
        chosen = {order.id: order.number for order in orders}
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page_with(window, chosen)

    qtbot.keyClick(page.table, Qt.Key.Key_K, CTRL_SHIFT)
    preview = _preview(qtbot, window)

    assert warnings == []
    assert preview.windowTitle() == f"Pick list — {preview.pdf.path.name}"
    count, text = _pdf_pages(preview.pdf.path)
    assert preview.page_count() == count >= 1
    assert "Pick list" in text and "Totals per product" in text
    for number in chosen.values():
        assert number in text
    assert preview.page_label.text() == f"Page 1 of {count}"
    window.close()  # the main window closes the preview, and its temporary PDF goes
    assert not preview.pdf.path.parent.exists()


def test_paperwork_actions_need_selected_orders(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    actions = window.order_actions
    _orders_page_with(window, [])
    assert not actions.action_packing_slips.isEnabled() and not actions.action_pick_list.isEnabled()
    _orders_page_with(window, _shipped_orders(filled_store, 1))
    assert actions.action_packing_slips.isEnabled() and actions.action_pick_list.isEnabled()
    assert actions.action_packing_slips.shortcut().toString() == "Ctrl+Shift+P"
    assert actions.action_pick_list.shortcut().toString() == "Ctrl+Shift+K"
    assert {actions.action_packing_slips, actions.action_pick_list} <= set(actions.menu.actions())
    window.tabs.setCurrentIndex(TAB_QUOTES)
    window.current_page().table.selectRow(0)
    assert not actions.action_packing_slips.isEnabled() and not actions.action_pick_list.isEnabled()


# -- the company block in the Preferences ---------------------------------------------------


def test_preferences_save_the_company_address_and_logo_and_slips_print_them(
        qtbot, filled_store, settings, tmp_path, monkeypatch, warnings) -> None:
    logo = tmp_path / "northwind.png"
    shutil.copyfile(resource_path("logo.png"), logo)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(logo), "PNG or JPEG image"))

    def fill_in(dialog: PreferencesDialog) -> int:
        dialog.company.setText("Northwind Fulfilment GmbH")
        dialog.address.setPlainText("Hafenstraße 12\n20457 Hamburg\nGermany")
        qtbot.mouseClick(dialog.findChild(QPushButton, "chooseLogo"), Qt.MouseButton.LeftButton)
        assert dialog.logo.text() == str(logo)
        assert dialog.logo_preview.pixmap() is not None and not dialog.logo_preview.pixmap().isNull()
        return PreferencesDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", fill_in)
    window = make_window(qtbot, filled_store, settings)
    window.action_preferences.trigger()

    saved = load_preferences()
    assert saved.company_address == "Hafenstraße 12\n20457 Hamburg\nGermany"
    assert saved.company_logo == str(logo)
    assert window.preferences.company_address == saved.company_address

    _orders_page_with(window, _shipped_orders(filled_store, 1))
    window.order_actions.action_packing_slips.trigger()
    preview = _preview(qtbot, window)
    _count, text = _pdf_pages(preview.pdf.path)
    assert "Northwind Fulfilment GmbH" in text and "Hafenstraße 12" in text and "20457 Hamburg" in text
    preview.close()


def test_preferences_refuse_a_logo_that_is_no_image_and_clear_goes_back_to_the_bundled_one(
        qtbot, tmp_path) -> None:
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("this is text")
    dialog = PreferencesDialog(Preferences(company_logo=str(not_an_image), company_address="Line 1\nLine 2"))
    qtbot.addWidget(dialog)
    assert dialog.address.toPlainText() == "Line 1\nLine 2"

    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.isVisibleTo(dialog) and "not a PNG or JPEG image" in dialog.problem.text()

    qtbot.mouseClick(dialog.findChild(QPushButton, "clearLogo"), Qt.MouseButton.LeftButton)
    assert dialog.logo.text() == ""
    assert not dialog.logo_preview.pixmap().isNull()  # the bundled logo, shown
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.preferences().company_logo == ""
    assert dialog.preferences().company_address == "Line 1\nLine 2"
