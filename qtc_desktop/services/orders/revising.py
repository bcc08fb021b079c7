"""A new revision of a quote reaching the order made from an earlier one, line by line.

The coordinator sees what the revision would change on the order (lines added, removed, and
fields of lines changed) and applies the changes one by one or all at once; whatever the
coordinator filled in (serials, tenants, locations, dates set by hand) stays. Only what the
quote itself changed between the two revisions is proposed, so an edit the coordinator made
on purpose is not undone by a field the quote did not touch.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import (
    ChangeSource,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    ProductRule,
    Quote,
    QuoteLine,
    QuoteType,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.changes.actions import Action, actions_for
from qtc_desktop.services.orders.creation import QUOTE_DRIVEN, infer_kind, line_values, order_line_for
from qtc_desktop.services.orders.history import flush_checked, stale_order
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.store.journal import recording

CLOSED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})


# An amendment line's action fields as the editor and the export name them.
_LABELS = {"action": "provisioning action", "delta": "quantity change"}


@dataclass(frozen=True)
class FieldChange:
    field: str  # the order line's field
    current: str  # on the order now
    proposed: str  # what the revision says

    @property
    def label(self) -> str:
        return _LABELS.get(self.field, self.field.replace("_", " "))


@dataclass(frozen=True)
class LineProposal:
    """One line's change: `key` names it when applying ("line 3", or "new 5" for an added line)."""

    key: str
    kind: Literal["added", "removed", "changed"]
    line_no: int
    product_code: str
    fields: tuple[FieldChange, ...] = ()
    blocked: str | None = None  # why it cannot be applied as it stands

    def __str__(self) -> str:
        if self.kind == "added":
            return f"add line {self.line_no} {self.product_code}"
        if self.kind == "removed":
            return f"remove line {self.line_no} {self.product_code}"
        detail = ", ".join(f"{f.label} {f.current or '(blank)'} → {f.proposed or '(blank)'}" for f in self.fields)
        return f"line {self.line_no} {self.product_code}: {detail}"


@dataclass(frozen=True)
class RevisionProposal:
    order_number: str
    quote_number: str
    from_revision: int
    to_revision: int
    lines: tuple[LineProposal, ...]

    def as_json(self) -> dict[str, object]:
        return {"order": self.order_number, "quote": self.quote_number, "from_revision": self.from_revision,
                "to_revision": self.to_revision,
                "changes": [{"key": p.key, "kind": p.kind, "line": p.line_no, "product": p.product_code,
                             "fields": [{"field": f.field, "current": f.current, "proposed": f.proposed}
                                        for f in p.fields], "blocked": p.blocked} for p in self.lines]}


def pending_revision(session: Session, order: FulfillmentOrder) -> RevisionProposal | None:
    """What the quote's newest revision would change on the order; None when it follows the newest."""
    latest = _latest_revision(session, order)
    if latest is None:
        return None
    return RevisionProposal(order.number, latest.number, order.quote.revision, latest.revision,
                            tuple(_proposals(order, latest, _actions(session, order, latest))))


def apply_revision(session: Session, order: FulfillmentOrder, keys: Collection[str] | None = None, *, who: str,
                   follow: bool = False, expected_version: int | None = None) -> list[str]:
    """Apply the chosen changes (all when `keys` is None); returns what was done, a line each.

    The order follows the new revision once nothing is left to apply, or at once with
    `follow` (the coordinator keeps the rest as the order has it).
    """
    if expected_version is not None and expected_version != order.version:
        raise stale_order(session, order, expected_version)
    latest = _latest_revision(session, order)
    if latest is None:
        raise QtcError(f"Order {order.number} already follows the newest revision of quote {order.quote.number}.")
    actions = _actions(session, order, latest)  # before anything changes: it queries
    proposals = _proposals(order, latest, actions)
    known = {proposal.key for proposal in proposals}
    unknown = sorted(set(keys or ()) - known)
    if unknown:
        raise QtcError(f"Revision {latest.revision} of {latest.number} has no change {', '.join(unknown)} "
                       f"for order {order.number} (changes: {', '.join(sorted(known)) or 'none'}).")
    chosen = [p for p in proposals if keys is None or p.key in keys]
    blocked = [f"{p.key}: {p.blocked}" for p in chosen if p.blocked]
    if blocked:
        raise QtcError("Cannot apply " + "; ".join(blocked) + ".")
    rules = session.execute(select(ProductRule)).scalars().all()
    done: list[str] = []
    with recording(session, who=who, source=ChangeSource.QUOTE_REVISION,
                   reason=f"{latest.number} rev {order.quote.revision} → rev {latest.revision}"):
        new_lines = _by_key(latest.lines)
        for proposal in chosen:
            _apply(order, proposal, new_lines, rules, actions)
            done.append(str(proposal))
        _relink_unchanged(order, latest, actions, everything=follow)
        if follow or len(chosen) == len(proposals):
            order.quote = latest
            done.append(f"follows {latest.number} revision {latest.revision}")
        flush_checked(session, order, order.version)
    return done


def _latest_revision(session: Session, order: FulfillmentOrder) -> Quote | None:
    """The quote's newest revision, if it is newer than the order's, has no order of its own,
    and the order is still open."""
    if order.status in CLOSED:
        return None
    latest = session.execute(select(Quote).where(Quote.number == order.quote.number)
                             .order_by(Quote.revision.desc()).limit(1)
                             .options(selectinload(Quote.lines), selectinload(Quote.orders))).scalar()
    if latest is None or latest.revision <= order.quote.revision or latest.orders:
        return None
    return latest


