"""The order editor, driven as a coordinator drives it: typing, pasting from Excel, undo, save, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QLineEdit, QMessageBox
from sqlalchemy import select

from qtc_desktop.domain import ChangeRecord, FulfillmentKind, OrderStatus, ProductRule, QuoteLine
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.store import OpenedStore
from qtc_desktop.ui.order_editor import OrderEditor, read_for_editing
from qtc_desktop.ui.order_lines_model import (
    COL_ACTIVATION,
    COL_BACKORDERED,
    COL_KIND,
    COL_LOCATION,
    COL_QUANTITY,
    COL_SERIALIZED,
    COL_SERIALS,
    COL_TENANT,
    OrderLinesModel,
    block_from_text,
)
from qtc_desktop.ui.readiness_panel import READY_TEXT

HEADERS = ["Quote Number", "Account ID", "Account Name", "Line", "Product Code", "Product Name",
           "Product Family", "Quantity", "Net Price", "Net Total", "Start Date", "End Date", "Subscription Term"]
ACCOUNT = ["Q-2026-0042", "001Nw00000AbCdE", "Northwind Traders Ltd"]
# Two serialized goods, a cable, a subscription with its dates and an installation.
QUOTE = [
    [*ACCOUNT, 1, "HW-SRV-R220", "Rack Server R220", "Hardware", 2, 6000, 12000, None, None, None],
    [*ACCOUNT, 2, "HW-AP-6E", "Access point Wi-Fi 6E", "Hardware", 4, 300, 1200, None, None, None],
    [*ACCOUNT, 3, "CBL-CAT6-3M", "Patch cable Cat6 3 m", "Accessories", 40, 4.5, 180, None, None, None],
    [*ACCOUNT, 4, "SUB-CLOUD-STD", "Cloud Management Standard", "Subscriptions", 25, 96, 2400,
     dt.date(2026, 7, 1), dt.date(2027, 6, 30), 12],
    [*ACCOUNT, 5, "SVC-INSTALL", "On-site installation", "Professional Services", 1, 1250, 1250, None, None, None],
]
ROW_SERVER, ROW_AP, ROW_CABLE, ROW_CLOUD, ROW_INSTALL = range(5)
SHIP_TO = {"ship_to_name": "Northwind Traders Ltd", "ship_to_street": "12 Harbour Road",
           "ship_to_city": "Southampton", "ship_to_postal_code": "SO14 2AQ", "ship_to_country": "GB"}


@pytest.fixture
def order_id(empty_store: OpenedStore, tmp_path: Path) -> int:
    """A draft order for a quote imported from a CPQ export, as a coordinator makes one."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Quote Lines"
    sheet.append(HEADERS)
    for row in QUOTE:
        sheet.append(row)
    book.save(tmp_path / "accepted.xlsx")
    with empty_store.transaction() as session:
        session.add(ProductRule(pattern="HW-SRV-*", kind=FulfillmentKind.SHIP, serialized=True))
        session.add(ProductRule(pattern="HW-AP-*", kind=FulfillmentKind.SHIP, serialized=True))
        assert import_file(session, tmp_path / "accepted.xlsx", who="importer").ok
    with empty_store.transaction() as session:
        order = create_order(session, "Q-2026-0042", who="maria")
        session.flush()
        return order.id


