"""The export's bulk reading and bookkeeping write exactly what the ORM and the change journal wrote.

The reference is the way exports worked before: ORM orders, each column's `read`, the
status changed inside `recording(...)` so the journal wrote the records and the version
counter moved, and a snapshot of every editable value. Two databases made from the same
sample data are exported, one each way, and compared row for row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qtc_desktop.domain import (
    ChangeRecord,
    ChangeSource,
    ExportBatch,
    ExportBatchOrder,
    FulfillmentOrder,
    OrderStatus,
    Shipment,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.exporting import batches, loading
from qtc_desktop.services.exporting.columns import COLUMNS, LINE_COLUMNS, ORDER_COLUMNS, Facts
from qtc_desktop.services.exporting.layouts import layout_named
from qtc_desktop.services.exporting.loading import load_orders
from qtc_desktop.services.exporting.service import EXPORTABLE, export_orders, orders_to_export
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import OpenedStore, open_store
from qtc_desktop.store.journal import recording


def exportable_ids(session: Session) -> list[int]:
    return list(session.execute(select(FulfillmentOrder.id).where(FulfillmentOrder.status.in_(EXPORTABLE))
                                .order_by(FulfillmentOrder.number)).scalars())


def facts_of(order: FulfillmentOrder) -> Facts:
    return Facts(shipped_quantities(order),
                 next((s.tracking_number for s in reversed(order.shipments) if s.tracking_number), None))


def test_every_loaded_value_is_what_its_column_reads(sample_store: OpenedStore, monkeypatch) -> None:
    monkeypatch.setattr(loading, "CHUNK", 7)  # several chunks
    with sample_store.transaction(who="test setup") as session:
        shipped = session.execute(select(FulfillmentOrder).where(
            FulfillmentOrder.status == OrderStatus.PARTLY_SHIPPED).limit(1)).scalar_one()
        # The latest shipment with a tracking number gives the order's: not the first, nor a blank one.
        for number, tracking in (("SH-T1", "1Z-EARLIER"), ("SH-T2", "1Z-LATEST"), ("SH-T3", "")):
            shipped.shipments.append(Shipment(number=number, ship_date=dt.date(2026, 6, 1), tracking_number=tracking))
    with sample_store.session() as session:
        ids = exportable_ids(session)
        loaded = load_orders(session, ids)
        assert [order.id for order in loaded] == ids
        shipped_lines = 0
        for exported in loaded:
            order = session.get(FulfillmentOrder, exported.id)
            assert order is not None
            facts = facts_of(order)
            shipped_lines += len(facts.shipped)
            assert (exported.number, exported.status, exported.version, exported.account_id) == (
                order.number, order.status, order.version, order.account_id)
            expected = tuple(column.read(order, None, facts) for column in ORDER_COLUMNS)
            assert exported.values == expected
            assert [type(value) for value in exported.values] == [type(value) for value in expected]
            assert [(line.id, line.line_no) for line in exported.lines] == [(l.id, l.line_no) for l in order.lines]
            for line, orm_line in zip(exported.lines, order.lines):
                expected = tuple(column.read(order, orm_line, facts) for column in LINE_COLUMNS)
                assert line.values == expected
                assert [type(value) for value in line.values] == [type(value) for value in expected]
        assert shipped_lines
        tracking = {order.id: order.values[ORDER_COLUMNS.index(COLUMNS["tracking_number"])] for order in loaded}
        assert tracking[shipped.id] == "1Z-LATEST"


def orm_export(session: Session, ids: list[int], path: Path, who: str) -> int:
    """How export_orders recorded a batch before it worked in bulk (the ORM and the journal)."""
    layout = layout_named(session, "generic")
    orders = [session.get(FulfillmentOrder, order_id) for order_id in ids]
    batch = ExportBatch(token="t" * 32, layout_name=layout.name, file_path=str(path), created_by=who)
    session.add(batch)
    session.flush()
    with recording(session, who=who, source=ChangeSource.ERP_EXPORT, reason=f"exported to {path.name}",
                   export_batch_id=batch.id):
        for order in orders:
            assert order is not None
            if order.status is OrderStatus.READY:
                order.status = OrderStatus.SENT_TO_ERP
            order.changed_since_export = False
            order.last_export_batch_id = batch.id
    names = {name for sheet in layout.sheets for name, _ in sheet.columns if COLUMNS[name].editable}
    for order in orders:
        assert order is not None
        facts = facts_of(order)
        snapshot = {
            "order": {name: show(COLUMNS[name].read(order, None, facts)) for name in names
                      if COLUMNS[name].level == "order"},
            "lines": {str(line.id): {name: show(COLUMNS[name].read(order, line, facts)) for name in names
                                     if COLUMNS[name].level == "line"} for line in order.lines},
            "number": order.number, "line_numbers": {str(line.id): line.line_no for line in order.lines}}
        session.add(ExportBatchOrder(batch_id=batch.id, order_id=order.id, order_version=order.version,
                                     snapshot=snapshot))
    session.flush()
    return batch.id


def stored(store: OpenedStore, batch_id: int) -> dict[str, Any]:
    with store.session() as session:
        records = [(r.who, r.source, r.reason, r.entity_type, r.entity_id, r.order_id, r.account_id, r.subject,
                    r.field, r.old_value, r.new_value, r.export_batch_id, r.order_version)
                   for r in session.execute(select(ChangeRecord).where(ChangeRecord.export_batch_id == batch_id)
                                            .order_by(ChangeRecord.id)).scalars()]
        orders = {o.id: (o.status, o.version, o.changed_since_export, o.last_export_batch_id)
                  for o in session.execute(select(FulfillmentOrder)).scalars()}
        entries = {e.order_id: (e.order_version, e.snapshot) for e in session.execute(
            select(ExportBatchOrder).where(ExportBatchOrder.batch_id == batch_id)).scalars()}
        updated = {o.id: o.updated_at for o in session.execute(select(FulfillmentOrder)).scalars()}
    return {"records": records, "orders": orders, "entries": entries, "updated": updated}


def without_blanks(snapshot: dict[str, Any]) -> dict[str, Any]:
    lines = {line: {k: v for k, v in values.items() if v} for line, values in snapshot["lines"].items()}
    return {**snapshot, "order": {k: v for k, v in snapshot["order"].items() if v},
            "lines": {line: values for line, values in lines.items() if values}}


def test_bulk_bookkeeping_writes_what_the_orm_and_the_journal_wrote(
        store: OpenedStore, new_db_url: Callable[[str], URL], sample_today: dt.date, tmp_path: Path,
        monkeypatch) -> None:
    monkeypatch.setattr(loading, "CHUNK", 5)
    monkeypatch.setattr(batches, "_ROWS_PER_STATEMENT", 3)
    reference = open_store(new_db_url("reference"))
    try:
        for each in (store, reference):
            with each.transaction() as session:
                load_sample_data(session, orders=90, seed=2026, today=sample_today)
        with store.session() as session:
            ids = exportable_ids(session)
            before = {o.id: (o.status, o.updated_at) for o in session.execute(select(FulfillmentOrder)).scalars()}
        ready = [order_id for order_id in ids if before[order_id][0] is OrderStatus.READY]
        assert ready and len(ready) < len(ids)
        path = tmp_path / "erp.xlsx"
        with store.transaction() as session:
            result = export_orders(session, orders_to_export(session, ids), path, "generic", who="maria")
        with reference.transaction() as session:
            reference_batch = orm_export(session, ids, path, "maria")
        assert result.batch_id == reference_batch
        ours, theirs = stored(store, result.batch_id), stored(reference, reference_batch)
        assert ours["records"] == theirs["records"]
        assert [(record[4], record[8:11]) for record in ours["records"]] == [
            (order_id, ("status", "ready", "sent_to_erp")) for order_id in sorted(ready)]
        # Each record names the version the export gave its order, as the journal's flush does.
        assert all(record[12] == ours["orders"][record[4]][1] for record in ours["records"])
        assert ours["orders"] == theirs["orders"]
        assert ours["entries"].keys() == theirs["entries"].keys() == set(ids)
        for order_id, (version, snapshot) in ours["entries"].items():
            their_version, their_snapshot = theirs["entries"][order_id]
            assert version == their_version
            assert snapshot == without_blanks(their_snapshot)
        assert all(ours["updated"][order_id] > before[order_id][1] for order_id in ids)
        assert all(ours["updated"][order_id] == before[order_id][1] for order_id in before if order_id not in ids)
    finally:
        reference.close()


def test_an_order_changed_after_it_was_read_refuses_the_export(sample_store: OpenedStore) -> None:
    with sample_store.session() as session:
        [order] = load_orders(session, exportable_ids(session)[:1])
    stale = loading.ExportOrder(order.id, order.number, order.status, order.version - 1, order.account_id,
                                order.values, order.lines)
    with pytest.raises(StaleDataError):
        with sample_store.transaction() as session:
            batch = ExportBatch(token="s" * 32, layout_name="generic", file_path="x.xlsx", created_by="maria")
            session.add(batch)
            session.flush()
            batches.mark_exported(session, [stale], batch.id, who="maria", reason="exported to x.xlsx")
    with sample_store.session() as session:
        again = session.get(FulfillmentOrder, order.id)
        assert again is not None and again.version == order.version
        assert session.execute(select(ExportBatch)).first() is None


def test_orders_the_session_already_holds_show_the_export(sample_store: OpenedStore, tmp_path: Path) -> None:
    with sample_store.transaction() as session:
        ready = session.execute(select(FulfillmentOrder).where(FulfillmentOrder.status == OrderStatus.READY)
                                .limit(1)).scalar_one()
        version = ready.version
        export_orders(session, [ready], tmp_path / "erp.xlsx", "generic", who="maria")
        assert (ready.status, ready.version, ready.changed_since_export) == (OrderStatus.SENT_TO_ERP, version + 1,
                                                                             False)
        with recording(session, who="maria", source=ChangeSource.USER_EDIT):
            ready.carrier = "DHL Express"  # and the session can go on changing it: no stale version
    with sample_store.session() as session:
        again = session.get(FulfillmentOrder, ready.id)
        assert again is not None and (again.carrier, again.version) == ("DHL Express", version + 2)
