"""The change history, as the coordinator reads it in the order editor and on the account page."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox
from sqlalchemy import select

from window_helpers import double_click, make_window
from qtc_desktop.domain import Account, ChangeRecord, ChangeSource, FulfillmentOrder, FulfillmentOrderLine, OrderStatus
from qtc_desktop.services.changes import history as history_service
from qtc_desktop.services.changes.history import HistoryFilter
from qtc_desktop.ui.history_panel import (
    COL_NEW,
    COL_OLD,
    COL_ORDER,
    COL_WHEN,
    HEADERS,
    NO_CHANGES,
    HistoryModel,
    HistoryPanel,
)
from qtc_desktop.ui.order_editor import OrderEditor
from qtc_desktop.ui.order_lines_model import COL_QUANTITY

WHO = "maria"
LONG_INSTRUCTIONS = ("Deliver to the loading dock at the back of building C between 07:00 and 11:00 only; "
                     "ask for Sam at the gate.\nCall +44 20 7946 0018 thirty minutes before arrival.")


@pytest.fixture
def shown_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message box the code under test opens, answered with its escape button."""
    shown: list[str] = []

    def exec_(box: QMessageBox) -> int:
        shown.append(f"{box.text()}\n{box.informativeText()}")
        if box.escapeButton() is not None:
            box.escapeButton().click()
        return box.result()

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


@pytest.fixture
def ready(filled_store) -> dict:
    """A ready order of the sample data (its move from ready recorded) with a line of two or more."""
    with filled_store.session() as session:
        order, line = session.execute(
            select(FulfillmentOrder, FulfillmentOrderLine)
            .join(FulfillmentOrderLine, FulfillmentOrderLine.order_id == FulfillmentOrder.id)
            .where(FulfillmentOrder.status == OrderStatus.READY, FulfillmentOrderLine.quantity >= 2)
            .order_by(FulfillmentOrder.id, FulfillmentOrderLine.line_no).limit(1)).one()
        row = [other.id for other in order.lines].index(line.id)
        return {"id": order.id, "number": order.number, "account_id": order.account_id, "carrier": order.carrier,
                "row": row, "line_no": line.line_no, "quantity": line.quantity}


def open_editor(qtbot, store, order_id: int) -> OrderEditor:
    editor = OrderEditor(store, order_id, WHO)
    qtbot.addWidget(editor, before_close_func=lambda widget: widget.undo_stack.setClean())
    editor.show()
    qtbot.waitExposed(editor)
    editor.windowHandle().requestActivate()  # shortcuts reach the active window only
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def edit_and_save(qtbot, editor: OrderEditor, ready: dict) -> str:
    """Type a carrier, lower a line's quantity by one, Ctrl+S; the new quantity."""
    carrier = editor.form.entries["carrier"].editor
    assert isinstance(carrier, QLineEdit)
    carrier.selectAll()
    qtbot.keyClicks(carrier, "Blue Dart Couriers")
    quantity = f"{(ready['quantity'] - 1).normalize():f}"
    model = editor.lines_model
    assert model.setData(model.index(ready["row"], COL_QUANTITY), quantity)
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(carrier, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return quantity


def rows(panel: HistoryPanel, *headers: str) -> list[tuple[str, ...]]:
    """What the table shows, row by row, in the columns named."""
    model = panel.model
    columns = [HEADERS.index(header) for header in headers]
    return [tuple(model.data(model.index(row, column)) for column in columns) for row in range(model.rowCount())]


def choices(combo) -> list[str]:
    return [combo.itemText(index) for index in range(combo.count())]


def choose(combo, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} not among {choices(combo)}"
    combo.setCurrentIndex(index)


# -- the model on its own ------------------------------------------------------------------

def test_history_model_passes_qt_model_tester(qtmodeltester, filled_store, ready) -> None:
    with filled_store.transaction(who="test setup", reason="a long value") as session:
        session.get(FulfillmentOrder, ready["id"]).instructions = LONG_INSTRUCTIONS
    with filled_store.session() as session:
        entries = history_service.account_history(session, ready["account_id"])
    model = HistoryModel()
    model.set_entries(entries)
    assert model.rowCount() == len(entries) > 2
    qtmodeltester.check(model, force_py=True)
    # Newest first, the other way round from the service.
    assert model.entry(0) == entries[-1] and model.entry(model.rowCount() - 1) == entries[0]
    model.set_entries([])
    qtmodeltester.check(model, force_py=True)


# -- the order editor ------------------------------------------------------------------------

def test_a_saved_edit_shows_in_the_order_history(qtbot, filled_store, ready, shown_boxes) -> None:
    editor = open_editor(qtbot, filled_store, ready["id"])
    panel = editor.history_panel
    before = panel.model.rowCount()
    assert before > 0  # the sample data's own records
    quantity = edit_and_save(qtbot, editor, ready)
    assert shown_boxes == []

    editor.action_history.trigger()  # View ▸ History
    assert editor.body_tabs.currentWidget() is panel and panel.isVisible()
    assert editor.action_history.isChecked()
    assert panel.model.rowCount() == before + 2
    assert editor.body_tabs.tabText(editor.body_tabs.indexOf(panel)) == f"&History ({before + 2})"
    assert panel.count_label.text() == f"{before + 2} changes"
    assert panel.table.isColumnHidden(COL_ORDER)  # it is always this order
    old_quantity = f"{ready['quantity'].normalize():f}"
    assert sorted(rows(panel, "Who", "Source", "What", "Old", "New")[:2]) == sorted([
        (WHO, "User edit", "carrier", ready["carrier"] or "", "Blue Dart Couriers"),
        (WHO, "User edit", f"line {ready['line_no']} quantity", old_quantity, quantity)])
    when = panel.model.data(panel.model.index(0, COL_WHEN))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when)
    assert when == panel.model.entry(0).at.astimezone().strftime("%Y-%m-%d %H:%M")

    # Ctrl+H goes back to the lines and over to the history again.
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert editor.body_tabs.currentWidget() is editor.lines_box and not editor.action_history.isChecked()
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert editor.body_tabs.currentWidget() is panel


