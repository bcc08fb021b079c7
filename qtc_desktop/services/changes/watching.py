"""Noticing what others saved: a bookmark on the change records, and what came after it.

Every saved change writes change records in the same transaction (store/journal.py), so
the records are a clock every engine keeps: a window remembers the newest record id and
the number of records it has seen, and every few seconds asks for both again (one query).
The count matters on PostgreSQL: ids come from a sequence when a row is written, not when
its transaction commits, so a long import can commit records older than a quick save's.
Such a late commit still raises the count, and the window still reloads. Open orders are
checked by their version, which moves with every committed change to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from qtc_desktop.domain import ChangeRecord, FulfillmentOrder

# Seconds between polls: a coordinator sees a colleague's save within this, and the server
# answers one small query per window per interval.
POLL_SECONDS = 5
_MOST_ORDERS = 500  # past this (an import, an ERP round trip) the orders are not listed one by one


@dataclass(frozen=True)
class Bookmark:
    newest: int  # the newest change record's id (0: none)
    records: int  # how many change records there are


@dataclass(frozen=True)
class OutsideChanges:
    """What was saved after a bookmark: how much, by whom, to which orders and accounts."""

    bookmark: Bookmark  # where the next look starts
    records: int
    people: tuple[str, ...]  # newest first
    orders: frozenset[int]
    accounts: frozenset[int]
    many_orders: bool  # more orders changed than `orders` lists
    last_at: dt.datetime | None
    many_accounts: bool = False  # more accounts changed than `accounts` lists

    @property
    def summary(self) -> str:
        """One line for a status bar: "3 changes saved by Alex Smith and Dana"."""
        count = f"{self.records:,} change{'' if self.records == 1 else 's'} saved"
        if not self.people:
            return count
        shown = " and ".join(self.people[:2])
        more = f" and {len(self.people) - 2} more" if len(self.people) > 2 else ""
        return f"{count} by {shown}{more}"


def bookmark(session: Session) -> Bookmark:
    newest, records = session.execute(select(func.max(ChangeRecord.id), func.count(ChangeRecord.id))).one()
    return Bookmark(newest or 0, records)


def changes_after(session: Session, since: Bookmark) -> OutsideChanges | None:
    """What was saved after `since`, or None when nothing was."""
    now = bookmark(session)
    if now == since:
        return None
    after = (ChangeRecord.id > since.newest) & (ChangeRecord.id <= now.newest)
    last_at = session.execute(select(func.max(ChangeRecord.at)).where(after)).scalar()
    people = tuple(session.execute(select(ChangeRecord.who).where(after).group_by(ChangeRecord.who)
                                   .order_by(func.max(ChangeRecord.id).desc()).limit(10)).scalars())
    orders = _distinct(session, ChangeRecord.order_id, after)
    accounts = _distinct(session, ChangeRecord.account_id, after)
    many, many_accounts = len(orders) > _MOST_ORDERS, len(accounts) > _MOST_ORDERS
    return OutsideChanges(now, max(now.records - since.records, 1), people, frozenset() if many else orders,
                          frozenset() if many_accounts else accounts, many, last_at, many_accounts)


def order_versions(session: Session, order_ids: Collection[int]) -> dict[int, int]:
    """The committed version of each order (a deleted order is missing from the answer)."""
    if not order_ids:
        return {}
    rows = session.execute(select(FulfillmentOrder.id, FulfillmentOrder.version)
                           .where(FulfillmentOrder.id.in_(list(order_ids))))
    return {order_id: version for order_id, version in rows}


def _distinct(session: Session, column: InstrumentedAttribute[int | None], where: ColumnElement[bool]) -> frozenset[int]:
    values = session.execute(select(column).where(where, column.is_not(None))
                             .distinct().limit(_MOST_ORDERS + 1)).scalars().all()
    return frozenset(value for value in values if value is not None)
