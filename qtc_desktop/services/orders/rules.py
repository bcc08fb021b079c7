"""Product rules: the coordinator's say over how lines with matching product codes are fulfilled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import FulfillmentKind, ProductRule
from qtc_desktop.services.errors import NotFound, QtcError


@dataclass(frozen=True)
class RuleView:
    pattern: str
    kind: str
    serialized: bool
    priority: int


def list_rules(session: Session) -> list[RuleView]:
    rules = session.execute(select(ProductRule).order_by(ProductRule.priority, ProductRule.pattern)).scalars()
    return [RuleView(rule.pattern, rule.kind.value, rule.serialized, rule.priority) for rule in rules]


def save_rule(session: Session, pattern: str, kind: str, *, serialized: bool = False, priority: int = 100) -> RuleView:
    """Add a rule, or change the one with the same pattern. Patterns are globs: HW-SRV-*, *-LIC."""
    pattern = pattern.strip().upper()
    if not pattern or len(pattern) > 64:
        raise QtcError("A product rule needs a pattern of 1 to 64 characters, e.g. HW-SRV-* or *-LIC.")
    try:
        fulfillment = FulfillmentKind(kind.strip().lower())
    except ValueError:
        raise QtcError(f"'{kind}' is not ship, provision or perform.") from None
    if serialized and fulfillment is not FulfillmentKind.SHIP:
        raise QtcError("Only goods that ship carry serial numbers.")
    if not 0 <= priority <= 10_000:
        raise QtcError("A rule's priority is a number from 0 (first) to 10000.")
    rule = session.execute(select(ProductRule).where(ProductRule.pattern == pattern)).scalar()
    if rule is None:
        rule = ProductRule(pattern=pattern, kind=fulfillment, serialized=serialized, priority=priority)
        session.add(rule)
    else:
        rule.kind, rule.serialized, rule.priority = fulfillment, serialized, priority
    session.flush()
    return RuleView(rule.pattern, rule.kind.value, rule.serialized, rule.priority)


def remove_rule(session: Session, pattern: str) -> None:
    rule = session.execute(select(ProductRule).where(ProductRule.pattern == pattern.strip().upper())).scalar()
    if rule is None:
        raise NotFound(f"There is no product rule {pattern.strip().upper()}.")
    session.delete(rule)
    session.flush()
