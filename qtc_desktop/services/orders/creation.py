"""Creating a fulfillment order from a quote: lines carried over, each with how it is fulfilled."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import (
    ChangeSource,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    ProductRule,
    ProvisioningAction,
    Quote,
    QuoteLine,
    QuoteType,
)
from qtc_desktop.services.changes.actions import Action, actions_for
from qtc_desktop.services.errors import NotFound, QtcError
from qtc_desktop.store.journal import recording

SERVICE_FAMILIES = {"services", "service", "professional services", "training"}


def infer_kind(line: QuoteLine, rules: Sequence[ProductRule], *,
               under_contract: bool = False) -> tuple[FulfillmentKind, bool]:
    """How a quote line is fulfilled, and whether its units carry serial numbers.

    The coordinator's product rules win (lowest priority number first); otherwise a line
    with subscription dates or a term, or one changing what is `under_contract` (an amendment's
    line with a prior quantity), is provisioned, a service product is performed, and
    everything else ships.
    """
    for rule in sorted(rules, key=lambda rule: (rule.priority, rule.id or 0)):
        if fnmatch.fnmatchcase(line.product_code.upper(), rule.pattern.upper()):
            return rule.kind, rule.serialized
    if line.subscription_term or line.end_date or under_contract:
        return FulfillmentKind.PROVISION, False
    family = (line.product_family or "").strip().lower()
    # "SERV-" and "SERVICE", not "SERV": SERVER-DL380 is a box that ships.
    if family in SERVICE_FAMILIES or line.product_code.upper().startswith(("SVC", "SRV-", "SERV-", "SERVICE")):
        return FulfillmentKind.PERFORM, False
    return FulfillmentKind.SHIP, False


def create_order(session: Session, quote_number: str, *, who: str, revision: int | None = None) -> FulfillmentOrder:
    """A draft order for the quote's latest (or given) revision, with its account's addresses."""
    statement = select(Quote).where(Quote.number == quote_number).options(
        selectinload(Quote.lines), selectinload(Quote.account))
    statement = (statement.where(Quote.revision == revision) if revision is not None
                 else statement.order_by(Quote.revision.desc()).limit(1))
    quote = session.execute(statement).scalar()
    if quote is None:
        raise NotFound(f"There is no quote {quote_number}" + (f" revision {revision}" if revision else "") + ".")
    existing = session.execute(select(FulfillmentOrder.number).where(FulfillmentOrder.quote_id == quote.id)).scalar()
    if existing is not None:
        raise QtcError(f"Quote {quote.number} revision {quote.revision} already has order {existing}.")
    if not quote.lines:
        raise QtcError(f"Quote {quote.number} has no lines to fulfil.")
    rules = session.execute(select(ProductRule)).scalars().all()
    account = quote.account
    # Read before the order exists: a query would flush the half-built order with the quote.
    actions = actions_for(session, quote) if quote.type is not QuoteType.NEW else [None] * len(quote.lines)
    order = FulfillmentOrder(
        number=_next_number(session), quote=quote, account=account,
        ship_to_name=account.name, ship_to_street=account.street, ship_to_city=account.city,
        ship_to_postal_code=account.postal_code, ship_to_region=account.region,
        ship_to_country=account.country,
        bill_to_name=account.name, bill_to_street=account.street, bill_to_city=account.city,
        bill_to_postal_code=account.postal_code, bill_to_region=account.region,
        bill_to_country=account.country,
        contact_email=account.email, contact_phone=account.phone,
    )
    for line, action in zip(quote.lines, actions):
        kind, serialized = infer_kind(line, rules, under_contract=bool(action and action.prior_quantity))
        order.lines.append(order_line_for(line, kind, serialized, action))
    with recording(session, who=who, source=ChangeSource.USER_EDIT, reason=f"Created from quote {quote.number}"):
        session.add(order)
    return order


# What fulfillment does for each action: units that change hands, or the units renewed.
_ACTS_ON_DELTA = frozenset({ProvisioningAction.ADD, ProvisioningAction.INCREASE, ProvisioningAction.DECREASE,
                            ProvisioningAction.REMOVE, ProvisioningAction.SWAP, ProvisioningAction.CANCEL})


def order_line_for(line: QuoteLine, kind: FulfillmentKind, serialized: bool,
                   action: Action | None) -> FulfillmentOrderLine:
    """A quote line as an order line; on an amendment, renewal or cancellation, as its action."""
    return FulfillmentOrderLine(quote_line=line, line_no=line.line_no, kind=kind, serialized=serialized,
                                serial_numbers=[], extra={}, **line_values(line, kind, action))


def line_values(line: QuoteLine, kind: FulfillmentKind, action: Action | None) -> dict[str, Any]:
    """What an order line of this kind takes from the quote line (see QUOTE_DRIVEN), as created."""
    provision = kind is FulfillmentKind.PROVISION
    values: dict[str, Any] = {
        "product_code": line.product_code, "product_name": line.product_name, "quantity": line.quantity,
        "subscription_start": line.start_date if provision else None,
        "subscription_end": line.end_date if provision else None,
        "action": None, "prior_quantity": None, "delta": None, "effective_date": None}
    if action is None:
        return values
    # The order carries the delta: what to provision, take away or renew, and from when.
    values.update(action=action.action, prior_quantity=action.prior_quantity, delta=action.delta,
                  effective_date=action.effective_date)
    if action.action in _ACTS_ON_DELTA and action.delta:
        values["quantity"] = abs(action.delta)
    if provision:
        values["subscription_start"] = action.effective_date or values["subscription_start"]
        values["subscription_end"] = action.end_date
    return values


# The order line's fields that follow from its quote line (and its action): what a new revision may change.
QUOTE_DRIVEN = ("product_code", "product_name", "quantity", "subscription_start", "subscription_end", "action",
                "prior_quantity", "delta", "effective_date")


def _next_number(session: Session) -> str:
    # Order numbers are FO- and six digits; the highest so far plus one.
    highest = session.execute(select(func.max(FulfillmentOrder.number)).where(
        FulfillmentOrder.number.like("FO-%"))).scalar()
    try:
        following = int(str(highest)[3:]) + 1 if highest else 1
    except ValueError:
        following = session.execute(select(func.count(FulfillmentOrder.id))).scalar_one() + 1
    return f"FO-{following:06d}"
