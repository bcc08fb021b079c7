"""The main window's order commands, driven as a coordinator drives them: create an order from a
quote, open it, move it through its workflow, record a shipment, filter the Orders list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from window_helpers import double_click
from window_helpers import make_window as open_window
from qtc_desktop.domain import (
    ChangeRecord,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Quote,
)
from qtc_desktop.services.lists import ORDERS, ListQuery, row_ids
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.readiness import blocks_release, readiness
from qtc_desktop.ui.main_window import TAB_ORDERS, TAB_QUOTES, MainWindow
from qtc_desktop.ui.order_actions import OrderActions


def make_window(qtbot, store, settings) -> MainWindow:
    return open_window(qtbot, store, settings, coordinator="Dana Coordinator")


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """What QMessageBox.warning would have shown, instead of a modal box."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


@pytest.fixture
def choices(monkeypatch) -> list[tuple[str, list[str]]]:
    """Questions asked with OrderActions.choose; the first choice is taken."""
    asked: list[tuple[str, list[str]]] = []

    def choose(self, title, text, options):
        asked.append((text, options))
        return 0

    monkeypatch.setattr(OrderActions, "choose", choose)
    return asked


def _orders_page(window: MainWindow):
    return window.pages[TAB_ORDERS]


def _status_shown(page, order_id: int) -> str:
    row = page.model.row_of(order_id)
    assert row is not None
    return page.model.data(page.model.index(row, ORDERS.column_index("status")))


# -- create an order from a quote -----------------------------------------------------------


