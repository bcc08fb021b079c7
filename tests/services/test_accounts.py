"""The account page's data, checked against the account's objects walked in Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    Account,
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentOrder,
    Quote,
)
from qtc_desktop.services.accounts import RECENT_CHANGES, account_of, account_overview
from qtc_desktop.services.errors import NotFound
from qtc_desktop.store import OpenedStore


def _busiest_account_with_positions(session: Session) -> Account:
    account_id = session.execute(
        select(ContractedPosition.account_id).group_by(ContractedPosition.account_id)
        .order_by(func.count().desc(), ContractedPosition.account_id).limit(1)
    ).scalar_one()
    account = session.get(Account, account_id)
    assert account is not None
    return account


def test_overview_holds_the_accounts_quotes_orders_shipments_and_positions(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        account = _busiest_account_with_positions(session)
        overview = account_overview(session, account.id)

        assert overview.account.name == account.name
        assert overview.account.external_id == account.external_id
        assert overview.account.email == account.email and overview.account.phone == account.phone
        assert account.city and account.city in overview.account.address
        assert overview.account.address.endswith(account.country or "")

        quotes = sorted(account.quotes, key=lambda q: (q.number, q.revision), reverse=True)
        assert [(q.number, q.revision) for q in overview.quotes] == [(q.number, q.revision) for q in quotes]
        assert overview.quote_count == len(quotes)
        for listed, quote in zip(overview.quotes, quotes):
            assert listed.net_total == quote.net_total and listed.currency == quote.currency
            assert listed.orders == tuple(sorted(o.number for o in quote.orders))

        orders = sorted(account.orders, key=lambda o: o.number, reverse=True)
        assert [o.number for o in overview.orders] == [o.number for o in orders]
        assert overview.order_count == len(orders)
        for listed_order, order in zip(overview.orders, orders):
            assert listed_order.status is order.status
            assert (listed_order.quote_number, listed_order.quote_revision) == (order.quote.number, order.quote.revision)
            assert listed_order.net_total == order.quote.net_total

        shipments = [s for o in account.orders for s in o.shipments]
        assert shipments, "the busiest account with positions has shipped something"
        assert {s.number for s in overview.shipments} == {s.number for s in shipments}
        assert overview.shipment_count == len(shipments)
        by_number = {s.number: s for s in shipments}
        for listed_shipment in overview.shipments:
            shipment = by_number[listed_shipment.number]
            assert listed_shipment.units == sum((line.quantity for line in shipment.lines), Decimal(0))
            assert isinstance(listed_shipment.units, Decimal)
            assert listed_shipment.packages == len(shipment.packages)
            assert listed_shipment.order_number == shipment.order.number
        dates = [s.ship_date for s in overview.shipments]
        assert dates == sorted(dates, reverse=True)

        positions = account.contracted_positions
        assert len(positions) > 1
        assert {(p.product_code, p.quantity, p.start_date) for p in overview.positions} == {
            (p.product_code, p.quantity, p.start_date) for p in positions}
        assert all(p.source_order_number and p.source_order_number.startswith("FO-") for p in overview.positions)


def test_recent_changes_are_the_latest_fifty_of_this_account(sample_store: OpenedStore) -> None:
    with sample_store.transaction(who="test setup") as session:
        account = _busiest_account_with_positions(session)
        order = account.orders[0]
        other = session.scalars(select(Account).where(Account.id != account.id).limit(1)).one()
        start = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
        for minute in range(RECENT_CHANGES + 10):
            for owner in (account, other):
                session.add(ChangeRecord(at=start + dt.timedelta(minutes=minute), who="Dana", source=ChangeSource.USER_EDIT,
                                         entity_type="order", entity_id=order.id, order_id=order.id,
                                         account_id=owner.id, field="carrier", old_value="UPS", new_value=f"DHL {minute}"))
        account_id, order_number = account.id, order.number
    with sample_store.session() as session:
        changes = account_overview(session, account_id).changes
    assert len(changes) == RECENT_CHANGES
    assert [c.new_value for c in changes] == [f"DHL {m}" for m in range(RECENT_CHANGES + 9, 9, -1)]
    assert {c.order_number for c in changes} == {order_number}
    assert changes[0].who == "Dana" and changes[0].source is ChangeSource.USER_EDIT


def test_an_account_without_anything_has_an_empty_page(sample_store: OpenedStore) -> None:
    with sample_store.transaction(who="test setup") as session:
        lonely = Account(name="Lonely Ltd")
        session.add(lonely)
    with sample_store.session() as session:
        overview = account_overview(session, lonely.id)
    assert overview.account.name == "Lonely Ltd" and overview.account.address == ""
    assert (overview.quotes, overview.orders, overview.shipments, overview.positions) == ((), (), (), ())
    assert [(change.field, change.new_value) for change in overview.changes] == [("created", "Lonely Ltd")]
    assert (overview.quote_count, overview.order_count, overview.shipment_count) == (0, 0, 0)


def test_a_missing_account_is_not_found(sample_store: OpenedStore) -> None:
    with sample_store.session() as session, pytest.raises(NotFound):
        account_overview(session, 10**9)


def test_account_of_a_row_of_each_list(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        quote = session.scalars(select(Quote).order_by(Quote.id.desc()).limit(1)).one()
        order = session.scalars(select(FulfillmentOrder).limit(1)).one()
        assert account_of(session, "quotes", quote.id) == quote.account_id
        assert account_of(session, "orders", order.id) == order.account_id
        assert account_of(session, "accounts", order.account_id) == order.account_id
        with pytest.raises(NotFound):
            account_of(session, "orders", 10**9)
