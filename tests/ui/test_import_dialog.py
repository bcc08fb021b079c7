"""The Import Quotes window, driven as a coordinator drives it, on files the tests write."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QPushButton
from sqlalchemy import func, select

import qtc_desktop.ui.import_dialog as import_dialog_module
from window_helpers import make_window
from qtc_desktop.domain import Quote, QuoteLine
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.importing.service import import_file, mapping_names, preview_file
from qtc_desktop.ui.import_dialog import ImportDialog
from qtc_desktop.ui.import_files import ImportFile
from qtc_desktop.ui.import_preview_model import ProblemsRole, ImportPreviewModel, column_index
from qtc_desktop.ui.main_window import TAB_QUOTES, MainWindow
from qtc_desktop.ui.mapping_dialog import EXTRA, MappingDialog

HEADERS = ["Quote Number", "Account Name", "Product Code", "Product Name", "Quantity", "Net Price",
           "Net Total", "Sales Rep"]
LINES = [
    ["Q-1001", "Northwind Traders Ltd", "HW-SRV-R220", "Rack Server", 2, 6000.5, 12001, "Dana"],
    ["Q-1001", "Northwind Traders Ltd", "SUB-CLOUD-STD", "Cloud Management", 10, 96, 960, "Dana"],
    ["Q-1002", "Contoso GmbH", "SVC-INSTALL", "Installation", 1.5, 1250, 1875, "Kim"],
]
FOREIGN = ["Angebot", "Kunde", "Artikel", "Menge", "Nettobetrag", "Vertriebsgebiet"]


# -- files a CPQ export or a colleague would send ---------------------------------------

def write_xlsx(path: Path, lines: list[list[object]]) -> Path:
    """A report export: a title row and a blank row above the header, a totals row below."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Quote Lines"
    sheet.append(["Accepted quotes, week 14"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(HEADERS)
    for line in lines:
        sheet.append(line)
    sheet.append([None, None, None, "Total", None, None, sum(line[6] for line in lines
                                                             if isinstance(line[6], int | float))])
    workbook.save(path)
    workbook.close()
    return path


def good_file(tmp_path: Path, name: str = "week-14.xlsx") -> Path:
    return write_xlsx(tmp_path / name, LINES)


def bad_file(tmp_path: Path) -> Path:
    lines = [list(line) for line in LINES]
    lines[1][4] = "abc"  # sheet row 5, column E
    return write_xlsx(tmp_path / "week-15.xlsx", lines)


def foreign_csv(tmp_path: Path, name: str = "angebote.csv", quote: str = "A-1") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Angebote April 2026", "", "", "", "", ""])  # a title line above the header
        writer.writerow(FOREIGN)
        writer.writerow([quote, "Müller AG", "HW-1", "2", "100,00", "Süd"])
        writer.writerow([quote, "Müller AG", "SVC-9", "1", "1.250,50", "Süd"])
    return path


# -- driving the window -------------------------------------------------------------------



def open_files(qtbot, window: MainWindow, monkeypatch, *paths: Path) -> ImportDialog:
    """File ▸ Import Quotes… (Ctrl+I) with these files chosen in the file dialog."""
    asked: list[str] = []

    def choose(parent, caption, folder, filters):
        asked.append(filters)
        return [str(path) for path in paths], filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    if not window.isActiveWindow():  # the offscreen platform does not hand focus back after a dialog
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert asked and "*.xlsx" in asked[0] and "*.csv" in asked[0]
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    wait_idle(qtbot, dialog)
    return dialog


def wait_idle(qtbot, dialog: ImportDialog) -> None:
    """Until every file's job (preview, import, writing errors) has come back."""
    qtbot.waitUntil(lambda: not dialog.busy_jobs(), timeout=20000)


def click(qtbot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def quotes_in_list(qtbot, window: MainWindow) -> list[str]:
    window.tab_actions[TAB_QUOTES].trigger()  # View ▸ Quotes
    assert window.tabs.currentIndex() == TAB_QUOTES
    model = window.current_page().model
    return sorted(str(model.data(model.index(row, 0))) for row in range(model.rowCount()))


def count(store, entity: type) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(entity)).scalar_one()


def tree_rows(tree) -> list[list[str]]:
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
            for i in range(tree.topLevelItemCount())]


# -- the tests ------------------------------------------------------------------------------

def test_menu_toolbar_and_shortcut(qtbot, empty_store, settings) -> None:
    window = make_window(qtbot, empty_store, settings)
    file_menu = window.menuBar().actions()[0].menu()
    assert file_menu.actions()[0] is window.action_import
    assert window.action_import.text() == "&Import Quotes…"
    assert window.action_import.shortcut().toString() == "Ctrl+I"
    toolbar = window.findChild(type(window.addToolBar("probe")), "mainToolbar")
    assert window.action_import in toolbar.actions()


def test_a_good_file_is_previewed_then_imported_into_the_quotes_list(
        qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, good_file(tmp_path))
    assert dialog.title.text() == "week-14.xlsx"
    assert not dialog.file_list.isVisible()  # one file: no list of files
    notes = dialog.notes.text()
    assert "Sheet 'Quote Lines', header in row 3" in notes
    mapping = [dialog.columns.item(i).text() for i in range(dialog.columns.count())]
    assert "Quote Number → Quote number" in mapping
    assert "Quantity → Quantity" in mapping
    assert "Sales Rep → kept as extra attribute" in mapping
    assert dialog.tabs.tabText(0) == "Problems (0)"
    assert dialog.tabs.currentWidget() is dialog.quotes
    rows = tree_rows(dialog.quotes)
    assert [(r[0], r[4], r[5], r[6]) for r in rows] == [
        ("Q-1001", "2", "12,961.00 USD", "created"), ("Q-1002", "1", "1,875.00 USD", "created")]
    assert "Ready to import 2 quotes (3 lines)" in dialog.summary.text()
    # The preview shows the sheet from under the header, numbered as the sheet numbers rows.
    assert dialog.model.headerData(0, Qt.Orientation.Horizontal) == "Quote Number"
    assert dialog.model.headerData(0, Qt.Orientation.Vertical) == "4"
    assert dialog.model.data(dialog.model.index(2, 4)) == "1.5"
    assert count(empty_store, Quote) == 0  # a preview stores nothing

    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        click(qtbot, dialog.import_button)
    assert blocker.args[0].ok
    qtbot.waitUntil(lambda: not dialog.isVisible())  # one file: done, the dialog closes
    assert "Imported week-14.xlsx: 2 created, 0 revised, 0 unchanged" in window.statusBar().currentMessage()
    assert quotes_in_list(qtbot, window) == ["Q-1001", "Q-1002"]
    assert not window.empty_banner.isVisible()
    with empty_store.session() as session:
        line = session.execute(select(QuoteLine).where(QuoteLine.product_code == "SVC-INSTALL")).scalar_one()
    assert line.extra == {"Sales Rep": "Kim"}


def test_importing_again_shows_unchanged_and_revised_quotes_with_their_changes(
        qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    with empty_store.transaction() as session:
        assert import_file(session, good_file(tmp_path, "first.xlsx"), who="tester").ok
    changed = [list(line) for line in LINES]
    changed[1][4], changed[1][6] = 12, 1152
    path = write_xlsx(tmp_path / "second.xlsx", changed)
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, path)
    rows = tree_rows(dialog.quotes)
    assert [(r[0], r[1], r[6]) for r in rows] == [("Q-1001", "2", "revised"), ("Q-1002", "1", "unchanged")]
    revised = dialog.quotes.topLevelItem(0)
    assert revised.isExpanded()
    changes = [revised.child(i).text(0) for i in range(revised.childCount())]
    assert any("SUB-CLOUD-STD" in text and "quantity 10 → 12" in text for text in changes)
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        click(qtbot, dialog.import_button)
    assert "1 created" not in window.statusBar().currentMessage()
    assert "0 created, 1 revised, 1 unchanged" in window.statusBar().currentMessage()


def test_a_bad_cell_is_listed_highlighted_and_blocks_the_import(
        qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, bad_file(tmp_path))
    assert not dialog.import_button.isEnabled()
    assert dialog.tabs.currentWidget() is dialog.problems
    assert dialog.tabs.tabText(0) == "Problems (1)"
    sheet, row, column, message = tree_rows(dialog.problems)[0]
    assert (sheet, row, column) == ("Quote Lines", "5", "E")
    assert "Quantity" in message and "abc" in message
    assert "1 problem. Nothing from this file can be imported" in dialog.summary.text()

    model = dialog.model
    cell = model.index(1, column_index("E"))  # sheet row 5 is the second row under the header
    assert model.data(cell) == "abc"
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == message
    assert model.data(cell, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 4), Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(1, Qt.Orientation.Vertical) == "⚠ 5"
    assert model.headerData(1, Qt.Orientation.Vertical, ProblemsRole) == [message]

    dialog.table.scrollToTop()
    dialog.problems.setCurrentItem(dialog.problems.topLevelItem(0))  # the user clicks the problem
    assert dialog.table.currentIndex() == cell
    assert dialog.table.selectionModel().isSelected(cell)
    assert len(dialog.table.selectionModel().selectedIndexes()) == 1

    saved: list[str] = []

    def save_as(parent, caption, suggested, filters):
        saved.append(suggested)
        return str(tmp_path / "week-15 fixed"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    click(qtbot, dialog.errors_button)
    wait_idle(qtbot, dialog)
    assert saved == [str(tmp_path / "week-15 - errors.xlsx")]
    written = tmp_path / "week-15 fixed.xlsx"
    assert "Wrote week-15 fixed.xlsx: 1 row with an error" in dialog.message.text()
    workbook = openpyxl.load_workbook(written, read_only=True)
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    assert rows[2][-1] == "Errors" and rows[2][:2] == ["Quote Number", "Account Name"]
    assert rows[4][4] == "abc" and message in rows[4][-1]
    assert not rows[3][-1]
    assert count(empty_store, Quote) == 0
    assert dialog.table.currentIndex() == cell  # writing the errors kept the problem selected

    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()


def test_a_foreign_csv_is_mapped_saved_and_imported(qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, foreign_csv(tmp_path))
    assert not dialog.import_button.isEnabled()
    assert "no sheet has a header row" in tree_rows(dialog.problems)[0][3]
    assert "Columns…" in dialog.columns.item(0).text()
    assert not dialog.errors_button.isEnabled()  # no rows were found to write back

    click(qtbot, dialog.columns_button)
    mapping = dialog.mapping_dialog
    assert isinstance(mapping, MappingDialog) and mapping.isVisible()
    assert mapping.header_row.value() == 2  # the first row with column names, under the title
    assert list(mapping.headers.values()) == FOREIGN
    mapping.header_row.setValue(1)  # the user looks at the title row instead
    assert list(mapping.headers.values()) == ["Angebote April 2026"]
    mapping.header_row.stepUp()
    assert list(mapping.headers.values()) == FOREIGN
    assert mapping.combo_for("Menge").currentData() == EXTRA  # nothing known: kept as it is
    assert not mapping.buttons.button(mapping.buttons.StandardButton.Ok).isEnabled()
    assert "Still needed: Quote number, Product code, Quantity" in mapping.check.text()
    for header, field in (("Angebot", "quote_number"), ("Kunde", "account_name"), ("Artikel", "product_code"),
                          ("Menge", "quantity"), ("Nettobetrag", "net_total")):
        combo = mapping.combo_for(header)
        combo.setCurrentIndex(combo.findData(field))
    assert mapping.check.text() == "Every required column (*) is chosen."
    assert mapping.combo_for("Menge").currentText() == "Quantity *"
    qtbot.keyClicks(mapping.name, "Angebote DE")
    click(qtbot, mapping.save_button)
    assert "Saved as 'Angebote DE'" in mapping.message.text()
    with empty_store.session() as session:
        assert mapping_names(session) == ["Angebote DE"]
    click(qtbot, mapping.buttons.button(mapping.buttons.StandardButton.Ok))
    assert dialog.mapping_dialog is None
    wait_idle(qtbot, dialog)
    item = dialog.current
    assert item.options.mapping == "Angebote DE" and item.options.columns is None
    assert item.preview is not None and item.preview.ok, item.preview.problems
    assert "Vertriebsgebiet → kept as extra attribute" in [dialog.columns.item(i).text()
                                                           for i in range(dialog.columns.count())]
    assert [(r[0], r[5]) for r in tree_rows(dialog.quotes)] == [("A-1", "1,350.50 USD")]
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        click(qtbot, dialog.import_button)
    assert quotes_in_list(qtbot, window) == ["A-1"]
    with empty_store.session() as session:
        lines = session.execute(select(QuoteLine).order_by(QuoteLine.line_no)).scalars().all()
    assert [line.extra for line in lines] == [{"Vertriebsgebiet": "Süd"}] * 2

    # The next file like it: pick the saved mapping, and the combos show what it says.
    again = open_files(qtbot, window, monkeypatch, foreign_csv(tmp_path, "angebote-2.csv", "A-2"))
    click(qtbot, again.columns_button)
    mapping = again.mapping_dialog
    assert mapping is not None
    mapping.saved.setCurrentIndex(mapping.saved.findText("Angebote DE"))
    mapping.saved.activated.emit(mapping.saved.currentIndex())
    assert mapping.combo_for("Artikel").currentData() == "product_code"
    assert mapping.options().mapping == "Angebote DE"
    click(qtbot, mapping.buttons.button(mapping.buttons.StandardButton.Ok))
    wait_idle(qtbot, again)
    assert again.import_button.isEnabled()


def test_cancelling_a_preview_or_an_import_stores_nothing(
        qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    real_preview, real_import = import_dialog_module.preview_file, import_dialog_module.import_file

    def slow_preview(session, path, options, progress):
        while True:  # a huge file: the user gives up
            progress.step(1, 3, f"Checking {path.name}")
            time.sleep(0.01)

    monkeypatch.setattr(import_dialog_module, "preview_file", slow_preview)
    window = make_window(qtbot, empty_store, settings)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: ([str(good_file(tmp_path))], ""))
    window.action_import.trigger()
    dialog = window.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.progress_text.text() == "Checking week-14.xlsx", timeout=10000)
    assert dialog.busy.isVisible() and not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.file_updated, timeout=10000):
        click(qtbot, dialog.cancel_job)
    assert not dialog.busy.isVisible()
    assert "Reading cancelled" in dialog.message.text()
    assert dialog.file_list.item(0).text().startswith("–")

    # Read again, for real this time; then cancel the import after the quotes were written
    # inside its transaction, before the commit.
    monkeypatch.setattr(import_dialog_module, "preview_file", real_preview)

    def import_then_wait(session, path, options, *, who, progress):
        result = real_import(session, path, options, who=who, progress=progress)
        session.flush()
        while True:
            progress.step(4, 5, "Almost done")
            time.sleep(0.01)
        return result

    monkeypatch.setattr(import_dialog_module, "import_file", import_then_wait)
    click(qtbot, dialog.retry_button)
    wait_idle(qtbot, dialog)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.progress_text.text() == "Almost done", timeout=10000)
    assert dialog.close_button.text() == "Cancel"
    with qtbot.waitSignal(dialog.file_updated, timeout=10000):
        click(qtbot, dialog.cancel_job)
    assert "Import cancelled; nothing from this file was stored" in dialog.message.text()
    assert count(empty_store, Quote) == 0 and count(empty_store, QuoteLine) == 0
    assert dialog.import_button.isEnabled()  # it may be imported after all
    assert dialog.close_button.text() == "Close"


