"""Moving to a team: copy every row of one database into another, empty one, and prove it arrived.

The target is migrated to the current schema first, must hold no data of its own, and is
written in one transaction: a copy that fails (server gone, disk full, a row refused)
leaves it as empty as it was. Rows go over in primary-key order, in chunks, as the values
SQLAlchemy reads (Decimals, aware datetimes, JSON), so both engines store them the same.
The database identity goes along, so workbooks exported before the move still come back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Table, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from qtc_desktop.domain.base import Base
from qtc_desktop.store.database import Store, describe, driver_message
from qtc_desktop.store.errors import StoreError
from qtc_desktop.store.journal import bulk_writes

CHUNK_ROWS = 5000
# Filled by the migrations themselves: replaced by the source's rows rather than refused.
MIGRATION_ROWS = frozenset({"database_identity"})

Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in the table


@dataclass(frozen=True)
class TableCopied:
    table: str
    source_rows: int
    target_rows: int

    @property
    def verified(self) -> bool:
        return self.source_rows == self.target_rows


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: tuple[TableCopied, ...]

    @property
    def rows(self) -> int:
        return sum(table.target_rows for table in self.tables)

    @property
    def verified(self) -> bool:
        return all(table.verified for table in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "rows": self.rows, "verified": self.verified,
                "tables": {t.table: {"source": t.source_rows, "target": t.target_rows} for t in self.tables}}


def tables_in_order() -> list[Table]:
    """Every table of the schema, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


def copy_database(source: Store, target: Store, progress: Progress | None = None) -> CopyReport:
    """Copy all rows of `source` into the empty `target` (both migrated) and verify the counts."""
    progress = progress or (lambda _table, _done, _total: None)
    if source.url == target.url:
        raise StoreError("The database to copy to is the one being copied.")
    tables = tables_in_order()
    try:
        with source.engine.connect() as reading, target.engine.connect() as writing:
            # One read transaction: every table as of the same moment.
            with reading.begin(), writing.begin(), bulk_writes("copying the database to another one"):
                _refuse_filled(writing, tables, describe(target.url))
                copied = [_copy_table(reading, writing, table, progress) for table in tables]
                _restart_numbering(writing, tables)
                if not all(table.verified for table in copied):
                    raise StoreError("The copy does not match the original (" + "; ".join(
                        f"{t.table}: {t.source_rows} rows, {t.target_rows} copied" for t in copied if not t.verified)
                        + "); nothing was kept.")
    except DBAPIError as exc:
        raise StoreError(f"Copying to {describe(target.url)} failed, and nothing was kept there: "
                         f"{driver_message(exc)}") from exc
    return CopyReport(describe(source.url), describe(target.url), tuple(copied))


def _refuse_filled(connection: Connection, tables: list[Table], where: str) -> None:
    filled = [table.name for table in tables if table.name not in MIGRATION_ROWS
              and connection.execute(select(table).limit(1)).first() is not None]
    if filled:
        raise StoreError(f"{where} already holds data ({', '.join(filled)}); "
                         "copy only into a new, empty database.")


def _copy_table(reading: Connection, writing: Connection, table: Table, progress: Progress) -> TableCopied:
    total = reading.execute(select(func.count()).select_from(table)).scalar_one()
    if table.name in MIGRATION_ROWS:
        writing.execute(table.delete())
    loops = _self_references(table)
    done = 0
    progress(table.name, 0, total)
    for rows in _chunks(reading, table):
        # A row may name one of its own table that comes later (a bundle's parent line):
        # insert without those references, then set them once every row is there.
        later = [dict(row) for row in rows if any(row[c.name] is not None for c in loops)] if loops else []
        if later:
            rows = [{**row, **{c.name: None for c in loops}} for row in rows]
        writing.execute(insert(table), rows)
        for row in later:
            key = {c.name: row[c.name] for c in table.primary_key.columns}
            writing.execute(update(table).filter_by(**key).values({c.name: row[c.name] for c in loops}))
        done += len(rows)
        progress(table.name, done, total)
    copied = writing.execute(select(func.count()).select_from(table)).scalar_one()
    return TableCopied(table.name, total, copied)


def _self_references(table: Table) -> list[Column[Any]]:
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


def _chunks(connection: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns)
    result = connection.execution_options(yield_per=CHUNK_ROWS).execute(select(table).order_by(*order))
    for partition in result.mappings().partitions(CHUNK_ROWS):
        yield [dict(row) for row in partition]


def _restart_numbering(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL's sequences do not see rows inserted with their ids: move each past the largest."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        connection.execute(text(
            "SELECT setval(pg_get_serial_sequence(:table, :column), "
            f"COALESCE((SELECT MAX({key[0].name}) FROM {table.name}), 0) + 1, false)"
        ), {"table": table.name, "column": key[0].name})
