"""A list's columns, filters and query, and fetching its rows: search, filters and sort in SQL.

A list is fetched in two steps, as Anki's browser does: first the ids of every matching
row in display order (cheap, even for 100,000 rows), then the displayed values of only
the rows that come into view. Views page through ids; the database does the sorting.
The lists themselves (Quotes, Orders, Accounts) are described in services.lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Connection, Select, SQLColumnExpression, func, or_, select

from qtc_desktop.domain import OrderStatus, QuoteType
from qtc_desktop.services.text_search import contains_text, unindexed

ValueKind = Literal["text", "int", "money", "date", "datetime", "status", "quote_type", "flag"]


@dataclass(frozen=True)
class Related:
    """A table a list shows columns of, reached through a foreign key of the listed table."""

    entity: Any  # an aliased ORM class
    foreign_key: SQLColumnExpression[int]

    def join(self, statement: Select[Any]) -> Select[Any]:
        return statement.join(self.entity, self.entity.id == self.foreign_key)


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: str
    expression: SQLColumnExpression[Any]
    kind: ValueKind = "text"
    searchable: bool = False
    width: int = 110  # a sensible first width in pixels, before the user resizes
    related: Related | None = None  # set when the column lives in another table

    @property
    def nullable(self) -> bool:
        """Whether blanks can occur: only those columns need NULLS LAST, which can cost an index."""
        return bool(getattr(self.expression, "nullable", False))  # counts are never blank


@dataclass(frozen=True)
class ListFilter:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label); value "" means no filter
    apply: Callable[[Select[Any], str], Select[Any]]
    default: str = ""
    # Choices read from the database each time the list is refreshed (accounts, say),
    # listed after the fixed ones.
    choices_from: Callable[[Connection], list[tuple[str, str]]] | None = None
    # The choice whose value is replaced by "FROM..TO" (ISO dates, either may be blank)
    # once the user picks the two dates: a range no fixed choice covers.
    date_range_choice: str | None = None


@dataclass(frozen=True)
class ListSpec:
    name: str
    id_column: SQLColumnExpression[int]
    base: Callable[[], Select[Any]]  # SELECT ... FROM the listed table, joined to every related one
    columns: tuple[ListColumn, ...]
    filters: tuple[ListFilter, ...] = ()
    default_sort: str = ""
    default_descending: bool = False

    def column(self, key: str) -> ListColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.name} has no column {key!r}")

    def column_index(self, key: str) -> int:
        return [column.key for column in self.columns].index(key)


@dataclass(frozen=True)
class ListQuery:
    """What the user asked the list to show: search text, filter choices and sort order."""

    search: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort_key: str = ""
    descending: bool = False


def row_ids(connection: Connection, spec: ListSpec, query: ListQuery) -> list[int]:
    """The ids of every matching row, in display order.

    Only the table the sort column lives in is joined; searches reach related tables
    through `IN (SELECT id ...)`, so the common case reads one table and an index.
    """
    sort = spec.column(query.sort_key or spec.default_sort)
    descending = query.descending if query.sort_key else spec.default_descending
    statement = select(spec.id_column)
    if sort.related is not None:
        statement = sort.related.join(statement)
    statement = _where(spec, statement, query)
    key: Any = sort.expression
    if query.search.strip():
        key = unindexed(key)  # a search leaves few rows: sort them, do not walk an index
    order = key.desc() if descending else key.asc()
    if sort.nullable:
        order = order.nulls_last()  # blanks last either way, on every engine
    # The id as a tie-breaker keeps the order stable between fetches and across engines.
    tie = spec.id_column.desc() if descending else spec.id_column.asc()
    return list(connection.execute(statement.order_by(order, tie)).scalars())


def fetch_rows(connection: Connection, spec: ListSpec, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The displayed values of the given rows, by id."""
    if not ids:
        return {}
    statement = spec.base().with_only_columns(
        spec.id_column, *(column.expression for column in spec.columns)
    ).where(spec.id_column.in_(list(ids)))
    return {row[0]: tuple(row[1:]) for row in connection.execute(statement)}


def count_all(connection: Connection, spec: ListSpec) -> int:
    statement = select(func.count()).select_from(spec.base().with_only_columns(spec.id_column).subquery())
    return int(connection.execute(statement).scalar_one())


def _where(spec: ListSpec, statement: Select[Any], query: ListQuery) -> Select[Any]:
    for list_filter in spec.filters:
        value = query.filters.get(list_filter.key, list_filter.default)
        if value:
            statement = list_filter.apply(statement, value)
    own = [column.expression for column in spec.columns if column.searchable and column.related is None]
    related: dict[int, tuple[Related, list[SQLColumnExpression[Any]]]] = {}
    for column in spec.columns:
        if column.searchable and column.related is not None:
            related.setdefault(id(column.related), (column.related, []))[1].append(column.expression)
    for term in query.search.split():
        matches = [contains_text(expression, term) for expression in own]
        for relation, expressions in related.values():
            matches.append(relation.foreign_key.in_(
                select(relation.entity.id).where(or_(*(contains_text(e, term) for e in expressions)))
            ))
        statement = statement.where(or_(*matches))
    return statement


def format_value(kind: ValueKind, value: Any) -> str:
    """A value as the list shows it."""
    if value is None:
        return ""
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "datetime":
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if kind == "status":
        return OrderStatus(value).label
    if kind == "quote_type":
        return QuoteType(value).value.capitalize()
    if kind == "flag":
        return "Yes" if value else ""
    return str(value)