def test_closing_while_importing_cancels_first(qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    real_import = import_dialog_module.import_file

    def import_then_wait(session, path, options, *, who, progress):
        real_import(session, path, options, who=who, progress=progress)
        while True:
            progress.step(4, 5, "Almost done")
            time.sleep(0.01)

    monkeypatch.setattr(import_dialog_module, "import_file", import_then_wait)
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, good_file(tmp_path))
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.progress_text.text() == "Almost done", timeout=10000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.message.text() == "Cancelling the import…"
    wait_idle(qtbot, dialog)
    assert count(empty_store, Quote) == 0
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()


def test_dropped_files_are_previewed_together_and_the_good_ones_imported(
        qtbot, empty_store, settings, tmp_path) -> None:
    window = make_window(qtbot, empty_store, settings)
    other = tmp_path / "other.csv"
    other.write_text("Quote Number,Account,Product Code,Quantity,Net Total\nQ-2001,Fabrikam,SKU-7,3,30\n",
                     encoding="utf-8")
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.7")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (good_file(tmp_path), bad_file(tmp_path), other, notes)])
    only_pdf = QMimeData()
    only_pdf.setUrls([QUrl.fromLocalFile(str(notes))])
    refused = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, only_pdf,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    wait_idle(qtbot, dialog)
    assert dialog.file_list.isVisible() and dialog.file_list.count() == 3  # the pdf is left out
    labels = [dialog.file_list.item(i).text() for i in range(3)]
    assert labels == ["✓  week-14.xlsx", "✗  week-15.xlsx", "✓  other.csv"]
    dialog.file_list.setCurrentRow(1)
    assert dialog.title.text() == "week-15.xlsx" and not dialog.import_button.isEnabled()
    assert dialog.import_all_button.text() == "Import 2 Files"
    imported: list[object] = []
    dialog.imported.connect(imported.append)
    click(qtbot, dialog.import_all_button)
    qtbot.waitUntil(lambda: len(imported) == 2, timeout=20000)
    wait_idle(qtbot, dialog)
    assert dialog.isVisible()  # several files: the results stay on screen
    labels = [dialog.file_list.item(i).text() for i in range(3)]
    assert labels == ["✓  week-14.xlsx  (imported)", "✗  week-15.xlsx", "✓  other.csv  (imported)"]
    assert "Imported: 1 created, 0 revised, 0 unchanged" in dialog.file_list.item(2).toolTip()
    assert not dialog.import_all_button.isEnabled()
    assert dialog.batch.text() == "2 of 3 files imported; 1 with problems."
    dialog.file_list.setCurrentRow(0)
    assert "Imported 2 quotes: 2 created" in dialog.message.text()
    assert quotes_in_list(qtbot, window) == ["Q-1001", "Q-1002", "Q-2001"]