def test_filtering_by_field_and_by_source_asks_the_database(qtbot, filled_store, ready, shown_boxes,
                                                           monkeypatch) -> None:
    editor = open_editor(qtbot, filled_store, ready["id"])
    edit_and_save(qtbot, editor, ready)
    editor.action_history.trigger()
    panel = editor.history_panel
    total = panel.model.rowCount()
    all_fields, all_sources = choices(panel.field_filter), choices(panel.source_filter)
    assert all_fields[0] == "All fields" and {"carrier", "quantity", "status"} <= set(all_fields)
    assert all_sources == ["All sources", "User edit", "System"]

    asked: list[HistoryFilter] = []
    real = history_service.order_history

    def spy(session, order, where=HistoryFilter(), **kwargs):
        asked.append(where)
        return real(session, order, where, **kwargs)

    monkeypatch.setattr("qtc_desktop.ui.history_panel.order_history", spy)
    choose(panel.field_filter, "carrier")
    assert HistoryFilter("carrier", None) in asked  # the SQL filters, not the view
    assert rows(panel, "Who", "What", "New") == [(WHO, "carrier", "Blue Dart Couriers")]
    assert panel.count_label.text() == f"1 of {total} changes"
    assert choices(panel.field_filter) == all_fields  # the choices stay those of the whole history

    choose(panel.field_filter, "status")
    assert rows(panel, "Who", "Source", "What") and all(
        row == ("sample data", "System", "status") for row in rows(panel, "Who", "Source", "What"))

    panel.field_filter.setCurrentIndex(0)
    choose(panel.source_filter, ChangeSource.USER_EDIT.value)
    assert HistoryFilter(None, ChangeSource.USER_EDIT) in asked
    assert sorted(rows(panel, "Who", "Source", "What")) == sorted([
        (WHO, "User edit", "carrier"), (WHO, "User edit", f"line {ready['line_no']} quantity")])
    assert panel.count_label.text() == f"2 of {total} changes"
    assert choices(panel.source_filter) == all_sources

    # Both at once: user edits to the status, of which there are none.
    choose(panel.field_filter, "status")
    assert HistoryFilter("status", ChangeSource.USER_EDIT) in asked
    assert panel.model.rowCount() == 0 and panel.count_label.text() == f"0 of {total} changes"
    assert panel.table.isVisible()  # an empty filter is not an empty history