def _key(line: QuoteLine) -> tuple[str, ...]:
    # As revisions are compared on import: by CPQ line id, else by product and position.
    return ("id", line.external_id) if line.external_id else ("line", line.product_code, str(line.line_no))


def _by_key(lines: Collection[QuoteLine]) -> dict[tuple[str, ...], QuoteLine]:
    return {_key(line): line for line in lines}


# Quote line id -> what the line asks against the contract (amendments, renewals, cancellations only).
Actions = dict[int, Action]


def _actions(session: Session, order: FulfillmentOrder, latest: Quote) -> Actions:
    """The actions of every revision the order's lines come from, and of the newest: an amendment
    order line carries its action's delta, which a new revision's quantity changes."""
    quotes = {quote.id: quote for quote in [order.quote, latest, *(line.quote_line.quote for line in order.lines
                                                                    if line.quote_line is not None)]}
    found: Actions = {}
    for quote in quotes.values():
        if quote.type is not QuoteType.NEW:
            found.update((line.id, action) for line, action in zip(quote.lines, actions_for(session, quote)))
    return found


def _proposals(order: FulfillmentOrder, latest: Quote, actions: Actions) -> list[LineProposal]:
    new_lines = _by_key(latest.lines)
    # Lines in and out are those since the order's revision: one the coordinator kept or left out
    # when following an earlier revision is not asked about again.
    base = set(_by_key(order.quote.lines))
    shipped = shipped_quantities(order)
    proposals: list[LineProposal] = []
    matched: set[tuple[str, ...]] = set()
    for line in order.lines:
        if line.quote_line is None:
            continue  # a line the coordinator added: the quote has no say in it
        key = _key(line.quote_line)
        if line.quote_line.quote_id == latest.id:
            matched.add(key)
            continue
        new = new_lines.get(key)
        if new is None and key not in base:
            continue
        if new is None:
            done = shipped.get(line.id, Decimal(0))
            blocked = f"{show(done)} already shipped" if done else None
            proposals.append(LineProposal(f"line {line.line_no}", "removed", line.line_no, line.product_code,
                                          blocked=blocked))
            continue
        matched.add(key)
        fields = tuple(_field_changes(line, line.quote_line, new, actions))
        if fields:
            quantity = next((f for f in fields if f.field == "quantity"), None)
            done = shipped.get(line.id, Decimal(0))
            blocked = (f"{show(done)} already shipped, more than {quantity.proposed}"
                       if quantity is not None and done > Decimal(quantity.proposed) else None)
            proposals.append(LineProposal(f"line {line.line_no}", "changed", line.line_no, new.product_code,
                                          fields, blocked))
    taken = {line.line_no for line in order.lines}
    for key, new in new_lines.items():
        if key not in matched and key not in base:
            proposals.append(LineProposal(f"new {new.line_no}", "added", _free_number(new.line_no, taken),
                                          new.product_code))
    return sorted(proposals, key=lambda p: (p.line_no, p.key))


def _field_changes(line: FulfillmentOrderLine, old: QuoteLine, new: QuoteLine, actions: Actions) -> list[FieldChange]:
    """What the quote changed between its revisions, as changes to the order line's fields: the
    line as each revision would have made it, compared (on an amendment, its action too)."""
    before = line_values(old, line.kind, actions.get(old.id))
    after = line_values(new, line.kind, actions.get(new.id))
    return [FieldChange(field, show(getattr(line, field)), show(after[field]))
            for field in QUOTE_DRIVEN if show(before[field]) != show(after[field])]


def _free_number(wanted: int, taken: set[int]) -> int:
    number = wanted
    while number in taken:
        number = max(taken) + 1
    taken.add(number)
    return number


def _apply(order: FulfillmentOrder, proposal: LineProposal, new_lines: dict[tuple[str, ...], QuoteLine],
           rules: Collection[ProductRule], actions: Actions) -> None:
    by_no = {line.line_no: line for line in order.lines}
    if proposal.kind == "removed":
        order.lines.remove(by_no[proposal.line_no])
        return
    if proposal.kind == "added":
        new = next(line for key, line in new_lines.items() if f"new {line.line_no}" == proposal.key)
        action = actions.get(new.id)
        kind, serialized = infer_kind(new, list(rules), under_contract=bool(action and action.prior_quantity))
        added = order_line_for(new, kind, serialized, action)
        added.line_no = proposal.line_no
        order.lines.append(added)
        return
    line = by_no[proposal.line_no]
    assert line.quote_line is not None
    new = new_lines[_key(line.quote_line)]
    after = line_values(new, line.kind, actions.get(new.id))
    for change in proposal.fields:
        setattr(line, change.field, after[change.field])
    if line.serialized and len(line.serial_numbers or []) > line.quantity:
        # Fewer units: the serials beyond the new quantity no longer belong to the order.
        line.serial_numbers = list(line.serial_numbers[: int(line.quantity)])
    line.quote_line = new


def _relink_unchanged(order: FulfillmentOrder, latest: Quote, actions: Actions, *, everything: bool = False) -> None:
    """Lines the revision left as they were now point at its lines (they have nothing to apply);
    with `everything` (following it) so does every line it still has, as the order has it."""
    new_lines = _by_key(latest.lines)
    for line in order.lines:
        if line.quote_line is None or line.quote_line.quote_id == latest.id:
            continue
        new = new_lines.get(_key(line.quote_line))
        if new is not None and (everything or not _field_changes(line, line.quote_line, new, actions)):
            line.quote_line = new
