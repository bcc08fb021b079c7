"""Recording an export batch: the orders marked sent, the versions and values they left with.

What the ORM and the change journal did one order at a time (a versioned UPDATE per order,
a change record per status change) is done here in a few statements inside
`bulk_writes`, writing the same rows: ready orders become sent to the ERP, every order
loses its changed-since-export mark, points at the batch and moves up one version (checked
against the version it was read at, as the ORM's version counter does), and each status
change gets the record the journal would have written, with the export's who, source,
reason and batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qtc_desktop.domain import ChangeSource, ExportBatchOrder, FulfillmentOrder, OrderStatus
from qtc_desktop.domain.base import utc_now
from qtc_desktop.domain.values import show
from qtc_desktop.services.exporting.columns import COLUMNS, LINE_COLUMNS, ORDER_COLUMNS
from qtc_desktop.services.exporting.layouts import Layout
from qtc_desktop.services.exporting.loading import ExportOrder
from qtc_desktop.store.journal import (
    bulk_writes,
    current_context,
    order_field_record,
    recording,
    write_records,
)

_ROWS_PER_STATEMENT = 5000  # parameter sets per executemany: bounds what is held at once


def mark_exported(session: Session, orders: Sequence[ExportOrder], batch_id: int, *, who: str,
                  reason: str) -> dict[int, int]:
    """Mark the orders exported in `batch_id` and record it; their new versions by order id.

    StaleDataError (as from the ORM) if an order changed since it was read for the export.
    """
    table = cast(Table, FulfillmentOrder.__table__)
    with recording(session, who=who, source=ChangeSource.ERP_EXPORT, reason=reason, export_batch_id=batch_id):
        context = current_context(session)  # who, source and reason exactly as the journal keeps them
    assert context is not None
    now = utc_now()
    statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
                 .values(status=bindparam("b_status"), changed_since_export=False, last_export_batch_id=batch_id,
                         version=bindparam("b_new_version"), updated_at=now))
    sent = OrderStatus.SENT_TO_ERP
    versions = {order.id: order.version + 1 for order in orders}
    # The journal writes a flush's records parents first, then by id.
    records = [order_field_record(context, now, order_id=order.id, order_version=versions[order.id],
                                  account_id=order.account_id, number=order.number, name="status",
                                  old=order.status, new=sent)
               for order in sorted(orders, key=lambda order: order.id) if order.status is OrderStatus.READY]
    connection = session.connection()
    with bulk_writes("ERP export"):
        for start in range(0, len(orders), _ROWS_PER_STATEMENT):
            chunk = orders[start:start + _ROWS_PER_STATEMENT]
            updated = connection.execute(statement, [
                {"b_id": order.id, "b_version": order.version, "b_new_version": order.version + 1,
                 "b_status": sent if order.status is OrderStatus.READY else order.status} for order in chunk])
            if connection.dialect.supports_sane_multi_rowcount and updated.rowcount != len(chunk):
                raise StaleDataError(f"{len(chunk) - updated.rowcount} of the exported orders changed while "
                                     "they were being exported; export again")
        write_records(session, records)
    _forget_loaded(session, set(versions))
    return versions


def record_snapshots(session: Session, orders: Sequence[ExportOrder], versions: dict[int, int], batch_id: int,
                     layout: Layout) -> None:
    """The batch's orders, each at its version, with its snapshot (see snapshot)."""
    table = cast(Table, ExportBatchOrder.__table__)
    order_names, line_names = _editable(layout)
    connection = session.connection()
    for start in range(0, len(orders), _ROWS_PER_STATEMENT):
        connection.execute(insert(table), [
            {"batch_id": batch_id, "order_id": order.id, "order_version": versions[order.id],
             "snapshot": snapshot(order, order_names, line_names)}
            for order in orders[start:start + _ROWS_PER_STATEMENT]])


def snapshot(order: ExportOrder, order_names: Sequence[tuple[str, int]],
             line_names: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """The editable values as they left, the "at export" side of the round trip's compare.

    A blank value is left out: the round trip reads a missing value as blank.
    """
    values = order.values
    header = {name: text for name, at in order_names if (text := _shown(values[at]))}
    lines: dict[str, dict[str, str]] = {}
    for line in order.lines:
        values = line.values
        kept = {name: text for name, at in line_names if (text := _shown(values[at]))}
        if kept:
            lines[str(line.id)] = kept
    # Which order and line numbers each key stands for, so a key moved onto another row is caught.
    return {"order": header, "lines": lines, "number": order.number,
            "line_numbers": {str(line.id): line.line_no for line in order.lines}}


def _shown(value: object) -> str:
    """show(value): most values are text or nothing, which need no call."""
    if value is None:
        return ""
    return value if isinstance(value, str) else show(value)


def _editable(layout: Layout) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The layout's editable columns at order and line level: (name, position in the values)."""
    names = {name for sheet in layout.sheets for name, _ in sheet.columns if COLUMNS[name].editable}
    return ([(c.name, at) for at, c in enumerate(ORDER_COLUMNS) if c.name in names],
            [(c.name, at) for at, c in enumerate(LINE_COLUMNS) if c.name in names])


def _forget_loaded(session: Session, order_ids: set[int]) -> None:
    """Expire the session's copies of these orders: their rows changed underneath the ORM."""
    for obj in list(session.identity_map.values()):
        identity = inspect(obj).identity if isinstance(obj, FulfillmentOrder) else None
        if identity is not None and identity[0] in order_ids:
            session.expire(obj)