def test_the_history_follows_a_status_move_and_shows_long_values_whole_in_the_tooltip(
        qtbot, filled_store, ready, shown_boxes, monkeypatch) -> None:
    editor = open_editor(qtbot, filled_store, ready["id"])
    editor.action_history.trigger()
    editor.form.set_by_user("instructions", LONG_INSTRUCTIONS)
    assert editor.save()
    panel = editor.history_panel
    model = panel.model
    assert rows(panel, "Who", "What")[0] == (WHO, "instructions")
    shown = model.data(model.index(0, COL_NEW))
    assert shown.endswith("…") and len(shown) <= 60 and "\n" not in shown
    assert LONG_INSTRUCTIONS.startswith(shown[:-1])
    tooltip = model.data(model.index(0, COL_NEW), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.split() == LONG_INSTRUCTIONS.split()  # all of it, wrapped to be read
    assert model.data(model.index(0, COL_OLD)) == ""

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Credit check pending", True))
    assert editor.move_to(OrderStatus.ON_HOLD)
    assert rows(panel, "Who", "What", "Old", "New", "Reason")[0] == (
        WHO, "status", "Ready", "On hold", "Credit check pending")
    assert shown_boxes == []


def test_an_order_that_does_not_exist_says_so_in_the_panel(qtbot, empty_store) -> None:
    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.load_order(empty_store, 999)
    assert panel.message.isVisible() and panel.message.text() == "There is no order 999."
    assert not panel.table.isVisible() and panel.model.rowCount() == 0
    panel.load_account(empty_store, 999)
    assert panel.message.isVisible() and panel.message.text() == NO_CHANGES
    assert not panel.field_filter.isEnabled()


# -- the account page ------------------------------------------------------------------------

def test_the_account_page_shows_the_accounts_and_its_orders_changes(qtbot, filled_store, settings, ready,
                                                                    shown_boxes) -> None:
    window = make_window(qtbot, filled_store, settings, coordinator="Dana Coordinator")
    editor = open_editor(qtbot, filled_store, ready["id"])
    edit_and_save(qtbot, editor, ready)
    with filled_store.transaction(who="Dana Coordinator", reason="new switchboard") as session:
        account = session.get(Account, ready["account_id"])
        old_phone, account_name = account.phone, account.name
        account.phone = "+44 20 7946 0000"
    with filled_store.session() as session:  # every order of the account with a change recorded
        changed_orders = set(session.scalars(
            select(FulfillmentOrder.number).join(ChangeRecord, ChangeRecord.order_id == FulfillmentOrder.id)
            .where(FulfillmentOrder.account_id == ready["account_id"])))
    assert len(changed_orders) > 1

    page = window.order_actions.open_account(ready["account_id"])
    panel = page.history
    page.tabs.setCurrentWidget(panel)
    assert panel.isVisible() and not panel.table.isColumnHidden(COL_ORDER)
    shown = rows(panel, "Who", "Order", "What", "Old", "New", "Reason")
    assert shown[0] == ("Dana Coordinator", "", "phone", old_phone or "", "+44 20 7946 0000", "new switchboard")
    assert (WHO, ready["number"], "carrier", ready["carrier"] or "", "Blue Dart Couriers", "") in shown
    assert {row[1] for row in shown} == changed_orders | {""}  # "": the account's own change
    assert page.tabs.tabText(page.tabs.indexOf(panel)) == f"&History ({len(shown)})"
    assert account_name in page.windowTitle()

    choose(panel.source_filter, ChangeSource.USER_EDIT.value)
    assert sorted(rows(panel, "Who", "Order", "What")) == sorted([
        (WHO, ready["number"], "carrier"), (WHO, ready["number"], f"line {ready['line_no']} quantity")])
    assert page.tabs.tabText(page.tabs.indexOf(panel)) == f"&History (2 of {len(shown)})"
    choose(panel.field_filter, "phone")
    assert panel.model.rowCount() == 0
    panel.source_filter.setCurrentIndex(0)
    assert rows(panel, "Who", "What") == [("Dana Coordinator", "phone")]

    # Double-clicking an order's change opens that order.
    panel.field_filter.setCurrentIndex(0)
    editor.close()
    row = next(number for number in range(panel.model.rowCount())
               if panel.model.entry(number).order_number == ready["number"])
    double_click(qtbot, panel.table, panel.model.index(row, HEADERS.index("What")))
    assert window.order_actions.editors[ready["id"]].isVisible()
