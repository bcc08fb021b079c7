"""The Quotes, Orders and Accounts lists: their columns, filters and default sort order.

How a list is searched, filtered, sorted and fetched (in SQL, ids first, then only the
rows in view) is services.list_queries; its names are importable from here too, since
the list views, the CLI and the benchmarks know the lists by this module.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Exists,
    Select,
    SQLColumnExpression,
    and_,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import aliased

from qtc_desktop.domain import (
    Account,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Quote,
    QuoteType,
)
from qtc_desktop.domain.enums import OPEN_ORDER_STATUSES
from qtc_desktop.services.list_queries import (
    ListColumn,
    ListFilter,
    ListQuery,
    ListSpec,
    Related,
    ValueKind,
    count_all,
    fetch_rows,
    format_value,
    row_ids,
)

__all__ = [
    "ACCOUNTS", "LISTS", "ORDERS", "QUOTES",
    "ListColumn", "ListFilter", "ListQuery", "ListSpec", "Related", "ValueKind",
    "count_all", "fetch_rows", "format_value", "row_ids",
    "not_ready", "overdue", "quote_revised", "requested_between",
]


# -- Orders -----------------------------------------------------------------------------

_order_account = aliased(Account)
_order_quote = aliased(Quote)
_ORDER_ACCOUNT = Related(_order_account, FulfillmentOrder.account_id)
_ORDER_QUOTE = Related(_order_quote, FulfillmentOrder.quote_id)


def _orders_base() -> Select[Any]:
    return (
        select(FulfillmentOrder.id)
        .join(_order_account, _order_account.id == FulfillmentOrder.account_id)
        .join(_order_quote, _order_quote.id == FulfillmentOrder.quote_id)
    )


def _filter_order_status(statement: Select[Any], value: str) -> Select[Any]:
    if value == "open":
        return statement.where(FulfillmentOrder.status.in_(sorted(OPEN_ORDER_STATUSES)))
    if value == "changed":
        return statement.where(FulfillmentOrder.changed_since_export.is_(true()))
    return statement.where(FulfillmentOrder.status == OrderStatus(value))


def _today() -> dt.date:
    """Today, for the date filters (tests put a fixed day here)."""
    return dt.date.today()


def _blank(column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    return or_(column.is_(None), column == "")


def _has_line(*conditions: ColumnElement[bool]) -> Exists:
    """EXISTS a line of the listed order meeting every condition (one index lookup per order)."""
    return (select(FulfillmentOrderLine.id)
            .where(FulfillmentOrderLine.order_id == FulfillmentOrder.id, *conditions)
            .exists())


# Checked before an order may go to the ERP; the statuses past that point no longer wait.
_BEFORE_RELEASE = (OrderStatus.DRAFT, OrderStatus.READY)
_SHIP_TO = (FulfillmentOrder.ship_to_name, FulfillmentOrder.ship_to_street, FulfillmentOrder.ship_to_city,
            FulfillmentOrder.ship_to_postal_code, FulfillmentOrder.ship_to_country, FulfillmentOrder.carrier)
# Quantities are stored as integer ten-thousandths (domain.base.Quantity): a whole unit is a
# multiple of this factor, which is how SQL can tell a fractional quantity.
_QUANTITY_UNIT = 10 ** FulfillmentOrderLine.quantity.type.scale


def not_ready() -> ColumnElement[bool]:
    """A draft or ready order missing something that blocks release, as
    services.orders.readiness says it in Python: no lines; no bill-to name or country; goods
    without a full ship-to address or a carrier; goods or services without a requested date;
    a subscription without activation contact or start; a serialized item in part units."""
    kind = FulfillmentOrderLine.kind
    return and_(
        FulfillmentOrder.status.in_(_BEFORE_RELEASE),
        or_(
            ~_has_line(),
            _blank(FulfillmentOrder.bill_to_name),
            _blank(FulfillmentOrder.bill_to_country),
            and_(or_(*(_blank(column) for column in _SHIP_TO)), _has_line(kind == FulfillmentKind.SHIP)),
            and_(FulfillmentOrder.requested_date.is_(None),
                 _has_line(kind.in_((FulfillmentKind.SHIP, FulfillmentKind.PERFORM)))),
            _has_line(kind == FulfillmentKind.PROVISION,
                      or_(_blank(FulfillmentOrderLine.activation_contact),
                          FulfillmentOrderLine.subscription_start.is_(None))),
            _has_line(kind == FulfillmentKind.SHIP, FulfillmentOrderLine.serialized.is_(true()),
                      type_coerce(FulfillmentOrderLine.quantity, BigInteger) % _QUANTITY_UNIT != 0),
        ),
    )


# Once everything has shipped (or the order is closed or cancelled) the date no longer matters.
_NOT_DUE = (OrderStatus.SHIPPED, OrderStatus.CLOSED, OrderStatus.CANCELLED)


def overdue(today: dt.date) -> ColumnElement[bool]:
    """Requested before today and not yet shipped, closed or cancelled."""
    return and_(FulfillmentOrder.requested_date < today, FulfillmentOrder.status.notin_(_NOT_DUE))


def quote_revised() -> ColumnElement[bool]:
    """Open orders whose quote has a newer revision than the one the order follows."""
    ordered = aliased(Quote)
    newer = aliased(Quote)
    own_order = aliased(FulfillmentOrder)
    return and_(FulfillmentOrder.status.notin_((OrderStatus.CLOSED, OrderStatus.CANCELLED)),
                select(newer.id).where(ordered.id == FulfillmentOrder.quote_id, newer.number == ordered.number,
                                       newer.revision > ordered.revision,
                                       ~select(own_order.id).where(own_order.quote_id == newer.id).exists())
                .exists())


def _filter_order_attention(statement: Select[Any], value: str) -> Select[Any]:
    conditions = {
        "not_ready": not_ready,
        "overdue": lambda: overdue(_today()),
        "changed": lambda: FulfillmentOrder.changed_since_export.is_(true()),
        "revised": quote_revised,
    }
    if value == "any":
        return statement.where(or_(*(condition() for condition in conditions.values())))
    if value not in conditions:
        raise ValueError(f"unknown attention filter {value!r}")
    return statement.where(conditions[value]())


def requested_between(value: str, today: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
    """The first and last requested date a choice of the Requested filter covers (either
    may be open), or None for "no requested date". A range is written FROM..TO in ISO dates."""
    if value == "past":
        return None, today - dt.timedelta(days=1)
    monday = today - dt.timedelta(days=today.weekday())
    if value == "this_week":
        return monday, monday + dt.timedelta(days=6)
    if value == "next_week":
        return monday + dt.timedelta(days=7), monday + dt.timedelta(days=13)
    if value == "next_30":
        return today, today + dt.timedelta(days=29)
    if value == "none":
        return None
    first, separator, last = value.partition("..")
    if not separator:
        raise ValueError(f"unknown requested-date filter {value!r}")
    start = dt.date.fromisoformat(first) if first else None
    end = dt.date.fromisoformat(last) if last else None
    return start, end


def _filter_order_requested(statement: Select[Any], value: str) -> Select[Any]:
    if value == "between":  # chosen, dates not given yet: every order
        return statement
    bounds = requested_between(value, _today())
    if bounds is None:
        return statement.where(FulfillmentOrder.requested_date.is_(None))
    start, end = bounds
    if start is not None:
        statement = statement.where(FulfillmentOrder.requested_date >= start)
    if end is not None:
        statement = statement.where(FulfillmentOrder.requested_date <= end)
    return statement


def _filter_order_account(statement: Select[Any], value: str) -> Select[Any]:
    return statement.where(FulfillmentOrder.account_id == int(value))


def _accounts_with_orders(connection: Connection) -> list[tuple[str, str]]:
    """(account id, name) of every account with an order, by name; a name two accounts
    share is told apart by the external id."""
    has_orders = select(FulfillmentOrder.id).where(FulfillmentOrder.account_id == Account.id).exists()
    rows = connection.execute(
        select(Account.id, Account.name, Account.external_id).where(has_orders).order_by(Account.name, Account.id)
    ).all()
    shared = {name for name, count in Counter(name for _id, name, _external in rows).items() if count > 1}
    return [(str(account_id), f"{name} ({external_id or account_id})" if name in shared else name)
            for account_id, name, external_id in rows]


ORDERS = ListSpec(
    name="orders",
    id_column=FulfillmentOrder.id,
    base=_orders_base,
    columns=(
        ListColumn("number", "Order", FulfillmentOrder.number, searchable=True, width=100),
        ListColumn("status", "Status", FulfillmentOrder.status, "status", width=110),
        ListColumn("account", "Account", _order_account.name, searchable=True, width=220,
                   related=_ORDER_ACCOUNT),
        ListColumn("quote", "Quote", _order_quote.number, searchable=True, width=120,
                   related=_ORDER_QUOTE),
        ListColumn("requested_date", "Requested", FulfillmentOrder.requested_date, "date", width=95),
        ListColumn("promised_date", "Promised", FulfillmentOrder.promised_date, "date", width=95),
        ListColumn("carrier", "Carrier", FulfillmentOrder.carrier, searchable=True, width=90),
        ListColumn("customer_po", "Customer PO", FulfillmentOrder.customer_po, searchable=True),
        ListColumn("erp_order_number", "ERP order", FulfillmentOrder.erp_order_number, searchable=True),
        ListColumn("net_total", "Net total", _order_quote.net_total, "money", width=110,
                   related=_ORDER_QUOTE),
        ListColumn("currency", "Cur.", _order_quote.currency, width=50, related=_ORDER_QUOTE),
        ListColumn("changed_since_export", "Changed", FulfillmentOrder.changed_since_export, "flag", width=70),
    ),
    filters=(
        ListFilter(
            "status",
            "Status",
            (("", "All statuses"), ("open", "Open"), ("changed", "Changed since export"))
            + tuple((status.value, status.label) for status in OrderStatus),
            _filter_order_status,
        ),
        ListFilter(
            "attention",
            "Needs attention: not ready for the ERP, overdue, changed since the ERP saw it, "
            "or its quote revised since",
            (("", "Any attention"), ("any", "Needs attention"), ("not_ready", "Not ready"),
             ("overdue", "Overdue"), ("changed", "Changed since ERP saw it"),
             ("revised", "Quote revised since")),
            _filter_order_attention,
        ),
        ListFilter(
            "requested",
            "Requested date",
            (("", "Any requested date"), ("past", "Requested before today"),
             ("this_week", "Requested this week"), ("next_week", "Requested next week"),
             ("next_30", "Requested in the next 30 days"), ("none", "No requested date"),
             ("between", "Requested between…")),
            _filter_order_requested,
            date_range_choice="between",
        ),
        ListFilter(
            "account",
            "Account (only accounts with orders are listed)",
            (("", "All accounts"),),
            _filter_order_account,
            choices_from=_accounts_with_orders,
        ),
    ),
    default_sort="number",
    default_descending=True,
)


# -- Quotes -----------------------------------------------------------------------------

_quote_account = aliased(Account)
_QUOTE_ACCOUNT = Related(_quote_account, Quote.account_id)


def _quotes_base() -> Select[Any]:
    return select(Quote.id).join(_quote_account, _quote_account.id == Quote.account_id)


def _filter_quote_type(statement: Select[Any], value: str) -> Select[Any]:
    return statement.where(Quote.type == QuoteType(value))


def _filter_quote_revisions(statement: Select[Any], value: str) -> Select[Any]:
    if value == "latest":
        return statement.where(Quote.superseded.is_(false()))
    return statement


QUOTES = ListSpec(
    name="quotes",
    id_column=Quote.id,
    base=_quotes_base,
    columns=(
        ListColumn("number", "Quote", Quote.number, searchable=True, width=120),
        ListColumn("revision", "Rev.", Quote.revision, "int", width=45),
        ListColumn("type", "Type", Quote.type, "quote_type", width=100),
        ListColumn("account", "Account", _quote_account.name, searchable=True, width=220,
                   related=_QUOTE_ACCOUNT),
        ListColumn("quote_date", "Date", Quote.quote_date, "date", width=95),
        ListColumn("line_count", "Lines", Quote.line_count, "int", width=55),
        ListColumn("net_total", "Net total", Quote.net_total, "money", width=110),
        ListColumn("currency", "Cur.", Quote.currency, width=50),
        ListColumn("contract_number", "Contract", Quote.contract_number, searchable=True),
        ListColumn("imported_at", "Imported", Quote.imported_at, "datetime", width=130),
    ),
    filters=(
        ListFilter(
            "type",
            "Type",
            (("", "All types"),) + tuple((t.value, t.value.capitalize()) for t in QuoteType),
            _filter_quote_type,
        ),
        ListFilter(
            "revisions",
            "Revisions",
            (("latest", "Latest revisions"), ("all", "All revisions")),
            _filter_quote_revisions,
            default="latest",
        ),
    ),
    default_sort="number",
    default_descending=True,
)


# -- Accounts ---------------------------------------------------------------------------

_account_quote_count = (
    select(func.count(Quote.id)).where(Quote.account_id == Account.id).correlate(Account)
    .scalar_subquery()
)
_account_open_orders = (
    select(func.count(FulfillmentOrder.id))
    .where(
        and_(
            FulfillmentOrder.account_id == Account.id,
            FulfillmentOrder.status.in_(sorted(OPEN_ORDER_STATUSES)),
        )
    )
    .correlate(Account)
    .scalar_subquery()
)


def _accounts_base() -> Select[Any]:
    return select(Account.id)


def _filter_account_orders(statement: Select[Any], value: str) -> Select[Any]:
    if value == "open":
        return statement.where(_account_open_orders > 0)
    return statement


ACCOUNTS = ListSpec(
    name="accounts",
    id_column=Account.id,
    base=_accounts_base,
    columns=(
        ListColumn("name", "Account", Account.name, searchable=True, width=240),
        ListColumn("external_id", "External id", Account.external_id, searchable=True, width=130),
        ListColumn("city", "City", Account.city, searchable=True, width=130),
        ListColumn("country", "Country", Account.country, searchable=True, width=65),
        ListColumn("email", "Email", Account.email, searchable=True, width=200),
        ListColumn("quotes", "Quotes", _account_quote_count, "int", width=60),
        ListColumn("open_orders", "Open orders", _account_open_orders, "int", width=85),
    ),
    filters=(
        ListFilter(
            "orders",
            "Orders",
            (("", "All accounts"), ("open", "With open orders")),
            _filter_account_orders,
        ),
    ),
    default_sort="name",
)

LISTS: dict[str, ListSpec] = {spec.name: spec for spec in (QUOTES, ORDERS, ACCOUNTS)}
