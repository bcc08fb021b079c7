"""The paged list models: Qt's model contract, and search, filter and sort done in SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from qtc_desktop.domain import Account, FulfillmentOrder, OrderStatus
from qtc_desktop.services.lists import ACCOUNTS, LISTS, ORDERS, QUOTES
from qtc_desktop.ui import list_model
from qtc_desktop.ui.list_model import PagedListModel, RawValueRole, RowIdRole


@pytest.mark.parametrize("spec", [QUOTES, ORDERS, ACCOUNTS], ids=lambda spec: spec.name)
def test_model_passes_qt_model_tester(qtmodeltester, filled_store, spec) -> None:
    model = PagedListModel(filled_store, spec)
    model.refresh()
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    model.set_search("a")
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_no_query_runs_before_the_list_is_first_shown(qapp, filled_store) -> None:
    model = PagedListModel(filled_store, ORDERS)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.set_search("FO")
    assert model.rowCount() == 0
    model.refresh()
    assert model.rowCount() == 90
    assert model.data(model.index(0, 0)) == "FO-000001"


def test_search_matches_every_word_in_any_text_column(qapp, filled_store) -> None:
    model = PagedListModel(filled_store, ORDERS)
    model.refresh()
    account_column = ORDERS.column_index("account")
    first_account = model.data(model.index(0, account_column))
    word = first_account.split()[0]
    model.set_search(word.lower())
    with filled_store.session() as session:
        expected = session.execute(
            select(func.count(FulfillmentOrder.id)).join(Account)
            .where(func.lower(Account.name).contains(word.lower()))
        ).scalar_one()
    assert model.rowCount() == expected > 0
    names = {model.data(model.index(row, account_column)) for row in range(model.rowCount())}
    assert all(word.lower() in name.lower() for name in names)
    model.set_search(f"{word} no-such-thing")
    assert model.rowCount() == 0


def test_status_filter_and_sort_by_money(qapp, filled_store) -> None:
    model = PagedListModel(filled_store, ORDERS)
    model.refresh()
    model.set_filter("status", OrderStatus.DRAFT.value)
    statuses = {model.data(model.index(r, ORDERS.column_index("status"))) for r in range(model.rowCount())}
    assert statuses == {"Draft"}
    model.set_filter("status", "")
    assert model.rowCount() == 90
    money = ORDERS.column_index("net_total")
    model.sort(money, Qt.SortOrder.DescendingOrder)
    totals = [model.data(model.index(r, money), RawValueRole) for r in range(model.rowCount())]
    assert all(isinstance(total, Decimal) for total in totals)
    assert totals == sorted(totals, reverse=True)
    assert model.data(model.index(0, money)) == f"{totals[0]:,.2f}"
    assert model.data(model.index(0, money), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_rows_are_fetched_a_page_at_a_time(qapp, filled_store, monkeypatch) -> None:
    monkeypatch.setattr(list_model, "PAGE_SIZE", 25)
    fetched: list[int] = []
    original = list_model.fetch_rows

    def counting(connection, spec, ids):
        fetched.append(len(ids))
        return original(connection, spec, ids)

    monkeypatch.setattr(list_model, "fetch_rows", counting)
    model = PagedListModel(filled_store, ORDERS)
    model.refresh()
    assert fetched == []  # ids only until a row is shown
    model.data(model.index(0, 0))
    model.data(model.index(24, 3))
    assert fetched == [25]
    model.data(model.index(60, 0))
    assert fetched == [25, 25]
    assert model.data(model.index(60, 0), RowIdRole) == model.row_id(60)


def test_every_list_has_a_model(qapp, filled_store) -> None:
    for spec in LISTS.values():
        model = PagedListModel(filled_store, spec)
        model.refresh()
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert headers == [column.header for column in spec.columns]
