"""Declarative base and the column types every entity shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, MetaData, String
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Named constraints so Alembic can alter them on every engine (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal stored as a scaled integer.

    SQLite has no decimal type: SQLAlchemy's Numeric goes through a float there. Storing
    integer hundredths (or ten-thousandths) keeps every value exact on SQLite and
    PostgreSQL alike, and SUM and ORDER BY still work in SQL. A value with more decimal
    places than the scale is refused rather than rounded.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        try:
            exact = Decimal(value) if not isinstance(value, Decimal) else value
            scaled = exact * self._factor
            if not scaled.is_finite() or scaled != scaled.to_integral_value():
                raise ValueError
        except (InvalidOperation, ValueError, TypeError):
            raise ValueError(
                f"{value!r} is not a decimal with at most {self.scale} decimal places"
            ) from None
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-self.scale))


class Money(ScaledDecimal):
    """An amount exact to the cent."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(2)


class UnitPrice(ScaledDecimal):
    """A unit price: CPQ systems price to four decimal places."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(4)


class Quantity(ScaledDecimal):
    """A quantity: whole units for goods, fractions for hours or seats billed pro rata."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(4)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must carry a timezone")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def Code(length: int = 64) -> String:
    """A short identifier or code column type."""
    return String(length)