class Dialogs:
    """Stands in for the user at every message box: records what was shown, clicks what the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[str] = []
        self.answers: list[str] = []
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._exec(box))

    def _exec(self, box: QMessageBox) -> int:
        self.shown.append(f"{box.text()}\n{box.informativeText()}")
        answer = self.answers.pop(0) if self.answers else None
        for button in box.buttons():
            if answer is not None and button.text().replace("&", "") == answer:
                button.click()
                break
        else:
            assert answer is None, f"no button {answer!r} in {[b.text() for b in box.buttons()]}"
            if box.escapeButton() is not None:
                box.escapeButton().click()
        return box.result()

    @property
    def last(self) -> str:
        return self.shown[-1]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def open_editor(qtbot, empty_store: OpenedStore, dialogs: Dialogs) -> Iterator:
    def make(order_id: int, who: str = "maria") -> OrderEditor:
        editor = OrderEditor(empty_store, order_id, who)
        # Whatever a test leaves unsaved is dropped, not asked about, when the test ends.
        qtbot.addWidget(editor, before_close_func=lambda widget: widget.undo_stack.setClean())
        editor.show()
        qtbot.waitExposed(editor)
        # Shortcuts (Ctrl+Z, Ctrl+S) reach the active window only.
        editor.windowHandle().requestActivate()
        qtbot.waitUntil(editor.isActiveWindow)
        return editor
    yield make


def type_into(qtbot, editor: OrderEditor, field: str, text: str, clear: bool = True) -> None:
    widget = editor.form.entries[field].editor
    if clear and isinstance(widget, QLineEdit):
        widget.selectAll()
        if widget.text():
            qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def stored(store: OpenedStore, order_id: int):
    with store.session() as session:
        return read_for_editing(session, order_id)


def paste(qtbot, editor: OrderEditor, row: int, column: int, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    view = editor.lines_view
    view.setCurrentIndex(editor.lines_model.index(row, column))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


# -- the lines model on its own ----------------------------------------------------------

def test_lines_model_passes_qt_model_tester(qtmodeltester, empty_store, order_id) -> None:
    order = stored(empty_store, order_id)
    model = OrderLinesModel()
    model.set_order(order, shipped_quantities(order))
    assert model.rowCount() == 5
    qtmodeltester.check(model, force_py=True)
    assert model.setData(model.index(ROW_CABLE, COL_QUANTITY), "30")
    qtmodeltester.check(model, force_py=True)


def test_cells_are_checked_and_refused_cells_never_stored(qapp, empty_store, order_id) -> None:
    order = stored(empty_store, order_id)
    model = OrderLinesModel()
    model.set_order(order, shipped_quantities(order))
    messages: list[tuple[str, bool]] = []
    model.message.connect(lambda text, problem: messages.append((text, problem)))
    quantity = model.index(ROW_CABLE, COL_QUANTITY)

    assert not model.setData(quantity, "lots")
    assert model.data(quantity) == "40"
    assert "'lots' is not a number" in model.data(quantity, Qt.ItemDataRole.ToolTipRole)
    assert model.data(quantity, Qt.ItemDataRole.BackgroundRole) is not None
    assert messages[-1] == ("Not taken: line 3 quantity to fulfil: 'lots' is not a number", True)
    assert not model.setData(quantity, "41")  # more than the quote sold
    assert "more than the quote's 40" in messages[-1][0]
    # Serials are checked against the line as edited so far: two for a quantity of two.
    serials = model.index(ROW_SERVER, COL_SERIALS)
    assert not model.setData(serials, "S1, S2, S3")
    assert model.setData(serials, "S1, S2")
    assert not model.setData(model.index(ROW_SERVER, COL_QUANTITY), "1")
    assert model.data(serials) == "2 of 2: S1, S2"
    assert not model.setData(model.index(ROW_CABLE, COL_SERIALS), "X1")  # not serialized

    assert model.setData(quantity, "30")
    assert model.data(quantity, Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(ROW_CABLE, COL_BACKORDERED)) == "30"  # backordered follows the quantity
    assert model.changed() == {1: {"serial_numbers": "S1, S2"}, 3: {"quantity": "30"}}


def test_clipboard_text_from_excel() -> None:
    assert block_from_text("1\r\n2\r\n3\r\n") == [["1"], ["2"], ["3"]]
    assert block_from_text("a\tb\nc\td\n") == [["a", "b"], ["c", "d"]]
    assert block_from_text("only") == [["only"]]
    assert block_from_text("x\n\ny\n") == [["x"], [""], ["y"]]


# -- typing into the header ----------------------------------------------------------------

def test_typing_the_ship_to_address_updates_the_readiness_checklist(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    panel = editor.readiness_panel
    assert "Ship-to street (goods ship)" in panel.texts("release")
    assert "Carrier (goods ship)" in panel.texts("release")
    assert panel.verdict.text() != READY_TEXT

    type_into(qtbot, editor, "ship_to_street", "12 Harbour Road")
    assert "Ship-to street (goods ship)" not in panel.texts("release")
    type_into(qtbot, editor, "carrier", "DHL Express")
    assert "Carrier (goods ship)" not in panel.texts("release")
    assert editor.isWindowModified() and "[*]" in editor.windowTitle()

    for field, text in SHIP_TO.items():
        type_into(qtbot, editor, field, text)
    type_into(qtbot, editor, "bill_to_country", "gb")
    type_into(qtbot, editor, "requested_date", "2026-07-15")
    editor.lines_model.setData(editor.lines_model.index(ROW_CLOUD, COL_ACTIVATION), "it@northwind.example")
    assert panel.texts("release") == []
    assert panel.verdict.text() == READY_TEXT
    # Serials are still owed, but only before the goods ship.
    assert panel.texts("shipping") == ["Line 1: HW-SRV-R220: 2 of 2 serial numbers still missing",
                                       "Line 2: HW-AP-6E: 4 of 4 serial numbers still missing"]
    # Clearing a field brings its item back, still unsaved.
    type_into(qtbot, editor, "carrier", "")
    assert "Carrier (goods ship)" in panel.texts("release")


def test_a_bad_email_shows_the_reason_beside_the_field_and_disables_save(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    entry = editor.form.entries["contact_email"]
    type_into(qtbot, editor, "contact_email", "maria@northwind")
    assert entry.error.isVisible()
    assert entry.error.text() == "'maria@northwind' is not an email address"
    assert "border" in entry.editor.styleSheet()
    assert not editor.action_save.isEnabled()

    qtbot.keyClicks(entry.editor, ".example")
    assert not entry.error.isVisible()
    assert editor.action_save.isEnabled()
    type_into(qtbot, editor, "requested_date", "15.07.2026")
    assert editor.form.entries["requested_date"].error.text() == "'15.07.2026' is not a date (YYYY-MM-DD)"
    assert not editor.action_save.isEnabled()


def test_undo_and_redo_of_header_typing_with_the_keyboard(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    carrier = editor.form.entries["carrier"].editor
    type_into(qtbot, editor, "carrier", "UPS")
    type_into(qtbot, editor, "customer_po", "PO-778")
    assert editor.undo_stack.count() == 2  # typing on in one field is one step

    qtbot.keyClick(carrier, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.form.entries["customer_po"].editor.text() == ""
    assert carrier.text() == "UPS"
    qtbot.keyClick(carrier, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert carrier.text() == ""
    assert not editor.isWindowModified()
    assert "Carrier (goods ship)" in editor.readiness_panel.texts()
    qtbot.keyClick(carrier, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert carrier.text() == "UPS"
    qtbot.keyClick(carrier, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert editor.form.entries["customer_po"].editor.text() == "PO-778"
    assert editor.isWindowModified()


def test_same_as_ship_to_copies_the_address_in_one_undo_step(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    for field, text in SHIP_TO.items():
        type_into(qtbot, editor, field, text)
    qtbot.mouseClick(editor.form.same_as_ship_to, Qt.MouseButton.LeftButton)
    assert editor.form.text("bill_to_street") == "12 Harbour Road"
    assert editor.form.text("bill_to_country") == "GB"
    editor.action_undo.trigger()
    assert editor.form.text("bill_to_street") == ""
    assert editor.form.text("ship_to_street") == "12 Harbour Road"


# -- the lines table -------------------------------------------------------------------------

def test_kind_is_chosen_in_the_table_with_a_combo_box(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    view, model = editor.lines_view, editor.lines_model
    index = model.index(ROW_INSTALL, COL_KIND)
    view.setCurrentIndex(index)
    view.edit(index)
    combo = view.viewport().findChild(QComboBox, "kindEditor")
    assert combo is not None and combo.currentText() == "perform"
    combo.setCurrentIndex(combo.findText("ship"))
    with qtbot.waitSignal(model.dataChanged):  # Qt commits the editor once the key is handled
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert model.data(index) == "ship"
    # A line that ships needs an address: readiness says so at once.
    assert model.line(ROW_INSTALL).kind is FulfillmentKind.SHIP
    assert editor.undo_stack.undoText() == "line 5 fulfillment"


def test_typing_into_a_cell_and_a_refused_cell(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    view, model = editor.lines_view, editor.lines_model

    def type_cell(row: int, column: int, text: str) -> None:
        index = model.index(row, column)
        view.setCurrentIndex(index)
        view.edit(index)
        line_edit = next(w for w in view.viewport().findChildren(QLineEdit) if w.isVisible())
        line_edit.selectAll()
        qtbot.keyClicks(line_edit, text)
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.state() != view.State.EditingState)

    type_cell(ROW_CLOUD, COL_TENANT, "northwind.cloud.example")
    assert model.data(model.index(ROW_CLOUD, COL_TENANT)) == "northwind.cloud.example"
    type_cell(ROW_CLOUD, COL_ACTIVATION, "not an address")
    assert model.data(model.index(ROW_CLOUD, COL_ACTIVATION)) == ""
    assert editor.lines_message.text() == ("Not taken: line 4 activation contact: "
                                           "'not an address' is not an email address")
    assert "Line 4: SUB-CLOUD-STD: activation contact" in editor.readiness_panel.texts()
    # The serialized check box is a check box.
    checkbox = model.index(ROW_CABLE, COL_SERIALIZED)
    assert model.setData(checkbox, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(checkbox, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert "Line 3: CBL-CAT6-3M: 40 of 40 serial numbers still missing" in editor.readiness_panel.texts("shipping")


def test_pasting_a_column_of_quantities_and_undoing_it_in_one_step(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    model = editor.lines_model
    paste(qtbot, editor, ROW_SERVER, COL_QUANTITY, "1\r\n3\r\n25\r\n")
    assert [model.data(model.index(row, COL_QUANTITY)) for row in range(5)] == ["1", "3", "25", "25", "1"]
    assert editor.lines_message.text() == "Pasted 3 cells in lines 1–3."
    assert editor.undo_stack.count() == 1
    assert editor.isWindowModified()

    qtbot.keyClick(editor.lines_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [model.data(model.index(row, COL_QUANTITY)) for row in range(3)] == ["2", "4", "40"]
    assert not editor.isWindowModified()


def test_pasting_serial_numbers_fills_several_lines_and_refuses_the_bad_cells(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    model, panel = editor.lines_model, editor.readiness_panel
    assert len(panel.texts("shipping")) == 2
    paste(qtbot, editor, ROW_SERVER, COL_SERIALS, "SRV-001, SRV-002\nAP-1;AP-2;AP-3;AP-4\nCAB-1\n")
    assert model.line(ROW_SERVER).serial_numbers == ["SRV-001", "SRV-002"]
    assert model.line(ROW_AP).serial_numbers == ["AP-1", "AP-2", "AP-3", "AP-4"]
    assert model.line(ROW_CABLE).serial_numbers == []
    assert panel.texts("shipping") == []
    assert editor.lines_message.text() == ("Pasted 2 of 3 cells in lines 1–3. Not taken: line 3 serial numbers: "
                                           "the item is not serialized")
    cable = model.index(ROW_CABLE, COL_SERIALS)
    assert model.data(cable, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(ROW_SERVER, COL_SERIALS), Qt.ItemDataRole.ToolTipRole).startswith(
        "2 of 2 serial numbers")

    # Two columns at once, tab-separated, across bin and tenant; rows past the last line are left out.
    paste(qtbot, editor, ROW_CLOUD, COL_LOCATION, "C-1\tnorthwind.example\nC-2\tinstall.example\nC-3\tx\n")
    assert model.line(ROW_CLOUD).location == "C-1" and model.line(ROW_INSTALL).tenant == "install.example"
    assert "2 cells below the last line or past the last column were left out" in editor.lines_message.text()

    editor.action_undo.trigger()
    editor.action_undo.trigger()
    assert model.line(ROW_SERVER).serial_numbers == [] and model.line(ROW_CLOUD).location is None
    assert len(panel.texts("shipping")) == 2
    editor.action_redo.trigger()
    assert model.line(ROW_AP).serial_numbers == ["AP-1", "AP-2", "AP-3", "AP-4"]


def test_one_value_pasted_into_several_selected_cells(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    model, view = editor.lines_model, editor.lines_view
    QGuiApplication.clipboard().setText("A-07\r\n")
    view.setCurrentIndex(model.index(ROW_SERVER, COL_LOCATION))
    for row in (ROW_AP, ROW_CABLE):
        view.selectionModel().select(model.index(row, COL_LOCATION), view.selectionModel().SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [model.line(row).location for row in range(3)] == ["A-07", "A-07", "A-07"]


# -- saving -----------------------------------------------------------------------------------

def test_save_stores_only_the_changes_with_change_records(qtbot, open_editor, empty_store, order_id) -> None:
    editor = open_editor(order_id, who="maria")
    type_into(qtbot, editor, "carrier", "DHL Express")
    type_into(qtbot, editor, "ship_to_country", "gb")
    editor.lines_model.setData(editor.lines_model.index(ROW_CLOUD, COL_TENANT), "northwind.cloud.example")
    paste(qtbot, editor, ROW_SERVER, COL_SERIALS, "SRV-001, SRV-002\n")
    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.keyClick(editor.lines_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [order_id]

    order = stored(empty_store, order_id)
    assert (order.carrier, order.ship_to_country, order.version) == ("DHL Express", "GB", 2)
    assert order.lines[ROW_CLOUD].tenant == "northwind.cloud.example"
    assert order.lines[ROW_SERVER].serial_numbers == ["SRV-001", "SRV-002"]
    with empty_store.session() as session:
        records = session.execute(select(ChangeRecord).where(ChangeRecord.order_id == order_id,
                                                             ChangeRecord.who == "maria",
                                                             ChangeRecord.field != "created")).scalars().all()
        assert sorted((r.subject, r.field, r.old_value, r.new_value) for r in records) == [
            ("FO-000001", "carrier", None, "DHL Express"), ("FO-000001", "ship_to_country", None, "GB"),
            ("line 1", "serial_numbers", None, "SRV-001, SRV-002"),
            ("line 4", "tenant", None, "northwind.cloud.example")]
    assert not editor.isWindowModified()
    assert editor.form.text("ship_to_country") == "GB"  # as stored
    assert "version 2" in editor.subtitle_label.text()
    # The undo history outlives the save: undoing makes the window dirty again.
    editor.action_undo.trigger()
    assert editor.isWindowModified() and editor.lines_model.line(ROW_SERVER).serial_numbers == []


def test_a_stale_save_shows_who_changed_what_and_overwrites_nothing(qtbot, open_editor, empty_store, order_id,
                                                                    dialogs) -> None:
    editor = open_editor(order_id, who="maria")
    with empty_store.transaction() as session:  # a colleague saves first
        apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "UPS"}), who="jo")
    type_into(qtbot, editor, "carrier", "DHL Express")
    type_into(qtbot, editor, "customer_po", "PO-1")

    dialogs.answers = ["Keep editing"]
    assert not editor.save()
    assert "Order FO-000001 was changed since you opened it (version 1 → 2)" in dialogs.last
    assert "jo: carrier (blank) → UPS" in dialogs.last
    assert stored(empty_store, order_id).carrier == "UPS"
    assert editor.form.text("carrier") == "DHL Express" and editor.isWindowModified()

    dialogs.answers = ["Reload (discard mine)"]
    assert not editor.save()
    assert editor.form.text("carrier") == "UPS" and editor.form.text("customer_po") == ""
    assert not editor.isWindowModified()
    assert stored(empty_store, order_id).customer_po is None


def test_a_stale_save_can_apply_mine_again_on_top(qtbot, open_editor, empty_store, order_id, dialogs) -> None:
    editor = open_editor(order_id, who="maria")
    with empty_store.transaction() as session:
        apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "UPS", "warehouse": "AMS-2"}),
                   who="jo")
    type_into(qtbot, editor, "carrier", "DHL Express")
    dialogs.answers = ["Reload, then apply mine again"]
    assert not editor.save()
    assert editor.form.text("warehouse") == "AMS-2"  # theirs
    assert editor.form.text("carrier") == "DHL Express" and editor.isWindowModified()  # mine, unsaved
    assert editor.save()
    order = stored(empty_store, order_id)
    assert (order.carrier, order.warehouse, order.version) == ("DHL Express", "AMS-2", 3)


def test_a_colleagues_line_edit_also_makes_my_save_stale(qtbot, open_editor, empty_store, order_id,
                                                          dialogs) -> None:
    editor = open_editor(order_id, who="maria")
    with empty_store.transaction() as session:
        apply_edit(session, find_order(session, order_id), OrderEdit(lines={4: {"tenant": "theirs.example"}}),
                   who="jo")
    editor.lines_model.setData(editor.lines_model.index(ROW_CLOUD, COL_TENANT), "mine.example")
    dialogs.answers = ["Keep editing"]
    assert not editor.save()
    assert "jo: line 4 tenant (blank) → theirs.example" in dialogs.last
    assert stored(empty_store, order_id).lines[ROW_CLOUD].tenant == "theirs.example"


def test_a_readiness_item_leads_to_its_field(qtbot, open_editor, order_id) -> None:
    editor = open_editor(order_id)
    items = editor.readiness_panel.items
    carrier = next(items.item(row) for row in range(items.count()) if items.item(row).text() == "• Carrier (goods ship)")
    items.itemDoubleClicked.emit(carrier)
    assert QApplication.focusWidget() is editor.form.entries["carrier"].editor
    assert "background" in editor.form.entries["carrier"].editor.styleSheet()  # amber: readiness waits for it
    contact = next(items.item(row) for row in range(items.count()) if "activation contact" in items.item(row).text())
    items.itemActivated.emit(contact)
    assert editor.lines_view.currentIndex() == editor.lines_model.index(ROW_CLOUD, COL_ACTIVATION)


def test_a_refused_save_shows_the_problem_at_its_cell(qtbot, open_editor, empty_store, order_id, dialogs) -> None:
    editor = open_editor(order_id)
    editor.lines_model.setData(editor.lines_model.index(ROW_CABLE, COL_QUANTITY), "35")
    with empty_store.transaction(who="test setup") as session:  # the quote was revised down meanwhile
        session.execute(select(QuoteLine).where(QuoteLine.product_code == "CBL-CAT6-3M")).scalar_one().quantity \
            = Decimal(30)
    assert not editor.save()
    assert "line 3 quantity: is more than the quote's 30" in dialogs.last
    cell = editor.lines_model.index(ROW_CABLE, COL_QUANTITY)
    assert "more than the quote's 30" in editor.lines_model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert stored(empty_store, order_id).lines[ROW_CABLE].quantity == 40


def test_closing_with_unsaved_changes_asks(qtbot, open_editor, empty_store, order_id, dialogs) -> None:
    editor = open_editor(order_id)
    type_into(qtbot, editor, "carrier", "UPS")
    dialogs.answers = ["Cancel"]
    assert not editor.close()
    assert editor.isVisible()
    dialogs.answers = ["Save"]
    assert editor.close()
    assert stored(empty_store, order_id).carrier == "UPS"

    editor = open_editor(order_id)
    type_into(qtbot, editor, "carrier", "FedEx")
    dialogs.answers = ["Discard"]
    assert editor.close()
    assert stored(empty_store, order_id).carrier == "UPS"


# -- status -------------------------------------------------------------------------------------

def test_a_status_change_refused_then_allowed(qtbot, open_editor, empty_store, order_id, dialogs) -> None:
    editor = open_editor(order_id)
    assert editor.status_label.text() == "Draft"
    ready = next(a for a in editor.move_menu.actions() if a.data() == OrderStatus.READY.value)
    ready.trigger()
    assert "Order FO-000001 cannot move to Ready now:" in dialogs.last
    assert "• missing carrier (goods ship)" in dialogs.last
    assert stored(empty_store, order_id).status is OrderStatus.DRAFT

    for field, text in {**SHIP_TO, "bill_to_country": "GB", "carrier": "DHL Express",
                        "requested_date": "2026-07-15"}.items():
        type_into(qtbot, editor, field, text)
    editor.lines_model.setData(editor.lines_model.index(ROW_CLOUD, COL_ACTIVATION), "it@northwind.example")
    dialogs.answers = ["Save"]  # the edits go first
    ready = next(a for a in editor.move_menu.actions() if a.data() == OrderStatus.READY.value)
    with qtbot.waitSignal(editor.saved):
        ready.trigger()
    assert "before moving it to Ready" in dialogs.last
    assert editor.status_label.text() == "Ready"
    order = stored(empty_store, order_id)
    assert (order.status, order.carrier) == (OrderStatus.READY, "DHL Express")
    assert [a.data() for a in editor.move_menu.actions()] == ["draft", "sent_to_erp", "on_hold", "cancelled"]


def test_on_hold_asks_for_a_reason(qtbot, open_editor, empty_store, order_id, monkeypatch) -> None:
    editor = open_editor(order_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Credit check pending", True))
    assert editor.move_to(OrderStatus.ON_HOLD)
    order = stored(empty_store, order_id)
    assert (order.status, order.status_reason) == (OrderStatus.ON_HOLD, "Credit check pending")
    assert "On hold: Credit check pending" in editor.notice_label.text()
    assert [a.data() for a in editor.move_menu.actions()] == ["draft", "cancelled"]


def test_a_cancelled_order_is_shown_but_not_editable(qtbot, open_editor, empty_store, order_id, monkeypatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Customer withdrew", True))
    editor = open_editor(order_id)
    assert editor.move_to(OrderStatus.CANCELLED)
    assert editor.form.entries["carrier"].editor.isReadOnly()
    assert not editor.lines_model.flags(editor.lines_model.index(0, COL_QUANTITY)) & Qt.ItemFlag.ItemIsEditable
    assert not editor.action_save.isEnabled()
    assert "can no longer be changed" in editor.notice_label.text()
    assert not editor.move_button.isEnabled()


def test_an_order_that_does_not_exist(qtbot, open_editor, empty_store) -> None:
    editor = open_editor(999)
    assert editor.notice_label.text() == "There is no order 999."
    assert not editor.action_save.isEnabled()
    assert QApplication.activeModalWidget() is None
