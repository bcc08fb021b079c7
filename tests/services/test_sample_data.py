"""Sample data: a realistic, consistent book of business, made only in an empty database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import selectinload

from qtc_desktop.domain import (
    Account,
    Base,
    ContractedPosition,
    FulfillmentOrder,
    Package,
    Quote,
    QuoteType,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.errors import DatabaseNotEmpty
from qtc_desktop.services.progress import Cancelled, Progress
from qtc_desktop.services.sample_data import SampleSummary, load_sample_data
from qtc_desktop.services.summaries import account_summaries, order_summaries, quote_summaries
from qtc_desktop.store import OpenedStore, open_store, resolve_url


def count(connection: Connection, model: type) -> int:
    return connection.execute(select(func.count()).select_from(model)).scalar_one()


# Written by the migrations, not by sample data: one row naming the database.
STORE_TABLES = {"database_identity"}


def table_counts(store: OpenedStore) -> dict[str, int]:
    """Row counts of every table the coordinator's data lives in."""
    with store.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
            if name not in STORE_TABLES
        }


def test_summary_matches_what_was_stored(sample_store: OpenedStore, sample_summary: SampleSummary) -> None:
    assert sample_summary.orders == 90
    assert sample_summary.quotes > sample_summary.orders  # some accepted quotes await an order
    with sample_store.engine.connect() as connection:
        assert count(connection, Account) == sample_summary.accounts >= 12
        assert count(connection, Quote) == sample_summary.quotes
        assert count(connection, FulfillmentOrder) == 90
        assert count(connection, Shipment) == sample_summary.shipments > 0


def test_orders_cover_the_workflow(sample_store: OpenedStore) -> None:
    with sample_store.engine.connect() as connection:
        statuses = {order["status"] for order in order_summaries(connection)}
        types = {quote["type"] for quote in quote_summaries(connection)}
        assert len(statuses) >= 6
        assert {"draft", "shipped", "closed"} <= statuses
        assert {QuoteType.NEW, QuoteType.AMENDMENT, QuoteType.RENEWAL} <= types
        assert count(connection, ShipmentLine) >= count(connection, Shipment)
        assert count(connection, Package) >= count(connection, Shipment)
        assert count(connection, ContractedPosition) > 0


def test_every_order_has_lines_from_its_quote(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        orders = session.scalars(
            select(FulfillmentOrder).options(
                selectinload(FulfillmentOrder.lines), selectinload(FulfillmentOrder.quote)
            )
        ).all()
        for order in orders:
            assert order.lines, order.number
            assert order.account_id == order.quote.account_id
            for line in order.lines:
                assert line.quote_line is not None and line.quote_line.quote_id == order.quote_id
                assert line.quote_line.product_code == line.product_code


def test_quote_totals_are_the_exact_sum_of_their_lines(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        quotes = session.scalars(select(Quote).options(selectinload(Quote.lines))).all()
        assert quotes
        for quote in quotes:
            assert quote.line_count == len(quote.lines) > 0, quote.number
            assert quote.net_total == sum((line.net_total for line in quote.lines), Decimal("0.00")), quote.number
            assert quote.net_total.as_tuple().exponent == -2


def test_shipped_quantities_never_exceed_what_was_ordered(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        shipment_lines = session.scalars(
            select(ShipmentLine).options(selectinload(ShipmentLine.order_line))
        ).all()
        assert shipment_lines
        for line in shipment_lines:
            assert 0 < line.quantity <= line.order_line.quantity
            assert len(line.serial_numbers) <= line.quantity


def test_names_are_not_only_ascii(sample_store: OpenedStore) -> None:
    with sample_store.engine.connect() as connection:
        cities = {account["address"]["city"] for account in account_summaries(connection)}
    assert any(not city.isascii() for city in cities)


def test_loading_twice_is_refused_and_changes_nothing(sample_store: OpenedStore) -> None:
    before = table_counts(sample_store)
    with pytest.raises(DatabaseNotEmpty, match="already holds data"), sample_store.transaction(who="test setup") as session:
        load_sample_data(session, orders=5)
    assert table_counts(sample_store) == before


def test_one_account_is_enough_to_refuse(store: OpenedStore) -> None:
    with store.transaction(who="test setup") as session:
        session.add(Account(name="Woodgrove Bank Ltd"))
    with pytest.raises(DatabaseNotEmpty), store.transaction(who="test setup") as session:
        load_sample_data(session, orders=5)
    assert table_counts(store)["accounts"] == 1


class CancelAfterFirstReport(Progress):
    """Presses Cancel as soon as the job first says how far it is."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[tuple[int, int, str]] = []

    def report(self, done: int, total: int, message: str) -> None:
        self.reports.append((done, total, message))
        self.cancel()


def test_cancel_stops_the_job_and_rolls_everything_back(store: OpenedStore, sample_today: dt.date) -> None:
    progress = CancelAfterFirstReport()
    with pytest.raises(Cancelled), store.transaction(who="test setup") as session:
        load_sample_data(session, orders=90, today=sample_today, progress=progress)
    assert len(progress.reports) == 1  # the next step noticed the cancel and stopped
    assert set(table_counts(store).values()) == {0}


def test_progress_reaches_the_total(store: OpenedStore, sample_today: dt.date) -> None:
    seen: list[tuple[int, int]] = []

    class Recording(Progress):
        def report(self, done: int, total: int, message: str) -> None:
            seen.append((done, total))

    with store.transaction(who="test setup") as session:
        summary = load_sample_data(session, orders=40, today=sample_today, progress=Recording())
    assert seen[0] == (0, summary.quotes)
    assert seen[-1] == (summary.quotes, summary.quotes)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def snapshot(path: Path, seed: int, today: dt.date) -> dict[str, Any]:
    store = open_store(resolve_url(str(path)))
    try:
        with store.transaction(who="test setup") as session:
            load_sample_data(session, orders=60, seed=seed, today=today)
        with store.engine.connect() as connection:
            shipments = connection.execute(
                select(Shipment.number, Shipment.tracking_number, Shipment.ship_date).order_by(Shipment.id)
            ).all()
            serials = connection.execute(
                select(ShipmentLine.serial_numbers).order_by(ShipmentLine.id)
            ).scalars().all()
            return {
                "accounts": account_summaries(connection),
                "quotes": quote_summaries(connection),
                "orders": order_summaries(connection),
                "shipments": shipments,
                "serials": serials,
            }
    finally:
        store.close()


def test_same_seed_gives_the_same_data(tmp_path: Path, sample_today: dt.date) -> None:
    first = snapshot(tmp_path / "a.sqlite3", seed=7, today=sample_today)
    assert first == snapshot(tmp_path / "b.sqlite3", seed=7, today=sample_today)
    other = snapshot(tmp_path / "c.sqlite3", seed=8, today=sample_today)
    assert other["quotes"] != first["quotes"]


def test_dates_follow_the_given_today(
    sample_store: OpenedStore, sample_summary: SampleSummary, sample_today: dt.date
) -> None:
    with sample_store.engine.connect() as connection:
        quote_dates = [day for day in connection.execute(select(Quote.quote_date)).scalars() if day]
    assert len(quote_dates) == sample_summary.quotes  # every sample quote is dated
    assert max(quote_dates) <= sample_today
    assert min(quote_dates) >= sample_today - dt.timedelta(days=150)