def test_ambiguous_dates_are_asked_for(qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("Quote Number,Account Name,Product Code,Quantity,Start Date\nQ-5,Acme,SKU,1,03/04/2026\n",
                    encoding="utf-8")
    asked: list[list[str]] = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(list(items))
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, path)
    qtbot.waitUntil(lambda: dialog.current.preview is not None and dialog.current.preview.ok, timeout=20000)
    assert asked == [["Day first (31/12/2026)", "Month first (12/31/2026)"]]
    assert dialog.current.options.read.date_order == "mdy"
    assert dialog.date_button.isVisible()
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        click(qtbot, dialog.import_button)
    with empty_store.session() as session:
        assert str(session.execute(select(QuoteLine.start_date)).scalar_one()) == "2026-03-04"


def test_a_failed_job_is_a_message_in_the_dialog(qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    def locked(session, path, options, progress):
        raise QtcError(f"{path.name} is open in another program; close it there and try again")

    monkeypatch.setattr(import_dialog_module, "preview_file", locked)
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, good_file(tmp_path))
    assert dialog.message.text() == "week-14.xlsx is open in another program; close it there and try again"
    assert dialog.message.isVisible()
    assert not dialog.import_button.isEnabled() and dialog.retry_button.isVisible()
    assert "Traceback" not in dialog.message.text()


