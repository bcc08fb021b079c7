"""Money, unit prices and quantities stay exact through SQLite; timestamps stay in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from qtc_desktop.domain import Account, ChangeSource, Quote
from qtc_desktop.domain.base import Money, Quantity, ScaledDecimal, UnitPrice, UtcDateTime
from qtc_desktop.store import OpenedStore
from qtc_desktop.store.journal import recording

DIALECT = sqlite.dialect()

metadata = MetaData()
amounts = Table(
    "amounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("money", Money()),
    Column("unit_price", UnitPrice()),
    Column("quantity", Quantity()),
    Column("at", UtcDateTime()),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A real SQLite file with one table of every column type, shared by the module."""
    path: Path = tmp_path_factory.mktemp("money") / "amounts.sqlite3"
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def round_trip(engine: Engine, column: str, value: object) -> object:
    with engine.begin() as connection:
        row_id = connection.execute(insert(amounts).values({column: value}).returning(amounts.c.id)).scalar_one()
        return connection.execute(select(amounts.c[column]).where(amounts.c.id == row_id)).scalar_one()


def stored_integer(engine: Engine, column: str, value: object) -> int:
    with engine.begin() as connection:
        row_id = connection.execute(insert(amounts).values({column: value}).returning(amounts.c.id)).scalar_one()
        return connection.execute(
            text(f"SELECT {column} FROM amounts WHERE id = :id"), {"id": row_id}
        ).scalar_one()


@pytest.mark.parametrize(
    "value",
    ["0.01", "0.00", "1234.50", "99999999999.99", "-0.01", "-99999999999.99", "10", "0.1"],
)
def test_money_round_trips_exactly(engine: Engine, value: str) -> None:
    result = round_trip(engine, "money", Decimal(value))
    assert isinstance(result, Decimal)
    assert result == Decimal(value)
    # Always two places back, as money is shown: 10 comes back as 10.00.
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("column", "value", "integer"),
    [
        ("money", "0.01", 1),
        ("money", "-1234.56", -123456),
        ("money", "99999999999.99", 9999999999999),
        ("unit_price", "6480.0001", 64800001),
        ("quantity", "0.5", 5000),
        ("quantity", "-3", -30000),
    ],
)
def test_values_are_stored_as_scaled_integers(
    engine: Engine, column: str, value: str, integer: int
) -> None:
    assert stored_integer(engine, column, Decimal(value)) == integer


@pytest.mark.parametrize("value", ["12.3456", "0.0001", "-7.5", "1000000"])
def test_four_place_types_round_trip_exactly(engine: Engine, value: str) -> None:
    assert round_trip(engine, "quantity", Decimal(value)) == Decimal(value)
    assert round_trip(engine, "unit_price", Decimal(value)) == Decimal(value)


def test_none_stays_none(engine: Engine) -> None:
    assert round_trip(engine, "money", None) is None


def test_int_and_exact_float_are_accepted() -> None:
    assert Money().process_bind_param(12, DIALECT) == 1200
    assert Money().process_bind_param(0.5, DIALECT) == 50


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        (Money(), Decimal("0.001")),
        (Money(), Decimal("19.999")),
        (Money(), Decimal("-0.005")),
        (Quantity(), Decimal("1.00001")),
        (UnitPrice(), Decimal("0.12345")),
        # A binary float carries far more places than it shows: refused, not rounded.
        (Money(), 0.1),
        (Money(), "twelve"),
    ],
)
def test_more_places_than_the_scale_is_refused(type_: ScaledDecimal, value: object) -> None:
    with pytest.raises(ValueError, match="decimal places"):
        type_.process_bind_param(value, DIALECT)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="decimal places"):
        Money().process_bind_param(Decimal(value), DIALECT)


def test_too_many_places_fails_the_insert_and_stores_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM amounts")).scalar_one()
    with pytest.raises(StatementError) as raised, engine.begin() as connection:
        connection.execute(insert(amounts).values(money=Decimal("1.005")))
    assert isinstance(raised.value.orig, ValueError)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM amounts")).scalar_one() == before


def test_orm_flush_refuses_a_sub_cent_quote_total(store: OpenedStore) -> None:
    with store.session() as session, recording(session, who="test", source=ChangeSource.SYSTEM):
        account = Account(name="Contoso Logistics Inc.")
        session.add(Quote(number="Q-2026-000001", account=account, net_total=Decimal("100.005")))
        with pytest.raises(StatementError) as raised:
            session.flush()
        assert isinstance(raised.value.orig, ValueError)
        assert "100.005" in str(raised.value)
        session.rollback()
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM quotes")).scalar_one() == 0


def test_money_sums_and_sorts_in_sql(engine: Engine) -> None:
    values = [Decimal("0.10"), Decimal("0.20"), Decimal("-5.05"), Decimal("1000.01")]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM amounts"))
        connection.execute(insert(amounts), [{"money": value} for value in values])
        total = connection.execute(text("SELECT sum(money) FROM amounts")).scalar_one()
        ordered = connection.execute(select(amounts.c.money).order_by(amounts.c.money)).scalars().all()
    # 0.1 + 0.2 in floats is 0.30000000000000004; in scaled integers it is exact.
    assert Money().process_result_value(total, DIALECT) == sum(values)
    assert ordered == sorted(values)


@given(
    st.decimals(
        min_value=Decimal("-99999999999.99"),
        max_value=Decimal("99999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_two_place_decimal_round_trips_exactly(engine: Engine, value: Decimal) -> None:
    assert round_trip(engine, "money", value) == value


@given(
    st.decimals(
        min_value=Decimal("-99999999.9999"),
        max_value=Decimal("99999999.9999"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_four_place_quantity_round_trips_exactly(engine: Engine, value: Decimal) -> None:
    assert round_trip(engine, "quantity", value) == value


@given(
    st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=3).filter(
        lambda value: value != value.quantize(Decimal("0.01"))
    )
)
def test_any_third_decimal_place_is_refused(value: Decimal) -> None:
    with pytest.raises(ValueError):
        Money().process_bind_param(value, DIALECT)


# -- UtcDateTime -------------------------------------------------------------------------


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(dt.datetime(2026, 3, 1, 9, 30), DIALECT)


def test_naive_datetime_fails_the_insert(engine: Engine) -> None:
    with pytest.raises(StatementError) as raised, engine.begin() as connection:
        connection.execute(insert(amounts).values(at=dt.datetime(2026, 3, 1, 9, 30)))
    assert isinstance(raised.value.orig, ValueError)


def test_aware_datetime_comes_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    written = dt.datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=india)
    result = round_trip(engine, "at", written)
    assert isinstance(result, dt.datetime)
    assert result == written
    assert result.utcoffset() == dt.timedelta(0)
    assert result.replace(tzinfo=None) == dt.datetime(2026, 3, 1, 4, 0, 15, 250000)


def test_orm_timestamps_default_to_aware_utc(store: OpenedStore) -> None:
    with store.transaction(who="test setup") as session:
        session.add(Account(name="Fabrikam Labs GmbH"))
    with Session(store.engine) as session:
        account = session.scalars(select(Account)).one()
        assert account.created_at.utcoffset() == dt.timedelta(0)
        assert account.updated_at.tzinfo is not None
