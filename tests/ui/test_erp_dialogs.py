"""Export for ERP and Take Back from ERP, driven as a coordinator drives them: choose orders and a
layout, write the workbook, let the "ERP team" edit it with openpyxl, preview and apply it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QToolBar
from sqlalchemy import func, select

from window_helpers import make_window
from qtc_desktop.domain import ChangeRecord, ChangeSource, ExportBatch, FulfillmentOrder, OrderStatus
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.service import EXPORTABLE, export_orders, orders_to_export
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.ui.export_dialog import ExportDialog
from qtc_desktop.ui.list_model import RawValueRole
from qtc_desktop.ui.main_window import TAB_ORDERS, MainWindow
from qtc_desktop.ui.reimport_dialog import CONFLICT_HEADERS, TAKE, ReimportDialog

WHO = "Dana Coordinator"
JOB_TIMEOUT = 30000  # ms: reading a workbook starts a child process


@pytest.fixture
def window(qtbot, filled_store, settings) -> MainWindow:
    return make_window(qtbot, filled_store, settings, coordinator=WHO)


@pytest.fixture
def save_as(monkeypatch) -> list[Path]:
    """Where QFileDialog.getSaveFileName "chooses" to save: the test appends the path first."""
    answers: list[Path] = []

    def answer(*_args, **_kwargs):
        return (str(answers[-1]), "Excel workbook (*.xlsx)") if answers else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return answers


# -- helpers --------------------------------------------------------------------------------


def _ids(store, status: OrderStatus, count: int) -> list[int]:
    with store.session() as session:
        return list(session.execute(select(FulfillmentOrder.id).where(FulfillmentOrder.status == status)
                                    .order_by(FulfillmentOrder.id).limit(count)).scalars())


def _orders(store, ids) -> dict[int, tuple[str, OrderStatus, bool]]:
    with store.session() as session:
        return {order.id: (order.number, order.status, order.changed_since_export) for order in session.execute(
            select(FulfillmentOrder).where(FulfillmentOrder.id.in_(list(ids)))).scalars()}


def _batches(store) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(ExportBatch)).scalar_one()


def _select(window: MainWindow, ids: list[int]) -> None:
    window.tabs.setCurrentIndex(TAB_ORDERS)
    page = window.pages[TAB_ORDERS]
    assert page.select_id(ids[0])
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for order_id in ids[1:]:
        row = page.model.row_of(order_id)
        assert row is not None
        page.table.selectionModel().select(page.model.index(row, 0), flags)
    assert sorted(page.selected_ids()) == sorted(ids)


def _open_export(qtbot, window: MainWindow) -> ExportDialog:
    window.action_export_erp.trigger()
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.counts is not None and not dialog.busy(), timeout=JOB_TIMEOUT)
    return dialog


def _export(qtbot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=JOB_TIMEOUT)


def _column(path: Path, sheet: str, header: str) -> list[object]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    at = list(rows[0]).index(header)
    return [row[at] for row in rows[1:]]


def _export_with_services(store, ids: list[int], path: Path) -> None:
    with store.transaction() as session:
        export_orders(session, orders_to_export(session, ids), path, "generic", who=WHO)


def _edit_sheet(path: Path, edits: dict[tuple[str, str], object], sheet: str = "Orders") -> None:
    """What the ERP team does in Excel: type values into cells of the order rows."""
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    headers = [cell.value for cell in worksheet[1]]
    numbers = {worksheet.cell(row, 1).value: row for row in range(2, worksheet.max_row + 1)}
    for (number, header), value in edits.items():
        worksheet.cell(numbers[number], headers.index(header) + 1).value = value
    workbook.save(path)


def _edit(store, order_id: int, **fields: str) -> None:
    with store.transaction() as session:
        apply_edit(session, find_order(session, order_id), OrderEdit(dict(fields)), who=WHO)


def _open_reimport(qtbot, window: MainWindow, path: Path) -> ReimportDialog:
    dialog = window.take_back_from_erp(path)
    qtbot.waitUntil(lambda: dialog.planned is not None and dialog.job is None, timeout=JOB_TIMEOUT)
    return dialog


def _rows(tree) -> list[list[str]]:
    return [[tree.topLevelItem(row).text(column) for column in range(tree.columnCount())]
            for row in range(tree.topLevelItemCount())]


def _apply(qtbot, dialog: ReimportDialog) -> None:
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=JOB_TIMEOUT)


def _field(store, order_id: int, name: str) -> object:
    with store.session() as session:
        return getattr(find_order(session, order_id), name)


# -- the window -----------------------------------------------------------------------------


def test_file_menu_and_toolbar_offer_both_directions(window) -> None:
    assert window.action_export_erp.shortcut() == QKeySequence("Ctrl+Shift+E")
    assert window.action_reimport_erp.shortcut() == QKeySequence("Ctrl+Shift+I")
    file_menu = window.menuBar().actions()[0].menu()
    assert window.action_export_erp in file_menu.actions()
    assert window.action_reimport_erp in file_menu.actions()
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert window.action_export_erp in toolbar.actions()
    assert window.action_reimport_erp in toolbar.actions()


# -- exporting ------------------------------------------------------------------------------


def test_export_selected_orders_writes_them_and_moves_ready_ones_to_sent(qtbot, window, filled_store, save_as,
                                                                         tmp_path) -> None:
    ready = _ids(filled_store, OrderStatus.READY, 2)
    sent = _ids(filled_store, OrderStatus.SENT_TO_ERP, 1)
    before = _orders(filled_store, ready + sent)
    _select(window, ready + sent)
    dialog = _open_export(qtbot, window)
    assert dialog.choice_selected.isChecked()  # a selection is what the coordinator means
    assert dialog.choice_selected.text() == "The 3 orders selected in the Orders list"
    save_as.append(tmp_path / "for-erp.xlsx")

    _export(qtbot, dialog)

    assert not dialog.isVisible()
    numbers = _column(tmp_path / "for-erp.xlsx", "Orders", "Order Number")
    assert sorted(numbers) == sorted(number for number, _, _ in before.values())
    after = _orders(filled_store, ready + sent)
    assert {after[i][1] for i in ready + sent} == {OrderStatus.SENT_TO_ERP}
    message = window.statusBar().currentMessage()
    assert message.startswith("3 orders, ") and message.endswith(f"→ {tmp_path / 'for-erp.xlsx'}")
    page = window.pages[TAB_ORDERS]
    status = page.spec.column_index("status")
    for order_id in ready:  # the list shows the new status without a manual refresh
        row = page.model.row_of(order_id)
        assert page.model.data(page.model.index(row, status), RawValueRole) == OrderStatus.SENT_TO_ERP.value
    assert window.settings.value("export/folder") == str(tmp_path)


def test_export_changed_since_last_export_takes_only_those(qtbot, window, filled_store, save_as, tmp_path) -> None:
    with filled_store.session() as session:
        expected = sorted(order.number for order in orders_to_export(session, changed=True))
    assert 0 < len(expected) < 90
    dialog = _open_export(qtbot, window)  # nothing selected: "changed since" is offered first
    assert dialog.choice_changed.isChecked()
    assert f"({len(expected)} orders)" in dialog.choice_changed.text()
    save_as.append(tmp_path / "changed.xlsx")
    _export(qtbot, dialog)
    assert sorted(_column(tmp_path / "changed.xlsx", "Orders", "Order Number")) == expected

    # One more change in the app: the next "changed since" export is that order alone.
    sent = _ids(filled_store, OrderStatus.SENT_TO_ERP, 1)[0]
    _edit(filled_store, sent, carrier="Carrier Changed Since")
    dialog = _open_export(qtbot, window)
    assert dialog.choice_changed.text() == "Everything changed since the last export (1 order)"
    dialog.choice_changed.click()
    save_as.append(tmp_path / "changed-again.xlsx")
    _export(qtbot, dialog)
    assert _column(tmp_path / "changed-again.xlsx", "Orders", "Order Number") == [_orders(filled_store, [sent])[sent][0]]
    assert _column(tmp_path / "changed-again.xlsx", "Orders", "Carrier") == ["Carrier Changed Since"]


def test_export_of_the_listed_orders_leaves_drafts_out(qtbot, window, filled_store, save_as, tmp_path) -> None:
    window.tabs.setCurrentIndex(TAB_ORDERS)
    page = window.pages[TAB_ORDERS]
    with qtbot.waitSignal(page.model.refreshed, timeout=5000):
        page.set_filter_value("status", OrderStatus.READY.value)
    ready = {page.model.row_id(row) for row in range(page.model.rowCount())}
    assert ready and set(_ids(filled_store, OrderStatus.READY, 100)) == ready
    dialog = _open_export(qtbot, window)
    assert f"The {len(ready)} orders the Orders list shows now (Ready)" == dialog.choice_listed.text()
    dialog.choice_listed.click()
    save_as.append(tmp_path / "listed.xlsx")
    _export(qtbot, dialog)
    numbers = {number for number, _, _ in _orders(filled_store, ready).values()}
    assert set(_column(tmp_path / "listed.xlsx", "Orders", "Order Number")) == numbers

    with qtbot.waitSignal(page.model.refreshed, timeout=5000):
        page.set_filter_value("status", "")  # every order, drafts and cancelled ones too
    listed = [page.model.row_id(row) for row in range(page.model.rowCount())]
    released = {number for number, status, _ in _orders(filled_store, listed).values() if status in EXPORTABLE}
    dialog = _open_export(qtbot, window)
    dialog.choice_listed.click()
    left_out = len(listed) - len(released)
    assert dialog.orders_note.text() == (f"{len(released)} orders can go to the ERP; {left_out} not released "
                                         "(drafts, on hold or cancelled) will be left out.")
    save_as.append(tmp_path / "all.xlsx")
    _export(qtbot, dialog)
    assert set(_column(tmp_path / "all.xlsx", "Orders", "Order Number")) == released
    assert window.statusBar().currentMessage().endswith(f"; {left_out} not released, left out")


def test_export_into_a_missing_folder_shows_the_error_and_changes_nothing(qtbot, window, filled_store, save_as,
                                                                           tmp_path) -> None:
    ready = _ids(filled_store, OrderStatus.READY, 2)
    _select(window, ready)
    dialog = _open_export(qtbot, window)
    target = tmp_path / "no such folder" / "out.xlsx"
    save_as.append(target)

    _export(qtbot, dialog)

    assert dialog.isVisible()  # open, to choose another place
    assert dialog.message.isVisible()
    assert "does not exist" in dialog.message.text() and "no such folder" in dialog.message.text()
    assert dialog.export_button.isEnabled()
    assert not target.parent.exists()
    assert {status for _, status, _ in _orders(filled_store, ready).values()} == {OrderStatus.READY}
    assert _batches(filled_store) == 0
    assert "→" not in window.statusBar().currentMessage()


def test_cancelling_an_export_writes_nothing_and_stores_nothing(qtbot, window, filled_store, save_as, tmp_path,
                                                                monkeypatch) -> None:
    import time

    import qtc_desktop.ui.export_dialog as export_dialog_module

    from qtc_desktop.store.journal import recording

    def endless_export(session, orders, path, layout, *, who, csv, progress):
        with recording(session, who=who, source=ChangeSource.ERP_EXPORT):
            for order in orders:  # what export_orders does first, inside the job's transaction
                session.get(FulfillmentOrder, order.id).status = OrderStatus.SENT_TO_ERP
            session.flush()
        while True:
            progress.step(1, 2, f"Writing {path.name}")  # raises once cancelled
            time.sleep(0.01)

    monkeypatch.setattr(export_dialog_module, "export_orders", endless_export)
    ready = _ids(filled_store, OrderStatus.READY, 2)
    _select(window, ready)
    dialog = _open_export(qtbot, window)
    save_as.append(tmp_path / "cancelled.xlsx")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.busy() and dialog.close_button.text() == "Cancel"
    qtbot.waitUntil(lambda: dialog.progress.bar.maximum() == 2, timeout=JOB_TIMEOUT)
    qtbot.mouseClick(dialog.progress.findChild(QPushButton, "cancelJob"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=JOB_TIMEOUT)
    assert dialog.isVisible() and dialog.message.text() == "Export cancelled; nothing was written."
    assert not (tmp_path / "cancelled.xlsx").exists()
    assert {status for _, status, _ in _orders(filled_store, ready).values()} == {OrderStatus.READY}


def test_a_failure_after_the_workbook_is_written_removes_it(qtbot, window, filled_store, save_as, tmp_path,
                                                           monkeypatch) -> None:
    import qtc_desktop.ui.export_dialog as export_dialog_module

    def export_then_fail(*args, **kwargs):
        export_orders(*args, **kwargs)  # the workbook is in place, the batch not yet committed
        raise QtcError("The database went away.")

    monkeypatch.setattr(export_dialog_module, "export_orders", export_then_fail)
    ready = _ids(filled_store, OrderStatus.READY, 2)
    _select(window, ready)
    dialog = _open_export(qtbot, window)
    save_as.append(tmp_path / "half.xlsx")
    _export(qtbot, dialog)
    assert dialog.message.text() == "The database went away."
    assert not (tmp_path / "half.xlsx").exists()
    assert _batches(filled_store) == 0
    assert {status for _, status, _ in _orders(filled_store, ready).values()} == {OrderStatus.READY}


def test_cancelled_file_chooser_exports_nothing(qtbot, window, filled_store, save_as) -> None:
    _select(window, _ids(filled_store, OrderStatus.READY, 1))
    dialog = _open_export(qtbot, window)
    _export(qtbot, dialog)  # the save dialog answers "" (cancelled)
    assert dialog.isVisible() and _batches(filled_store) == 0


def test_layouts_editor_saves_a_layout_the_export_dialog_then_offers(qtbot, window, filled_store, save_as,
                                                                     tmp_path, monkeypatch) -> None:
    from qtc_desktop.ui.export_layout_dialog import COLUMN, HEADER, NameRole

    _select(window, _ids(filled_store, OrderStatus.READY, 2))
    dialog = _open_export(qtbot, window)
    assert [dialog.layout_combo.itemData(i) for i in range(dialog.layout_combo.count())] == [
        "generic", "odoo", "erpnext"]
    qtbot.mouseClick(dialog.layouts_button, Qt.MouseButton.LeftButton)
    editor = dialog.layout_editor
    assert editor is not None and editor.isVisible()
    assert not editor.save_button.isEnabled()

    def choose(name: str) -> None:  # select one available column and press Add
        editor.available.clearSelection()
        for row in range(editor.available.topLevelItemCount()):
            item = editor.available.topLevelItem(row)
            if item.data(0, NameRole) == name:
                item.setSelected(True)
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)

    for name in ("carrier", "number", "erp_order_number", "product_code"):
        choose(name)
    editor.chosen.clearSelection()
    editor.chosen.topLevelItem(1).setSelected(True)  # Order Number ...
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)  # ... first
    editor.chosen.topLevelItem(2).setText(HEADER, "SO Number")  # what editing the header cell does
    editor.name_edit.setText("Warehouse pick list")
    assert editor.rows_note.text() == "One sheet, a row per order line (4 columns)."
    assert [editor.chosen.topLevelItem(row).data(COLUMN, NameRole) for row in range(4)] == [
        "number", "carrier", "erp_order_number", "product_code"]
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Saved" in editor.message.text()
    editor.reject()

    assert dialog.layout_name() == "Warehouse pick list"
    assert dialog.layout_combo.findData("Warehouse pick list") >= 0
    assert "4 columns, a row per line" in dialog.layout_note.text()
    save_as.append(tmp_path / "own.xlsx")
    _export(qtbot, dialog)
    workbook = openpyxl.load_workbook(tmp_path / "own.xlsx", read_only=True)
    headers = next(workbook["Orders"].iter_rows(max_row=1, values_only=True))
    workbook.close()
    assert list(headers) == ["Order Number", "Carrier", "SO Number", "Product", "qtc key", "qtc version"]

    # Deleting it: the next export dialog no longer offers it.
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    dialog = _open_export(qtbot, window)
    assert dialog.layout_name() == "Warehouse pick list"  # the last layout used is chosen again
    dialog.edit_layouts()
    editor = dialog.layout_editor
    assert editor.current_saved() == "Warehouse pick list"
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.layout_combo.findData("Warehouse pick list") < 0
    assert dialog.layout_name() == "generic"


def test_a_layout_with_a_header_taken_twice_is_not_saved(qtbot, window, filled_store) -> None:
    from qtc_desktop.ui.export_layout_dialog import HEADER

    dialog = _open_export(qtbot, window)
    dialog.edit_layouts()
    editor = dialog.layout_editor
    editor.add_columns(["number", "customer_po"])
    editor.chosen.topLevelItem(1).setText(HEADER, "Order Number")
    editor.name_edit.setText("Twice")
    editor.save()
    assert editor.message.isVisible() and "header of its own" in editor.message.text()
    assert dialog.layout_combo.findData("Twice") < 0


# -- taking back ----------------------------------------------------------------------------


@pytest.fixture
def exported(filled_store, tmp_path) -> tuple[Path, list[int], list[str]]:
    """Three ready orders exported in the generic layout (now sent to the ERP, which has not numbered
    them yet): the file, their ids and numbers."""
    ids = _ids(filled_store, OrderStatus.READY, 3)
    path = tmp_path / "round-trip.xlsx"
    _export_with_services(filled_store, ids, path)
    numbers = [_orders(filled_store, ids)[i][0] for i in ids]
    assert [_field(filled_store, i, "erp_order_number") for i in ids] == [None, None, None]
    return path, ids, numbers


def test_reimport_previews_exactly_the_cells_the_erp_changed_and_applies_them(qtbot, window, filled_store,
                                                                              exported, monkeypatch) -> None:
    path, ids, numbers = exported
    carrier = _field(filled_store, ids[1], "carrier")
    untouched = _field(filled_store, ids[2], "carrier")
    _edit_sheet(path, {(numbers[0], "ERP Order Number"): "SO-90001", (numbers[1], "Carrier"): "Kuehne + Nagel"})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: ("", ""))  # chooser cancelled
    window.action_reimport_erp.trigger()
    dialog = window.reimport_dialog
    assert dialog is not None and dialog.isVisible() and dialog.drop_zone.isVisible()
    assert not dialog.apply_button.isEnabled()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    dialog.dropEvent(drop)  # the file dropped on the dialog
    qtbot.waitUntil(lambda: dialog.planned is not None and dialog.job is None, timeout=JOB_TIMEOUT)

    assert _rows(dialog.changes) == [
        [numbers[0], "ERP Order Number", "(blank)", "SO-90001"],
        [numbers[1], "Carrier", carrier or "(blank)", "Kuehne + Nagel"],
    ]
    assert dialog.changes_box.isVisible()
    assert not dialog.conflicts_box.isVisible() and not dialog.errors_box.isVisible()
    assert dialog.apply_button.text() == "&Apply 2 Changes"
    assert _field(filled_store, ids[0], "erp_order_number") is None  # the preview stored nothing

    _apply(qtbot, dialog)

    assert _field(filled_store, ids[0], "erp_order_number") == "SO-90001"
    assert _field(filled_store, ids[1], "carrier") == "Kuehne + Nagel"
    assert _field(filled_store, ids[2], "carrier") == untouched
    assert not dialog.apply_button.isEnabled()
    assert dialog.message.text() == "Applied 2 changes from round-trip.xlsx."
    assert window.statusBar().currentMessage() == "Applied 2 changes from round-trip.xlsx"
    with filled_store.session() as session:
        sources = set(session.execute(select(ChangeRecord.source).where(
            ChangeRecord.field == "carrier", ChangeRecord.new_value == "Kuehne + Nagel")).scalars())
    assert sources == {ChangeSource.ERP_ROUND_TRIP}


def test_a_field_changed_on_both_sides_is_a_conflict_kept_unless_ticked(qtbot, window, filled_store,
                                                                        exported) -> None:
    path, ids, numbers = exported
    at_export = _field(filled_store, ids[1], "carrier")
    _edit(filled_store, ids[1], carrier="UPS Changed In App")
    _edit_sheet(path, {(numbers[0], "ERP Order Number"): "SO-1", (numbers[1], "Carrier"): "DHL From ERP"})
    dialog = _open_reimport(qtbot, window, path)

    assert _rows(dialog.changes) == [[numbers[0], "ERP Order Number", "(blank)", "SO-1"]]
    assert [dialog.conflicts.headerItem().text(c) for c in range(len(CONFLICT_HEADERS))] == list(CONFLICT_HEADERS)
    assert _rows(dialog.conflicts) == [[numbers[1], "Carrier", at_export or "(blank)", "UPS Changed In App",
                                        "DHL From ERP", ""]]
    assert dialog.conflicts.topLevelItem(0).checkState(TAKE) == Qt.CheckState.Unchecked
    assert dialog.apply_button.text() == "&Apply 1 Change"

    _apply(qtbot, dialog)

    assert _field(filled_store, ids[0], "erp_order_number") == "SO-1"
    assert _field(filled_store, ids[1], "carrier") == "UPS Changed In App"  # the app's value stays
    assert "1 conflict left as the app has it" in dialog.message.text()


def test_ticking_a_conflict_takes_the_sheets_value(qtbot, window, filled_store, exported) -> None:
    path, ids, numbers = exported
    _edit(filled_store, ids[1], carrier="UPS Changed In App")
    _edit_sheet(path, {(numbers[1], "Carrier"): "DHL From ERP"})
    dialog = _open_reimport(qtbot, window, path)
    assert dialog.changes_box.isHidden() and dialog.conflicts_box.isVisible()
    assert not dialog.apply_button.isEnabled()  # nothing to apply until the conflict is decided

    dialog.conflicts.topLevelItem(0).setCheckState(TAKE, Qt.CheckState.Checked)  # the coordinator ticks it
    assert dialog.apply_button.isEnabled() and dialog.apply_button.text() == "&Apply 1 Change"
    _apply(qtbot, dialog)

    assert _field(filled_store, ids[1], "carrier") == "DHL From ERP"
    assert dialog.message.text() == "Applied 1 change from round-trip.xlsx."


def test_a_forged_key_is_an_error_and_nothing_can_be_applied(qtbot, window, filled_store, exported) -> None:
    path, ids, numbers = exported
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Orders"]
    headers = [cell.value for cell in sheet[1]]
    key = sheet.cell(2, headers.index("qtc key") + 1)
    order_id, line_id, signature = str(key.value).split("-")
    key.value = f"{ids[2] if int(order_id) != ids[2] else ids[1]}-{line_id}-{signature}"  # another order's id
    sheet.cell(3, headers.index("ERP Order Number") + 1).value = "SO-FORGED"
    workbook.save(path)

    dialog = _open_reimport(qtbot, window, path)

    assert dialog.errors_box.isVisible()
    errors = _rows(dialog.errors)
    assert [row[:3] for row in errors] == [["Orders", "2", "qtc key"]]
    assert "damaged" in errors[0][3]
    assert not dialog.apply_button.isEnabled()
    assert dialog.message.isVisible() and "Nothing will be applied" in dialog.message.text()
    assert _field(filled_store, ids[1], "erp_order_number") is None


def test_apply_refuses_when_the_orders_changed_after_the_preview(qtbot, window, filled_store, exported) -> None:
    path, ids, numbers = exported
    _edit_sheet(path, {(numbers[1], "Carrier"): "DHL From ERP"})
    dialog = _open_reimport(qtbot, window, path)
    assert len(_rows(dialog.changes)) == 1
    _edit(filled_store, ids[1], carrier="Changed While Previewing")  # someone else, meanwhile

    _apply(qtbot, dialog)

    assert "nothing was applied" in dialog.message.text()
    assert _field(filled_store, ids[1], "carrier") == "Changed While Previewing"
    assert _rows(dialog.conflicts)[0][3:5] == ["Changed While Previewing", "DHL From ERP"]
    assert dialog.changes_box.isHidden()
