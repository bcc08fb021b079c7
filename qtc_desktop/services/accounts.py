"""The account page's data: an account with its quotes, orders, shipments, positions and recent changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    Account,
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentOrder,
    OrderStatus,
    Package,
    Quote,
    QuoteType,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.errors import NotFound
from qtc_desktop.services.text_search import casefold

RECENT_CHANGES = 50
# A page shows at most this many quotes, orders or shipments, newest first; the counts say
# how many there are in all (the lists page through any number).
MAX_ROWS = 2000


@dataclass(frozen=True)
class AccountHeader:
    id: int
    name: str
    external_id: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    region: str | None
    country: str | None
    email: str | None
    phone: str | None

    @property
    def address(self) -> str:
        """One line, as on an envelope: street, postal code and city, region, country."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, town, self.region, self.country) if part)


@dataclass(frozen=True)
class AccountQuote:
    id: int
    number: str
    revision: int
    type: QuoteType
    quote_date: dt.date | None
    line_count: int
    net_total: Decimal
    currency: str
    superseded: bool
    orders: tuple[str, ...]  # numbers of the orders made from this revision


@dataclass(frozen=True)
class AccountOrder:
    id: int
    number: str
    status: OrderStatus
    quote_number: str
    quote_revision: int
    requested_date: dt.date | None
    promised_date: dt.date | None
    carrier: str | None
    customer_po: str | None
    erp_order_number: str | None
    net_total: Decimal
    currency: str
    changed_since_export: bool


@dataclass(frozen=True)
class AccountShipment:
    id: int
    number: str
    order_id: int
    order_number: str
    ship_date: dt.date
    carrier: str | None
    tracking_number: str | None
    units: Decimal
    packages: int


@dataclass(frozen=True)
class AccountPosition:
    id: int
    contract_number: str | None
    product_code: str
    product_name: str
    quantity: Decimal
    start_date: dt.date | None
    end_date: dt.date | None
    source_order_id: int | None
    source_order_number: str | None


@dataclass(frozen=True)
class AccountChange:
    id: int
    at: dt.datetime
    who: str
    source: ChangeSource
    order_id: int | None
    order_number: str | None  # None for a change to no order (or to one deleted since)
    entity_type: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


@dataclass(frozen=True)
class AccountOverview:
    account: AccountHeader
    quotes: tuple[AccountQuote, ...]
    orders: tuple[AccountOrder, ...]
    shipments: tuple[AccountShipment, ...]
    positions: tuple[AccountPosition, ...]
    changes: tuple[AccountChange, ...]  # the latest RECENT_CHANGES, newest first
    quote_count: int
    order_count: int
    shipment_count: int


def find_account(session: Session, reference: str) -> Account:
    """The account with this id (12), CPQ id, or name (ignoring case)."""
    text = reference.strip()
    account = session.get(Account, int(text)) if text.isdigit() else None
    if account is None:
        account = session.execute(select(Account).where(Account.external_id == text)).scalar()
    if account is None:
        account = session.execute(select(Account).where(casefold(Account.name) == text.casefold())
                                  .order_by(Account.id).limit(1)).scalar()
    if account is None:
        raise NotFound(f"There is no account {text}.")
    return account


