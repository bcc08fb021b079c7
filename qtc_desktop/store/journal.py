"""The change journal: the one place every change to what coordinators work on is recorded.

Every session of a Store is a JournalledSession. A flush that adds, changes or deletes an
account, quote, order, line, shipment, package or contracted position writes field-level
change records in the same transaction, naming who, from which source, and why, as given by
the `recording` block it runs in. A change outside such a block is refused
(UnrecordedChange), and so is any INSERT, UPDATE or DELETE on those tables that goes around
the ORM, unless the code doing it declares in a `bulk_writes` block that it writes the
records itself (the quote import and the sample data do).

Beyond records, two rules ride along because every change passes here: a change to an
order's lines or shipments bumps the order's version (so a stale window cannot save over
it), and a change to an order the ERP has seen marks it changed since export.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, event, insert, inspect
from sqlalchemy.orm import MANYTOONE, Session, UOWTransaction

from qtc_desktop.domain import (
    Account,
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Package,
    Quote,
    QuoteLine,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.domain.base import utc_now
from qtc_desktop.domain.values import show

# Sources whose changes are the ERP's own view of the order, so do not mark it as changed since export.
ERP_SOURCES = frozenset({ChangeSource.ERP_ROUND_TRIP, ChangeSource.ERP_EXPORT})
EXPORTED = frozenset({OrderStatus.SENT_TO_ERP, OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED,
                      OrderStatus.SHIPPED})
# Bookkeeping columns: they change with every save and say nothing a person wants in history
# (a status's reason is the reason of the status change's own record).
_NOT_RECORDED = frozenset({"id", "version", "created_at", "updated_at", "imported_at", "content_hash",
                           "changed_since_export", "last_export_batch_id", "status_reason"})
_CONTEXT_KEY = "qtc_change_context"
# A write anywhere in the statement (after a comment or a WITH clause too), to a table named
# plainly, quoted, or with its schema ("main.quotes").
_WRITE = re.compile(r'\b(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+'
                    r'(?:[\["`]?\w+[\]"`]?\s*\.\s*)?[\["`]?(\w+)', re.IGNORECASE)
_STRING = re.compile(r"'(?:[^']|'')*'")  # a literal in the SQL names no table
_flushing: contextvars.ContextVar[bool] = contextvars.ContextVar("qtc_flushing", default=False)
_bulk: contextvars.ContextVar[str | None] = contextvars.ContextVar("qtc_bulk_writes", default=None)


class UnrecordedChange(RuntimeError):
    """A change to recorded data without saying who made it and why: a programming error."""


@dataclass(frozen=True)
class ChangeContext:
    who: str
    source: ChangeSource
    reason: str | None = None
    export_batch_id: int | None = None


@dataclass(frozen=True)
class _Owner:
    entity: str
    order: FulfillmentOrder | None
    account_id: int | None
    subject: str


def _order_owner(order: FulfillmentOrder | None, entity: str, subject: str) -> _Owner:
    return _Owner(entity, order, order.account_id if order is not None else None, subject)


def _quote_line(line: QuoteLine) -> _Owner:
    quote = line.quote
    return _Owner("quote_line", None, quote.account_id if quote else None,
                  f"{quote.number} rev {quote.revision} line {line.line_no}" if quote else f"line {line.line_no}")


def _shipment_line(line: ShipmentLine) -> _Owner:
    shipment = line.shipment
    order_line = line.order_line
    subject = f"{shipment.number if shipment else 'shipment'} line {order_line.line_no if order_line else '?'}"
    return _order_owner(shipment.order if shipment else None, "shipment_line", subject)


_OWNERS: dict[type, Callable[[Any], _Owner]] = {
    Account: lambda a: _Owner("account", None, a.id, a.name),
    Quote: lambda q: _Owner("quote", None, q.account_id, f"{q.number} rev {q.revision}"),
    QuoteLine: _quote_line,
    FulfillmentOrder: lambda o: _Owner("order", o, o.account_id, o.number),
    FulfillmentOrderLine: lambda l: _order_owner(l.order, "order_line", f"line {l.line_no}"),
    Shipment: lambda s: _order_owner(s.order, "shipment", s.number),
    ShipmentLine: _shipment_line,
    Package: lambda p: _order_owner(p.shipment.order if p.shipment else None, "package",
                                    f"{p.shipment.number if p.shipment else 'shipment'} package {p.reference or ''}".strip()),
    ContractedPosition: lambda c: _Owner("contract_position", None, c.account_id, c.product_code),
}
# Children created together with their parent are part of the parent's "created" record; a child
# taken out of its parent's collection goes with the flush (delete-orphan) and is recorded deleted.
_PARENTS: dict[type, str] = {
    FulfillmentOrderLine: "order",
    ShipmentLine: "shipment",
    Package: "shipment",
    QuoteLine: "quote",
}
TRACKED_TABLES = frozenset(cast(Table, cls.__table__).name for cls in _OWNERS)  # type: ignore[attr-defined]


@contextmanager
def recording(session: Session, *, who: str, source: ChangeSource, reason: str | None = None,
              export_batch_id: int | None = None) -> Iterator[Session]:
    """Changes made in the block are recorded as made by `who`, from `source`, for `reason`.

    The block flushes on the way out, so the records carry this context and not the next one.
    """
    previous = session.info.get(_CONTEXT_KEY)
    session.info[_CONTEXT_KEY] = ChangeContext(_fitted(who, _WHO_LENGTH), source, reason.strip() if reason else None,
                                               export_batch_id)
    try:
        yield session
        session.flush()
    finally:
        session.info[_CONTEXT_KEY] = previous


@contextmanager
def bulk_writes(purpose: str) -> Iterator[None]:
    """Allow INSERT/UPDATE/DELETE on recorded tables outside the ORM: the caller writes the records."""
    token = _bulk.set(purpose)
    try:
        yield
    finally:
        _bulk.reset(token)


# What the columns hold: PostgreSQL refuses a longer value where SQLite would keep it, so a
# 300-character account name is shortened in its records' subject on both alike.
_SUBJECT_LENGTH, _WHO_LENGTH = 160, 128


def _fitted(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def current_context(session: Session) -> ChangeContext | None:
    return cast("ChangeContext | None", session.info.get(_CONTEXT_KEY))


def order_field_record(context: ChangeContext, at: dt.datetime, *, order_id: int, order_version: int,
                       account_id: int | None, number: str, name: str, old: object, new: object) -> dict[str, Any]:
    """The change record a flush writes for one field of an order (order_version: the version the
    change gives it), for code that updates orders in bulk inside bulk_writes(...) and so writes
    their records itself (see write_records)."""
    return {"at": at, "who": context.who, "source": context.source, "reason": context.reason,
            "entity_type": "order", "entity_id": order_id, "order_id": order_id, "order_version": order_version,
            "account_id": account_id,
            "subject": _fitted(number, _SUBJECT_LENGTH), "export_batch_id": context.export_batch_id, "field": name,
            "old_value": show(old) or None, "new_value": show(new) or None}


def write_records(session: Session, records: list[dict[str, Any]]) -> None:
    """Store change records made with order_field_record (one executemany)."""
    if records:
        session.connection().execute(insert(cast(Table, ChangeRecord.__table__)), records)


class JournalledSession(Session):
    """A session whose flushes are known to the statement guard (see guard_statements)."""

    def flush(self, objects: Any = None) -> None:
        token = _flushing.set(True)
        try:
            super().flush(objects)
        finally:
            _flushing.reset(token)


def guard_statements(engine: Engine) -> None:
    """Refuse writes to recorded tables that bypass the journal: Core, ORM bulk statements, raw SQL."""
    event.listen(engine, "before_cursor_execute", _check_statement)


def _check_statement(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if _flushing.get() or _bulk.get() is not None:
        return
    for match in _WRITE.finditer(_STRING.sub("''", statement)):
        if match.group(2).lower() not in TRACKED_TABLES:
            continue
        raise UnrecordedChange(
            f"{match.group(1).split()[0].upper()} on {match.group(2)} outside the change journal: change it "
            "through the ORM inside recording(...), or write the records yourself inside bulk_writes(...)")


@event.listens_for(JournalledSession, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted)
               if type(obj) in _OWNERS and _changes_something(session, obj)]
    if not touched:
        return
    context = current_context(session)
    if context is None:
        names = sorted({type(obj).__name__ for obj in touched})
        raise UnrecordedChange(f"{', '.join(names)} changed outside recording(...): "
                               "every change must say who made it and why")
    orphans = {id(obj): parent for obj in touched if (parent := _former_parent(session, obj)) is not None}
    orders = {id(order): order for obj in touched
              if (order := _owner(obj, orphans.get(id(obj))).order) is not None and order not in session.deleted}
    for order in orders.values():
        if order not in session.new:
            # A line or shipment change alone leaves the order's row untouched, and so its version.
            order.updated_at = utc_now()
        if context.source not in ERP_SOURCES and _erp_has_seen(order):
            order.changed_since_export = True
    touched.sort(key=_record_order)
    session.info["qtc_pending_records"] = [(obj, obj in session.new, obj in session.deleted or id(obj) in orphans,
                                            orphans.get(id(obj))) for obj in touched]


def _former_parent(session: Session, obj: object) -> object | None:
    """The parent a stored child was just taken from (the flush deletes it as an orphan), else None."""
    key = _PARENTS.get(type(obj))
    if key is None or obj in session.new or obj in session.deleted or getattr(obj, key) is not None:
        return None
    before = inspect(obj).attrs[key].history.deleted
    return before[0] if before and before[0] is not None else None


class _AsItWas:
    """An orphan seen in the parent it was taken from, so its records name it as it was."""

    def __init__(self, obj: object, parent: object) -> None:
        self._obj, self._key, self._parent = obj, _PARENTS[type(obj)], parent

    def __getattr__(self, name: str) -> Any:
        return self._parent if name == self._key else getattr(self._obj, name)


def _owner(obj: object, former_parent: object | None = None) -> _Owner:
    return _OWNERS[type(obj)](obj if former_parent is None else _AsItWas(obj, former_parent))


def _erp_has_seen(order: FulfillmentOrder) -> bool:
    """Whether the ERP has (or had, before this change) the order: exported, or in an ERP status."""
    before = inspect(order).attrs["status"].history.deleted
    return bool(order.last_export_batch_id or order.erp_order_number or order.status in EXPORTED
                or any(status in EXPORTED for status in before))


_RANK = {cls: rank for rank, cls in enumerate(_OWNERS)}


def _record_order(obj: object) -> tuple[int, int]:
    """Records in a stable order: parents before children, then as numbered (line 1 before line 2),
    then as made (the sort keeps the session's order of new objects, which have no number yet)."""
    number = getattr(obj, "line_no", None) or getattr(obj, "id", None) or 0
    return _RANK[type(obj)], int(number)


@event.listens_for(JournalledSession, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    pending = session.info.pop("qtc_pending_records", None)
    context = current_context(session)
    if not pending or context is None:
        return
    created = {id(obj) for obj, is_new, _, _ in pending if is_new}
    now = utc_now()
    rows: list[dict[str, Any]] = []
    for obj, is_new, is_deleted, former_parent in pending:
        owner = _owner(obj, former_parent)
        base = {"at": now, "who": context.who, "source": context.source, "reason": context.reason,
                "entity_type": owner.entity, "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                "order_id": owner.order.id if owner.order is not None else None,
                # As loaded: the flush has set the order's new version (never a lazy load here).
                "order_version": inspect(owner.order).dict.get("version") if owner.order is not None else None,
                "account_id": owner.account_id, "subject": _fitted(owner.subject, _SUBJECT_LENGTH),
                "export_batch_id": context.export_batch_id}
        if is_new:
            parent = _PARENTS.get(type(obj))
            if parent is not None and id(getattr(obj, parent)) in created:
                continue
            rows.append({**base, "field": "created", "old_value": None, "new_value": describe(obj)})
        elif is_deleted:
            rows.append({**base, "field": "deleted", "old_value": describe(obj, owner), "new_value": None})
        else:
            rows += [{**base, "field": name, "old_value": old or None, "new_value": new or None}
                     for name, old, new in _field_changes(obj)]
    if rows:
        session.connection().execute(insert(cast(Table, ChangeRecord.__table__)), rows)


def _changes_something(session: Session, obj: object) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    return any(True for _ in _field_changes(obj))


def _field_changes(obj: object) -> Iterator[tuple[str, str, str]]:
    state = inspect(obj)
    # Only attributes set since the load can have history; most flushes touch a few of many.
    touched = state.committed_state.keys()
    if not touched or touched <= _NOT_RECORDED:
        return
    for relation in state.mapper.relationships:
        # A many-to-one set through the relationship only reaches its column during the flush.
        if relation.direction is not MANYTOONE or relation.key not in touched:
            continue
        history = state.attrs[relation.key].history
        if history.has_changes():
            old = _name(history.deleted[0]) if history.deleted else ""
            new = _name(history.added[0]) if history.added else ""
            if old != new and history.deleted:  # the first link of a new object is no change
                yield relation.key, old, new
    linked = {column.key for relation in state.mapper.relationships if relation.direction is MANYTOONE
              for column in relation.local_columns}
    for column in state.mapper.column_attrs:
        name = column.key
        if name not in touched or name in _NOT_RECORDED or (name in linked and _relation_changed(state, name)):
            continue
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        old = show(history.deleted[0]) if history.deleted else ""
        new = show(history.added[0]) if history.added else ""
        if old != new:
            yield name, old, new


def _relation_changed(state: Any, column: str) -> bool:
    return any(state.attrs[relation.key].history.has_changes() for relation in state.mapper.relationships
               if relation.direction is MANYTOONE and any(c.key == column for c in relation.local_columns))


def _name(obj: object) -> str:
    owner = _OWNERS.get(type(obj))
    return owner(obj).subject if owner is not None and obj is not None else show(obj)


def describe(obj: object, owner: _Owner | None = None) -> str:
    """What a created or deleted entity was, in one line."""
    if isinstance(obj, FulfillmentOrder):
        quote = obj.quote
        return f"{quote.number} rev {quote.revision}" if quote else obj.number
    if isinstance(obj, FulfillmentOrderLine):
        return f"line {obj.line_no} {obj.product_code} × {show(obj.quantity)}"
    if isinstance(obj, Shipment):
        lines = ", ".join(f"line {l.order_line.line_no if l.order_line else '?'} × {show(l.quantity)}"
                          for l in obj.lines)
        return f"{obj.number}: {lines}" if lines else obj.number
    if isinstance(obj, ContractedPosition):
        return (f"{obj.product_code} × {show(obj.quantity)} "
                f"{show(obj.start_date) or '…'} to {show(obj.end_date) or '…'}")
    return (owner or _OWNERS[type(obj)](obj)).subject
