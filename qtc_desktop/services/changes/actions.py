"""Provisioning actions: what an amendment, renewal or cancellation asks against the contract.

Salesforce CPQ's meaning: an amendment quote lists the full new quantity of each line (a
prior-quantity column may say what was there; otherwise the contracted position does), and
fulfillment acts on the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import ContractedPosition, ProvisioningAction, Quote, QuoteLine, QuoteType
from qtc_desktop.services.errors import NotFound

A = ProvisioningAction
ZERO = Decimal(0)


@dataclass(frozen=True)
class Action:
    product: str
    action: ProvisioningAction
    prior_quantity: Decimal
    new_quantity: Decimal
    effective_date: dt.date | None
    end_date: dt.date | None

    @property
    def delta(self) -> Decimal:
        return self.new_quantity - self.prior_quantity

    def as_json(self) -> dict[str, Any]:
        return {"product": self.product, "action": self.action.value,
                "prior_quantity": _number(self.prior_quantity), "new_quantity": _number(self.new_quantity),
                "delta": _number(self.delta),
                "effective_date": self.effective_date.isoformat() if self.effective_date else None,
                "end_date": self.end_date.isoformat() if self.end_date else None}


def quote_actions(session: Session, quote_number: str) -> list[Action]:
    """The actions of the quote's latest revision, one per line."""
    quote = session.execute(select(Quote).where(Quote.number == quote_number).order_by(Quote.revision.desc())
                            .limit(1).options(selectinload(Quote.lines))).scalar()
    if quote is None:
        raise NotFound(f"There is no quote {quote_number}.")
    return actions_for(session, quote)


def actions_for(session: Session, quote: Quote) -> list[Action]:
    """One action per line of the quote (in line order), against the account's contract now."""
    positions = _positions(session, quote)
    contract_end = max((p.end_date for p in positions.values() if p.end_date), default=None)
    actions = [_line_action(quote, line, positions, contract_end) for line in quote.lines]
    if quote.type is not QuoteType.AMENDMENT:
        return actions
    return _pair_swaps(actions, [(line.product_family or "").strip().casefold() for line in quote.lines])


@dataclass(frozen=True)
class _Position:
    quantity: Decimal
    end_date: dt.date | None


def _positions(session: Session, quote: Quote) -> dict[str, _Position]:
    """What the account has under contract now, by product (of the quote's contract if it names one)."""
    statement = select(ContractedPosition).where(ContractedPosition.account_id == quote.account_id)
    rows = list(session.execute(statement).scalars())
    if quote.contract_number and any(row.contract_number == quote.contract_number for row in rows):
        rows = [row for row in rows if row.contract_number == quote.contract_number]
    quantities: dict[str, Decimal] = defaultdict(Decimal)
    ends: dict[str, dt.date | None] = {}
    for row in rows:
        quantities[row.product_code] += row.quantity
        if row.end_date and (ends.get(row.product_code) is None or row.end_date > ends[row.product_code]):  # type: ignore[operator]
            ends[row.product_code] = row.end_date
        ends.setdefault(row.product_code, None)
    return {code: _Position(quantities[code], ends[code]) for code in quantities}


def _line_action(quote: Quote, line: QuoteLine, positions: dict[str, _Position],
                 contract_end: dt.date | None) -> Action:
    position = positions.get(line.product_code)
    effective = line.start_date or quote.start_date or quote.quote_date
    if quote.type is QuoteType.NEW:
        return Action(line.product_code, A.ADD, ZERO, line.quantity, effective, line.end_date)
    prior = line.prior_quantity if line.prior_quantity is not None else (position.quantity if position else ZERO)
    if quote.type is QuoteType.CANCELLATION:
        return Action(line.product_code, A.CANCEL, prior, ZERO, effective, effective)
    new = line.quantity
    if quote.type is QuoteType.RENEWAL:
        end = line.end_date or quote.end_date
        kind = A.RENEW if new == prior else (A.INCREASE if new > prior else A.DECREASE)
        return Action(line.product_code, kind, prior, new, effective, end)
    # An amendment: added subscriptions co-terminate with the contract unless they say otherwise.
    end = line.end_date or (position.end_date if position else None) or contract_end
    if prior == ZERO and new > ZERO:
        kind = A.ADD
    elif new == ZERO and prior > ZERO:
        kind, end = A.REMOVE, effective  # terminated on the amendment's start date
    elif new > prior:
        kind = A.INCREASE
    elif new < prior:
        kind = A.DECREASE
    else:
        kind = A.NONE
    return Action(line.product_code, kind, prior, new, effective, end)


def _pair_swaps(actions: list[Action], families: list[str]) -> list[Action]:
    """A product removed and another added in the same amendment is a swap of the two when they
    are of one product family ("" when the quote does not say), or when they are the only removal
    and the only addition left and no family says otherwise. Anything less sure stays a removal
    and an addition, which provisions the same quantities."""
    removed = [i for i, action in enumerate(actions) if action.action is A.REMOVE]
    added = [i for i, action in enumerate(actions) if action.action is A.ADD]
    pairs: list[tuple[int, int]] = []
    for old in list(removed):
        new = next((new for new in added if families[old] and families[new] == families[old]), None)
        if new is not None:
            pairs.append((old, new))
            removed.remove(old)
            added.remove(new)
    if len(removed) == len(added) == 1 and not (families[removed[0]] and families[added[0]]):
        pairs.append((removed[0], added[0]))
    swapped = list(actions)
    for pair in pairs:
        for index in pair:
            action = actions[index]
            swapped[index] = Action(action.product, A.SWAP, action.prior_quantity, action.new_quantity,
                                    action.effective_date, action.end_date)
    return swapped


def describe_action(action: ProvisioningAction, product: str, prior: Decimal | None, delta: Decimal | None,
                    effective: dt.date | None, end: dt.date | None) -> str:
    """An action as the provisioning team reads it: "Increase SUB-CLOUD 25 → 40 (+15) from 2026-09-01"."""
    prior = prior or ZERO
    new = prior + (delta or ZERO)
    if action is A.NONE:
        return f"No change to {product} ({_text(new)})"
    change = f"{_text(prior)} → {_text(new)}"
    if delta:
        change += f" ({'+' if delta > 0 else ''}{_text(delta)})"
    when = f" from {effective.isoformat()}" if effective else ""
    if action in (A.REMOVE, A.CANCEL):
        when = f" on {effective.isoformat()}" if effective else ""
    until = f", until {end.isoformat()}" if end and action not in (A.REMOVE, A.CANCEL) else ""
    return f"{action.value.capitalize()} {product} {change}{when}{until}"


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
