"""Contracted positions: what an account has under contract, built from its fulfilled orders.

When an order is fulfilled (shipped, or closed), its subscription and licence lines reach the
contract: a new quote's lines become positions, and an amendment's, renewal's or
cancellation's actions change them (more or fewer units, a later end, terminated on a date).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    ProvisioningAction,
    QuoteType,
)
from qtc_desktop.store.journal import recording

A = ProvisioningAction
FULFILLED = frozenset({OrderStatus.SHIPPED, OrderStatus.CLOSED})
_TAKE_AWAY = frozenset({A.REMOVE, A.CANCEL})


def record_fulfilment(session: Session, order: FulfillmentOrder, *, who: str) -> list[ContractedPosition]:
    """Bring the account's contracted positions up to the fulfilled order; once per order.

    Returns the positions created or changed (none if the order is not fulfilled, carries no
    subscriptions, or was applied already).
    """
    lines = [line for line in order.lines if line.kind is FulfillmentKind.PROVISION]
    if order.status not in FULFILLED or not lines or _applied(session, order):
        return []
    contract = order.quote.contract_number or order.quote.original_quote_number or order.quote.number
    positions = list(session.execute(select(ContractedPosition).where(
        ContractedPosition.account_id == order.account_id)).scalars())
    touched: list[ContractedPosition] = []
    with recording(session, who=who, source=ChangeSource.SYSTEM if order.quote.type is QuoteType.NEW
                   else ChangeSource.AMENDMENT, reason=_reason(order)):
        for line in lines:
            position = _position_for(positions, line, contract)
            if line.action is None or (position is None and line.action not in _TAKE_AWAY):
                position = _new_position(order, line, contract)
                session.add(position)
                positions.append(position)
            elif position is not None:
                _apply(position, line)
            else:
                continue  # taking away what is not under contract changes nothing
            position.source_order_id = order.id
            touched.append(position)
    return touched


def _applied(session: Session, order: FulfillmentOrder) -> bool:
    # A later amendment takes over the positions it changes (source_order_id), so the journal
    # says whether this order reached the contract before: closing it then must not again.
    if session.execute(select(ContractedPosition.id).where(
            ContractedPosition.source_order_id == order.id).limit(1)).first() is not None:
        return True
    return session.execute(select(ChangeRecord.id).where(
        ChangeRecord.entity_type == "contract_position", ChangeRecord.reason == _reason(order)).limit(1)).first() is not None


def _reason(order: FulfillmentOrder) -> str:
    return f"{order.number} fulfilled"


def _position_for(positions: list[ContractedPosition], line: FulfillmentOrderLine,
                  contract: str) -> ContractedPosition | None:
    """The live position of the line's product, on the order's contract if the account has one."""
    same = [p for p in positions if p.product_code == line.product_code and p.quantity > 0]
    on_contract = [p for p in same if p.contract_number == contract]
    candidates = on_contract or same
    return max(candidates, key=lambda p: (p.end_date is not None, p.end_date, p.id or 0), default=None)


def _new_position(order: FulfillmentOrder, line: FulfillmentOrderLine, contract: str) -> ContractedPosition:
    quantity = line.quantity if line.action is None else (line.prior_quantity or Decimal(0)) + (line.delta or 0)
    return ContractedPosition(account_id=order.account_id, contract_number=contract,
                              product_code=line.product_code, product_name=line.product_name,
                              quantity=quantity, start_date=line.subscription_start or line.effective_date,
                              end_date=line.subscription_end)


def _apply(position: ContractedPosition, line: FulfillmentOrderLine) -> None:
    """An amendment, renewal or cancellation line against the position it names."""
    new_quantity = (line.prior_quantity if line.prior_quantity is not None else position.quantity) + (line.delta or 0)
    if line.action in _TAKE_AWAY or new_quantity <= 0:
        position.quantity = Decimal(0)
        position.end_date = line.effective_date or position.end_date  # terminated on the amendment's start
        return
    position.quantity = new_quantity
    if line.action is A.RENEW or (line.subscription_end and position.end_date
                                  and line.subscription_end > position.end_date):
        position.end_date = line.subscription_end or position.end_date