def account_overview(session: Session, account_id: int) -> AccountOverview:
    """Everything the account page shows, read in one session; raises NotFound."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"Account {account_id} no longer exists.")
    header = AccountHeader(account.id, account.name, account.external_id, account.street, account.postal_code,
                           account.city, account.region, account.country, account.email, account.phone)
    return AccountOverview(
        header, _quotes(session, account_id), _orders(session, account_id), _shipments(session, account_id),
        _positions(session, account_id), _changes(session, account_id),
        _count(session, select(Quote.id).where(Quote.account_id == account_id)),
        _count(session, select(FulfillmentOrder.id).where(FulfillmentOrder.account_id == account_id)),
        _count(session, select(Shipment.id).join(FulfillmentOrder, FulfillmentOrder.id == Shipment.order_id)
               .where(FulfillmentOrder.account_id == account_id)),
    )


def account_of(session: Session, list_name: str, row_id: int) -> int:
    """The account a row of the Quotes, Orders or Accounts list belongs to; raises NotFound."""
    column = {"quotes": Quote.account_id, "orders": FulfillmentOrder.account_id, "accounts": Account.id}[list_name]
    table = {"quotes": Quote.id, "orders": FulfillmentOrder.id, "accounts": Account.id}[list_name]
    account_id = session.execute(select(column).where(table == row_id)).scalar()
    if account_id is None:
        raise NotFound(f"That {list_name[:-1]} no longer exists.")
    return int(account_id)


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


def _quotes(session: Session, account_id: int) -> tuple[AccountQuote, ...]:
    rows = session.execute(
        select(Quote.id, Quote.number, Quote.revision, Quote.type, Quote.quote_date, Quote.line_count,
               Quote.net_total, Quote.currency, Quote.superseded)
        .where(Quote.account_id == account_id)
        .order_by(Quote.number.desc(), Quote.revision.desc()).limit(MAX_ROWS)
    ).all()
    orders: dict[int, list[str]] = {}
    if rows:
        for quote_id, number in session.execute(
            select(FulfillmentOrder.quote_id, FulfillmentOrder.number)
            .where(FulfillmentOrder.account_id == account_id).order_by(FulfillmentOrder.number)
        ):
            orders.setdefault(quote_id, []).append(number)
    return tuple(AccountQuote(*row, orders=tuple(orders.get(row[0], ()))) for row in rows)


def _orders(session: Session, account_id: int) -> tuple[AccountOrder, ...]:
    rows = session.execute(
        select(FulfillmentOrder.id, FulfillmentOrder.number, FulfillmentOrder.status, Quote.number, Quote.revision,
               FulfillmentOrder.requested_date, FulfillmentOrder.promised_date, FulfillmentOrder.carrier,
               FulfillmentOrder.customer_po, FulfillmentOrder.erp_order_number, Quote.net_total, Quote.currency,
               FulfillmentOrder.changed_since_export)
        .join(Quote, Quote.id == FulfillmentOrder.quote_id)
        .where(FulfillmentOrder.account_id == account_id)
        .order_by(FulfillmentOrder.number.desc()).limit(MAX_ROWS)
    ).all()
    return tuple(AccountOrder(*tuple(row)) for row in rows)


def _shipments(session: Session, account_id: int) -> tuple[AccountShipment, ...]:
    units = (select(func.coalesce(func.sum(ShipmentLine.quantity), 0)).where(ShipmentLine.shipment_id == Shipment.id)
             .correlate(Shipment).scalar_subquery())
    packages = (select(func.count(Package.id)).where(Package.shipment_id == Shipment.id)
                .correlate(Shipment).scalar_subquery())
    rows = session.execute(
        select(Shipment.id, Shipment.number, FulfillmentOrder.id, FulfillmentOrder.number, Shipment.ship_date,
               Shipment.carrier, Shipment.tracking_number, units, packages)
        .join(FulfillmentOrder, FulfillmentOrder.id == Shipment.order_id)
        .where(FulfillmentOrder.account_id == account_id)
        .order_by(Shipment.ship_date.desc(), Shipment.id.desc()).limit(MAX_ROWS)
    ).all()
    # SUM and COALESCE keep the column's type, so the units come back as exact decimals.
    return tuple(AccountShipment(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], int(row[8]))
                 for row in rows)


def _positions(session: Session, account_id: int) -> tuple[AccountPosition, ...]:
    rows = session.execute(
        select(ContractedPosition.id, ContractedPosition.contract_number, ContractedPosition.product_code,
               ContractedPosition.product_name, ContractedPosition.quantity, ContractedPosition.start_date,
               ContractedPosition.end_date, ContractedPosition.source_order_id, FulfillmentOrder.number)
        .outerjoin(FulfillmentOrder, FulfillmentOrder.id == ContractedPosition.source_order_id)
        .where(ContractedPosition.account_id == account_id)
        .order_by(ContractedPosition.product_code, ContractedPosition.start_date, ContractedPosition.id)
    ).all()
    return tuple(AccountPosition(*row) for row in rows)


def _changes(session: Session, account_id: int) -> tuple[AccountChange, ...]:
    rows = session.execute(
        select(ChangeRecord.id, ChangeRecord.at, ChangeRecord.who, ChangeRecord.source, ChangeRecord.order_id,
               FulfillmentOrder.number, ChangeRecord.entity_type, ChangeRecord.field, ChangeRecord.old_value,
               ChangeRecord.new_value, ChangeRecord.reason)
        .outerjoin(FulfillmentOrder, FulfillmentOrder.id == ChangeRecord.order_id)
        .where(ChangeRecord.account_id == account_id)
        .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc()).limit(RECENT_CHANGES)
    ).all()
    return tuple(AccountChange(*row) for row in rows)
