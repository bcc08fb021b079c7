"""The account page, opened from every list: the right quotes, orders, shipments and positions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from window_helpers import double_click
from window_helpers import make_window as open_window
from qtc_desktop.domain import Account, ContractedPosition, FulfillmentOrder, OrderStatus, Quote
from qtc_desktop.services.accounts import account_overview
from qtc_desktop.ui.account_page import ORDER_COLUMNS, AccountPage, SectionModel
from qtc_desktop.ui.history_panel import HEADERS
from qtc_desktop.ui.main_window import TAB_ACCOUNTS, TAB_ORDERS, TAB_QUOTES, MainWindow

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def make_window(qtbot, store, settings) -> MainWindow:
    return open_window(qtbot, store, settings, coordinator="Dana Coordinator")


def _column(page: AccountPage, key: str, header: str) -> list[str]:
    model = page.models[key]
    column = [c.header for c in model.columns].index(header)
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def _history_column(page: AccountPage, header: str) -> list[str]:
    model = page.history.model
    column = HEADERS.index(header)
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def _account_with_positions(store) -> int:
    with store.session() as session:
        return session.execute(select(ContractedPosition.account_id).group_by(ContractedPosition.account_id)
                               .order_by(func.count().desc(), ContractedPosition.account_id)).scalars().first()


def test_section_model_passes_qt_model_tester(qtmodeltester, filled_store) -> None:
    with filled_store.session() as session:
        overview = account_overview(session, _account_with_positions(filled_store))
    model = SectionModel(ORDER_COLUMNS)
    model.set_rows(overview.orders)
    assert model.rowCount() > 1
    qtmodeltester.check(model, force_py=True)
    model.sort(3, Qt.SortOrder.DescendingOrder)  # by requested date, blanks last
    qtmodeltester.check(model, force_py=True)
    dates = [model.row(row).requested_date for row in range(model.rowCount())]
    filled = [day for day in dates if day is not None]
    assert dates[:len(filled)] == sorted(filled, reverse=True)


def test_open_account_from_the_quotes_list(qtbot, filled_store, settings) -> None:
    with filled_store.session() as session:
        quote = session.scalars(select(Quote).order_by(Quote.id.desc()).limit(1)).one()
        account = session.get(Account, quote.account_id)
        quote_id, number = quote.id, quote.number
        expected_quotes = sorted(q.number for q in account.quotes)
        name, email, city = account.name, account.email, account.city
    window = make_window(qtbot, filled_store, settings)
    window.tabs.setCurrentIndex(TAB_QUOTES)
    quotes = window.current_page()
    assert quotes.select_id(quote_id)
    qtbot.keyClick(quotes.table, Qt.Key.Key_A, CTRL_SHIFT)

    page = window.order_actions.account_pages[quote.account_id]
    assert page.isVisible()
    assert page.name.text() == name and page.windowTitle() == f"{name} — Account"
    assert page.fields["email"].text() == email and city in page.fields["address"].text()
    assert sorted(_column(page, "quotes", "Quote")) == expected_quotes
    assert number in _column(page, "quotes", "Quote")
    assert page.tabs.tabText(0) == f"&Quotes ({len(expected_quotes)})"


def test_open_account_from_the_orders_list_and_open_an_order_from_it(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    orders = window.pages[TAB_ORDERS]
    orders.select_id(orders.model.row_id(5))
    order_id = orders.current_id()
    with filled_store.session() as session:
        order = session.get(FulfillmentOrder, order_id)
        account_id, number = order.account_id, order.number
        expected = sorted(o.number for o in session.get(Account, account_id).orders)
    window.order_actions.action_open_account.trigger()
    page = window.order_actions.account_pages[account_id]
    assert sorted(_column(page, "orders", "Order")) == expected
    assert page.summary.text().startswith(f"{page.overview.quote_count} quote")

    page.tabs.setCurrentIndex(1)
    table = page.tables["orders"]
    row = _column(page, "orders", "Order").index(number)
    index = page.models["orders"].index(row, 0)
    double_click(qtbot, table, index)
    editor = window.order_actions.editors[order_id]
    assert editor.isVisible()


def test_accounts_list_double_click_shows_positions_shipments_and_changes(qtbot, filled_store, settings) -> None:
    account_id = _account_with_positions(filled_store)
    with filled_store.session() as session:
        account = session.get(Account, account_id)
        positions = sorted(p.product_code for p in account.contracted_positions)
        shipments = sorted(s.number for o in account.orders for s in o.shipments)
    window = make_window(qtbot, filled_store, settings)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    accounts = window.pages[TAB_ACCOUNTS]
    assert accounts.select_id(account_id)
    index = accounts.model.index(accounts.model.row_of(account_id), 0)
    double_click(qtbot, accounts.table, index)
    page = window.order_actions.account_pages[account_id]
    assert sorted(_column(page, "positions", "Product")) == positions
    assert sorted(_column(page, "shipments", "Shipment")) == shipments
    assert page.history.model.rowCount() > 0
    assert all(value for value in _history_column(page, "Order"))

    # Opening it again brings the same window forward instead of a second one.
    window.order_actions.action_open_account.trigger()
    assert window.order_actions.account_pages[account_id] is page
    assert len(window.findChildren(AccountPage)) == 1


def test_show_orders_in_list_filters_the_orders_tab(qtbot, filled_store, settings) -> None:
    account_id = _account_with_positions(filled_store)
    with filled_store.session() as session:
        expected = set(session.scalars(select(FulfillmentOrder.id).where(FulfillmentOrder.account_id == account_id)))
    window = make_window(qtbot, filled_store, settings)
    window.tabs.setCurrentIndex(TAB_QUOTES)
    orders = window.pages[TAB_ORDERS]
    orders.search.setText("zzz")  # something that would hide them
    page = window.order_actions.open_account(account_id)
    qtbot.mouseClick(page.show_orders_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == TAB_ORDERS
    assert orders.filters["account"].currentData() == str(account_id)
    assert orders.search.text() == ""
    assert {orders.model.row_id(row) for row in range(orders.model.rowCount())} == expected


def test_an_open_account_page_follows_a_status_change(qtbot, filled_store, settings, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = make_window(qtbot, filled_store, settings)
    orders = window.pages[TAB_ORDERS]
    with filled_store.session() as session:
        order_id, account_id = session.execute(
            select(FulfillmentOrder.id, FulfillmentOrder.account_id)
            .where(FulfillmentOrder.status == OrderStatus.DRAFT).limit(1)).one()
    page = window.order_actions.open_account(account_id)
    orders.select_id(order_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Customer asked to wait", True))
    assert window.order_actions.move_to(OrderStatus.ON_HOLD)
    statuses = {order.id: order.status for order in page.models["orders"]._rows}
    assert statuses[order_id] is OrderStatus.ON_HOLD
    assert _history_column(page, "Reason")[0] == "Customer asked to wait"
    assert _history_column(page, "New")[0] == "On hold"


def test_a_page_closes_and_a_new_one_opens_later(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    account_id = _account_with_positions(filled_store)
    page = window.order_actions.open_account(account_id)
    page.close()  # deleted on close
    qtbot.waitUntil(lambda: account_id not in window.order_actions.account_pages)
    again = window.order_actions.open_account(account_id)
    assert again.isVisible()