def test_create_order_from_quote_selects_it_in_orders_and_opens_the_editor(
        qtbot, filled_store, settings, warnings) -> None:
    with filled_store.session() as session:
        quote = session.scalars(select(Quote).where(~Quote.orders.any()).order_by(Quote.id)).first()
        assert quote is not None
        quote_id, number = quote.id, quote.number
        before = session.scalar(select(func.max(FulfillmentOrder.id)))
    window = make_window(qtbot, filled_store, settings)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    quotes = window.current_page()
    assert quotes.select_id(quote_id)
    assert window.order_actions.action_create_order.isEnabled()
    assert not window.order_actions.action_edit_order.isEnabled()  # a quote is selected, not an order

    qtbot.keyClick(quotes.table, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    assert warnings == []
    with filled_store.session() as session:
        order = session.scalars(select(FulfillmentOrder).where(FulfillmentOrder.id > before)).one()
        assert order.quote_id == quote_id and order.status is OrderStatus.DRAFT
        record = session.scalars(select(ChangeRecord).where(ChangeRecord.order_id == order.id)).one()
        assert record.who == "Dana Coordinator"
        order_id, order_number = order.id, order.number
    assert window.tabs.currentIndex() == TAB_ORDERS
    orders = window.current_page()
    assert orders.current_id() == order_id
    assert orders.detail.detail is not None and orders.detail.detail.title == f"Order {order_number}"
    assert order_number in window.statusBar().currentMessage() and number in window.statusBar().currentMessage()

    from qtc_desktop.ui.order_editor import OrderEditor

    editor = window.order_actions.editors[order_id]
    assert isinstance(editor, OrderEditor) and editor.isVisible()
    assert editor.order_id == order_id


def test_a_quote_with_an_order_offers_to_open_that_order(qtbot, filled_store, settings, warnings, choices) -> None:
    with filled_store.session() as session:
        order = session.scalars(select(FulfillmentOrder).options(selectinload(FulfillmentOrder.quote))
                                .order_by(FulfillmentOrder.id).limit(1)).one()
        quote_id, order_id, order_number = order.quote_id, order.id, order.number
        count = session.scalar(select(func.count(FulfillmentOrder.id)))
    window = make_window(qtbot, filled_store, settings)
    window.tabs.setCurrentIndex(TAB_QUOTES)
    assert window.current_page().select_id(quote_id)
    window.order_actions.action_create_order.trigger()
    (text, options), = choices
    assert f"already has order {order_number}" in text
    assert options == [f"Open {order_number}"]
    with filled_store.session() as session:
        assert session.scalar(select(func.count(FulfillmentOrder.id))) == count  # nothing created
    assert window.tabs.currentIndex() == TAB_ORDERS
    assert window.current_page().current_id() == order_id
    assert window.order_actions.editors[order_id].isVisible()


def test_a_newer_revision_of_a_quote_with_an_order_may_get_its_own(
        qtbot, filled_store, settings, warnings, choices) -> None:
    with filled_store.transaction(who="test setup") as session:
        order = session.scalars(select(FulfillmentOrder).options(selectinload(FulfillmentOrder.quote))
                                .order_by(FulfillmentOrder.id).limit(1)).one()
        old = order.quote
        old.superseded = True
        revision = Quote(number=old.number, revision=2, type=old.type, account_id=old.account_id,
                         currency=old.currency, net_total=old.net_total, line_count=1, quote_date=old.quote_date)
        from qtc_desktop.domain import QuoteLine

        revision.lines.append(QuoteLine(line_no=1, product_code="HW-RAIL-KIT", product_name="Sliding Rail Kit",
                                        quantity=Decimal(3)))
        session.add(revision)
        session.flush()
        old_id, new_quote_id, old_number = old.id, revision.id, order.number
    window = make_window(qtbot, filled_store, settings)
    window.tabs.setCurrentIndex(TAB_QUOTES)
    page = window.current_page()
    page.filters["revisions"].setCurrentIndex(page.filters["revisions"].findData("all"))
    assert page.select_id(old_id)  # even from the old revision, the order is for the latest
    window.order_actions.action_create_order.trigger()
    (text, options), = choices
    assert old_number in text and "revision 2" in text
    assert options[0] == "Create Order for Revision 2"
    with filled_store.session() as session:
        created = session.scalars(select(FulfillmentOrder).where(FulfillmentOrder.quote_id == new_quote_id)).one()
    assert window.current_page().current_id() == created.id


def test_create_order_finds_the_order_behind_a_filter(qtbot, filled_store, settings, warnings) -> None:
    with filled_store.session() as session:
        quote_id = session.scalars(select(Quote.id).where(~Quote.orders.any())).first()
    window = make_window(qtbot, filled_store, settings)
    orders = _orders_page(window)
    orders.filters["status"].setCurrentIndex(orders.filters["status"].findData("shipped"))
    window.tabs.setCurrentIndex(TAB_QUOTES)
    window.current_page().select_id(quote_id)
    window.order_actions.action_create_order.trigger()
    assert window.tabs.currentIndex() == TAB_ORDERS
    assert orders.current_id() is not None
    assert orders.filters["status"].currentData() == ""  # the filter that hid the draft was cleared
    assert _status_shown(orders, orders.current_id()) == "Draft"


# -- open the editor ------------------------------------------------------------------------


def test_enter_or_double_click_opens_one_editor_and_a_save_refreshes_the_list(
        qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    page.select_id(page.model.row_id(3))
    order_id = page.current_id()
    double_click(qtbot, page.table, page.model.index(3, 0))
    first = window.order_actions.editors[order_id]
    assert first.isVisible()
    first.close()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = window.order_actions.editors[order_id]
    assert editor.isVisible() and editor is not first  # closed, so read afresh
    window.order_actions.action_edit_order.trigger()
    double_click(qtbot, page.table, page.model.index(3, 0))
    assert window.order_actions.editors == {order_id: editor}  # the same window, raised

    # What the editor's Save does: one transaction, then `saved`.
    with filled_store.transaction() as session:
        order = session.get(FulfillmentOrder, order_id)
        apply_edit(session, order, OrderEdit({"carrier": "Kuehne+Nagel"}), who="Dana")
    with qtbot.waitSignal(page.model.refreshed):
        editor.saved.emit(order_id)
    assert page.current_id() == order_id  # still selected
    assert dict(page.detail.detail.fields)["Carrier"].startswith("Kuehne+Nagel")
    row = page.model.row_of(order_id)
    assert page.model.data(page.model.index(row, ORDERS.column_index("carrier"))) == "Kuehne+Nagel"


def test_closing_the_main_window_closes_the_editors(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    page.select_id(page.model.row_id(0))
    editor = window.order_actions.open_editor(page.current_id())
    assert editor is not None and editor.isVisible()
    window.close()
    assert not editor.isVisible()


# -- move to another status -----------------------------------------------------------------


def _draft_not_ready(store) -> int:
    with store.session() as session:
        drafts = session.scalars(select(FulfillmentOrder).where(FulfillmentOrder.status == OrderStatus.DRAFT)
                                 .options(selectinload(FulfillmentOrder.lines)).order_by(FulfillmentOrder.id)).all()
        return next(order.id for order in drafts if blocks_release(readiness(order)))


def _trigger_move(window: MainWindow, status: OrderStatus) -> None:
    menu = window.order_actions.move_menu
    menu.aboutToShow.emit()  # what opening the submenu does
    actions = {action.data(): action for action in menu.actions()}
    assert status.value in actions, list(actions)
    actions[status.value].trigger()


def test_move_to_is_refused_with_reasons_then_allowed(qtbot, filled_store, settings, warnings, monkeypatch) -> None:
    order_id = _draft_not_ready(filled_store)
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    assert page.select_id(order_id)
    menu = window.order_actions.move_menu
    menu.aboutToShow.emit()
    offered = {action.data(): action for action in menu.actions()}
    assert set(offered) == {"ready", "on_hold", "cancelled"}
    assert offered["ready"].toolTip().startswith("Not now: missing")  # said before it is chosen

    _trigger_move(window, OrderStatus.READY)
    assert len(warnings) == 1 and "cannot move to Ready" in warnings[0] and "• Missing" in warnings[0]
    assert _status_shown(page, order_id) == "Draft"

    # On hold needs a reason: an empty one is refused, a real one is taken.
    answers = iter([("", True), ("Waiting for the credit check", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))
    _trigger_move(window, OrderStatus.ON_HOLD)
    assert "needs a reason" in warnings[-1]
    with qtbot.waitSignal(page.model.refreshed):
        _trigger_move(window, OrderStatus.ON_HOLD)
    assert _status_shown(page, order_id) == "On hold"
    assert dict(page.detail.detail.fields)["Status"] == "On hold: Waiting for the credit check"
    _trigger_move(window, OrderStatus.DRAFT)  # back to where it was held
    assert _status_shown(page, order_id) == "Draft"

    # Filled in (as the editor would), the same move is allowed.
    with filled_store.transaction() as session:
        order = session.get(FulfillmentOrder, order_id)
        apply_edit(session, order, _everything_missing(order), who="Dana")
    window.refresh()
    page.select_id(order_id)
    count = len(warnings)
    _trigger_move(window, OrderStatus.READY)
    assert len(warnings) == count
    assert _status_shown(page, order_id) == "Ready"
    assert "is now ready" in window.statusBar().currentMessage()


def _everything_missing(order: FulfillmentOrder) -> OrderEdit:
    """An edit filling in whatever the order lacks before release, as a coordinator would."""
    values = {"ship_to_name": "Dock 4", "ship_to_street": "1 Harbour Road", "ship_to_city": "Hamburg",
              "ship_to_postal_code": "20457", "ship_to_country": "DE", "carrier": "DHL",
              "requested_date": "2030-01-15", "bill_to_name": "Accounts Payable", "bill_to_country": "DE"}
    header = {name: value for name, value in values.items() if not getattr(order, name)}
    lines: dict[int, dict[str, str]] = {}
    for line in order.lines:
        if line.kind is FulfillmentKind.PROVISION:
            lines[line.line_no] = {"activation_contact": line.activation_contact or "it@example.com"}
            if line.subscription_start is None:
                end = line.subscription_end or dt.date(2031, 1, 1)
                lines[line.line_no]["subscription_start"] = (end - dt.timedelta(days=365)).isoformat()
    return OrderEdit(header, lines)


def test_cancel_asks_for_a_reason_and_can_be_abandoned(qtbot, filled_store, settings, warnings, monkeypatch) -> None:
    order_id = _draft_not_ready(filled_store)
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    page.select_id(order_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("", False))  # Cancel
    _trigger_move(window, OrderStatus.CANCELLED)
    assert warnings == [] and _status_shown(page, order_id) == "Draft"


# -- record a shipment ----------------------------------------------------------------------


def _confirmed_with_plain_goods(store) -> tuple[int, int, Decimal]:
    """A confirmed order, one of its unserialized goods lines with 2 or more, and that quantity."""
    with store.session() as session:
        line = session.scalars(
            select(FulfillmentOrderLine).join(FulfillmentOrder)
            .where(FulfillmentOrder.status == OrderStatus.CONFIRMED, FulfillmentOrderLine.kind == FulfillmentKind.SHIP,
                   FulfillmentOrderLine.serialized.is_(False), FulfillmentOrderLine.quantity >= 2)
            .order_by(FulfillmentOrderLine.id)).first()
        assert line is not None, "the sample data has a confirmed order with plain goods"
        return line.order_id, line.line_no, line.quantity


def test_record_a_partial_shipment_through_the_dialog(qtbot, filled_store, settings, warnings) -> None:
    order_id, line_no, quantity = _confirmed_with_plain_goods(filled_store)
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    page.select_id(order_id)
    actions = window.order_actions
    assert actions.action_record_shipment.isEnabled()
    actions.action_record_shipment.trigger()
    dialog = actions.shipment_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.quantity_boxes[line_no].value() == float(quantity)  # what remains, by default

    for number, box in dialog.quantity_boxes.items():
        box.setValue(0)
    assert not dialog.ok_button.isEnabled() and "at least one line" in dialog.problems.text()
    half = int(quantity) // 2
    dialog.quantity_boxes[line_no].setValue(half)
    qtbot.keyClicks(dialog.tracking, "1Z999AA10123456784")
    assert dialog.carrier.text()  # the order's carrier
    dialog.set_package(0, "abc")
    assert "Package 1: weight 'abc' is not a number" in dialog.problems.text()
    assert not dialog.ok_button.isEnabled()
    dialog.set_package(0, "12,5", "60", "40", "40")
    qtbot.mouseClick(dialog.add_package_button, Qt.MouseButton.LeftButton)
    dialog.set_package(1, "3")
    dialog.ship_date.setDate(QDate(2026, 11, 2))
    assert dialog.ok_button.isEnabled(), dialog.problems.text()

    with qtbot.waitSignal(dialog.recorded):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert warnings == []
    assert not dialog.isVisible()
    assert _status_shown(page, order_id) == "Partly shipped"
    assert page.current_id() == order_id
    detail = page.detail.detail
    lines = next(table for table in detail.tables if table.title == "Lines")
    row = next(row for row in lines.rows if row[0] == str(line_no))
    backorder = lines.headers.index("Backorder")
    assert row[lines.headers.index("Shipped")] == str(half)
    assert row[backorder] == str(int(quantity) - half)
    shipments = next(table for table in detail.tables if table.title == "Shipments")
    assert shipments.rows[-1][3] == "1Z999AA10123456784" and shipments.rows[-1][1] == "2026-11-02"
    assert dialog.shipment_number in window.statusBar().currentMessage()
    with filled_store.session() as session:
        order = session.get(FulfillmentOrder, order_id)
        shipment = order.shipments[-1]
        assert [(p.weight_kg, p.length_cm) for p in shipment.packages] == [(Decimal("12.5"), Decimal(60)),
                                                                            (Decimal(3), None)]
        assert {line.quantity for line in shipment.lines} == {Decimal(half)}


def test_serials_follow_the_quantity_and_are_checked(qtbot, filled_store, settings, warnings) -> None:
    with filled_store.transaction(who="test setup") as session:
        line = session.scalars(
            select(FulfillmentOrderLine).join(FulfillmentOrder)
            .where(FulfillmentOrder.status == OrderStatus.CONFIRMED, FulfillmentOrderLine.kind == FulfillmentKind.SHIP,
                   FulfillmentOrderLine.quantity >= 2).order_by(FulfillmentOrderLine.id)).first()
        line.serialized = True
        line.serial_numbers = [f"SN{n}" for n in range(int(line.quantity))]
        order_id, line_no = line.order_id, line.line_no
    window = make_window(qtbot, filled_store, settings)
    _orders_page(window).select_id(order_id)
    dialog = window.order_actions.record_shipment()
    assert dialog is not None
    serials = dialog.serial_edits[line_no]
    dialog.quantity_boxes[line_no].setValue(2)
    assert serials.text() == "SN0, SN1"  # the recorded ones, as many as leave
    qtbot.keyClicks(serials, ", SN9")
    assert f"Line {line_no}: 3 serial numbers for 2 units." in dialog.problems.text()
    serials.clear()
    qtbot.keyClicks(serials, "SN5, SN5")
    assert "appears twice" in dialog.problems.text()
    dialog.reject()


def test_a_draft_cannot_ship_and_says_why(qtbot, filled_store, settings, warnings) -> None:
    order_id = _draft_not_ready(filled_store)
    window = make_window(qtbot, filled_store, settings)
    _orders_page(window).select_id(order_id)
    assert not window.order_actions.action_record_shipment.isEnabled()
    assert window.order_actions.record_shipment() is None
    assert "is draft. Goods ship once the order is sent to the ERP or confirmed" in warnings[0]


def test_a_refusal_by_the_service_keeps_the_dialog_open(qtbot, filled_store, settings, warnings) -> None:
    order_id, line_no, _quantity = _confirmed_with_plain_goods(filled_store)
    window = make_window(qtbot, filled_store, settings)
    _orders_page(window).select_id(order_id)
    dialog = window.order_actions.record_shipment()
    for number, box in dialog.quantity_boxes.items():
        box.setValue(1 if number == line_no else 0)
    with filled_store.transaction() as session:  # someone else saves the order meanwhile
        order = session.get(FulfillmentOrder, order_id)
        apply_edit(session, order, OrderEdit({"customer_po": "PO-CHANGED"}), who="Sam")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "was changed since you opened it" in dialog.problems.text()


# -- the new filters ------------------------------------------------------------------------


def _ids(store, **filters) -> set[int]:
    with store.engine.connect() as connection:
        return set(row_ids(connection, ORDERS, ListQuery(filters=filters)))


def _listed(page) -> set[int]:
    return {page.model.row_id(row) for row in range(page.model.rowCount())}


@pytest.mark.parametrize("value", ["any", "not_ready", "overdue", "changed"])
def test_needs_attention_combo(qtbot, filled_store, settings, value) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    combo = page.filters["attention"]
    with qtbot.waitSignal(page.model.refreshed):
        combo.setCurrentIndex(combo.findData(value))
    assert _listed(page) == _ids(filled_store, attention=value)
    assert 0 < page.model.rowCount() < 90


def test_requested_date_choices_and_range(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    combo = page.filters["requested"]
    start, end = page.date_ranges["requested"]
    assert start.isHidden() and end.isHidden()
    with qtbot.waitSignal(page.model.refreshed):
        combo.setCurrentIndex(combo.findData("none"))
    assert _listed(page) == _ids(filled_store, requested="none") != set()
    combo.setCurrentIndex(combo.findData("between"))
    assert start.isVisible() and end.isVisible()
    start.setDate(QDate(2000, 1, 1))
    with qtbot.waitSignal(page.model.refreshed):
        end.setDate(QDate(2100, 1, 1))
    assert _listed(page) == _ids(filled_store, requested="2000-01-01..2100-01-01")
    assert _listed(page) == _ids(filled_store) - _ids(filled_store, requested="none")
    page.set_filter_value("requested", "2000-01-01..2000-01-31")
    assert page.model.rowCount() == 0
    page.reset_query()
    assert start.isHidden() and page.model.rowCount() == 90


def test_account_combo_lists_accounts_with_orders_and_filters(qtbot, filled_store, settings) -> None:
    with filled_store.session() as session:
        account_id, count = session.execute(
            select(FulfillmentOrder.account_id, func.count()).group_by(FulfillmentOrder.account_id)
            .order_by(func.count().desc()).limit(1)).one()
        with_orders = session.scalar(select(func.count(func.distinct(FulfillmentOrder.account_id))))
    window = make_window(qtbot, filled_store, settings)
    page = _orders_page(window)
    combo = page.filters["account"]
    # read just after the list was first shown and painted
    qtbot.waitUntil(lambda: combo.count() == with_orders + 1, timeout=5000)
    with qtbot.waitSignal(page.model.refreshed):
        combo.setCurrentIndex(combo.findData(str(account_id)))
    assert _listed(page) == _ids(filled_store, account=str(account_id))
    assert page.model.rowCount() == count
    window.refresh()  # reading the accounts again keeps the choice
    assert combo.currentData() == str(account_id) and page.model.rowCount() == count
