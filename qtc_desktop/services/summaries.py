"""Quotes, orders and accounts as plain data: the shapes of the command line's --json."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from qtc_desktop.domain import (
    Account,
    FulfillmentOrder,
    FulfillmentOrderLine,
    Quote,
)
from qtc_desktop.domain.enums import OPEN_ORDER_STATUSES


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def quote_summaries(connection: Connection) -> list[dict[str, Any]]:
    """Every quote revision: number, revision, type, account, lines (count), net_total, currency."""
    statement = (
        select(Quote.number, Quote.revision, Quote.type, Account.name, Quote.line_count,
               Quote.net_total, Quote.currency, Quote.quote_date, Quote.contract_number,
               Quote.superseded)
        .join(Account, Account.id == Quote.account_id)
        .order_by(Quote.number, Quote.revision)
    )
    return [
        {
            "number": number,
            "revision": revision,
            "type": quote_type.value,
            "account": account,
            "lines": line_count,
            "net_total": f"{net_total:.2f}",
            "currency": currency,
            "quote_date": _iso(quote_date),
            "contract": contract,
            "latest": not superseded,
        }
        for (number, revision, quote_type, account, line_count, net_total, currency, quote_date,
             contract, superseded) in connection.execute(statement)
    ]


def order_summaries(connection: Connection) -> list[dict[str, Any]]:
    """Every order: id, number, quote, account, status, lines (count) and the key dates."""
    line_count = (
        select(func.count(FulfillmentOrderLine.id))
        .where(FulfillmentOrderLine.order_id == FulfillmentOrder.id)
        .correlate(FulfillmentOrder)
        .scalar_subquery()
    )
    statement = (
        select(FulfillmentOrder.id, FulfillmentOrder.number, Quote.number, Quote.revision,
               Account.name, FulfillmentOrder.status, line_count, FulfillmentOrder.requested_date,
               FulfillmentOrder.promised_date, FulfillmentOrder.erp_order_number,
               FulfillmentOrder.changed_since_export, FulfillmentOrder.version)
        .join(Quote, Quote.id == FulfillmentOrder.quote_id)
        .join(Account, Account.id == FulfillmentOrder.account_id)
        .order_by(FulfillmentOrder.id)
    )
    return [
        {
            "id": order_id,
            "number": number,
            "quote": quote,
            "quote_revision": revision,
            "account": account,
            "status": status.value,
            "lines": lines,
            "requested_date": _iso(requested),
            "promised_date": _iso(promised),
            "erp_order_number": erp,
            "changed_since_export": changed,
            "version": version,
        }
        for (order_id, number, quote, revision, account, status, lines, requested, promised, erp,
             changed, version) in connection.execute(statement)
    ]


def account_summaries(connection: Connection) -> list[dict[str, Any]]:
    """Every account with its address and how many quotes and open orders it has."""
    quotes = (
        select(func.count(Quote.id)).where(Quote.account_id == Account.id)
        .correlate(Account).scalar_subquery()
    )
    open_orders = (
        select(func.count(FulfillmentOrder.id))
        .where(FulfillmentOrder.account_id == Account.id,
               FulfillmentOrder.status.in_(sorted(OPEN_ORDER_STATUSES)))
        .correlate(Account).scalar_subquery()
    )
    statement = select(
        Account.id, Account.name, Account.external_id, Account.email, Account.phone,
        Account.street, Account.city, Account.postal_code, Account.region, Account.country,
        quotes, open_orders,
    ).order_by(Account.name, Account.id)
    return [
        {
            "id": account_id,
            "name": name,
            "external_id": external_id,
            "email": email,
            "phone": phone,
            "address": {"street": street, "city": city, "postal_code": postal, "region": region,
                        "country": country},
            "quotes": quote_count,
            "open_orders": open_count,
        }
        for (account_id, name, external_id, email, phone, street, city, postal, region, country,
             quote_count, open_count) in connection.execute(statement)
    ]