def test_a_missing_file_is_a_problem_not_a_crash(qtbot, empty_store, settings, monkeypatch, tmp_path) -> None:
    window = make_window(qtbot, empty_store, settings)
    dialog = open_files(qtbot, window, monkeypatch, tmp_path / "gone.xlsx")
    assert "does not exist" in tree_rows(dialog.problems)[0][3]
    assert not dialog.import_button.isEnabled() and not dialog.columns_button.isEnabled()
    assert dialog.model.rowCount() == 0


@pytest.mark.parametrize("maker", [good_file, bad_file])
def test_preview_model_passes_the_model_tester(qtmodeltester, empty_store, tmp_path, maker) -> None:
    with empty_store.session() as session:
        preview = preview_file(session, maker(tmp_path))
    model = ImportPreviewModel()
    model.set_preview(preview.layout, preview.problems)
    assert model.rowCount() == 4 and model.columnCount() == len(HEADERS)
    qtmodeltester.check(model, force_py=True)
    model.set_preview(None)
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)


def test_column_letters_round_trip() -> None:
    from qtc_desktop.services.importing.problems import column_letter

    for index in (0, 4, 25, 26, 27, 701, 702):
        assert column_index(column_letter(index)) == index


def test_file_marks() -> None:
    item = ImportFile(Path("x.xlsx"))
    assert item.mark()[0] == "–" and not item.can_import
