"""Product rules: saved, changed, removed, and applied to orders created afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qtc_desktop.domain import FulfillmentKind
from qtc_desktop.services.errors import NotFound, QtcError
from qtc_desktop.services.orders.rules import RuleView, list_rules, remove_rule, save_rule

if TYPE_CHECKING:
    from conftest import Orders


def test_rules_are_saved_changed_listed_in_order_and_removed(orders: Orders) -> None:
    with orders.store.transaction() as session:
        save_rule(session, "hw-*", "ship", serialized=True, priority=50)
        save_rule(session, "*-LIC", "provision", priority=10)
        save_rule(session, "HW-*", "ship", serialized=False, priority=5)  # the same pattern: changed
    with orders.store.session() as session:
        assert list_rules(session) == [RuleView("HW-*", "ship", False, 5), RuleView("*-LIC", "provision", False, 10)]
    with orders.store.transaction() as session:
        remove_rule(session, "*-lic")
        with pytest.raises(NotFound):
            remove_rule(session, "nothing-*")
    with orders.store.session() as session:
        assert [rule.pattern for rule in list_rules(session)] == ["HW-*"]


@pytest.mark.parametrize(("pattern", "kind", "serialized", "priority", "message"), [
    ("", "ship", False, 100, "pattern"),
    ("X" * 65, "ship", False, 100, "pattern"),
    ("SVC-*", "deliver", False, 100, "'deliver' is not ship, provision or perform"),
    ("SUB-*", "provision", True, 100, "serial numbers"),
    ("HW-*", "ship", False, -1, "priority"),
])
def test_bad_rules_are_refused(orders: Orders, pattern: str, kind: str, serialized: bool, priority: int,
                               message: str) -> None:
    with pytest.raises(QtcError, match=message), orders.store.transaction() as session:
        save_rule(session, pattern, kind, serialized=serialized, priority=priority)
    with orders.store.session() as session:
        assert list_rules(session) == []


def test_a_saved_rule_decides_the_kind_of_new_orders_lines(orders: Orders) -> None:
    before = orders.load(orders.create(orders.MIXED))
    assert before.lines[0].product_code == "HW-SRV-R220" and before.lines[0].kind is FulfillmentKind.SHIP
    with orders.store.transaction() as session:
        save_rule(session, "HW-SRV-*", "ship", serialized=True, priority=1)
        save_rule(session, "TRN-*", "perform", priority=2)
    orders.import_rows([["Q-RULES-1", "001Nw00000AbCdE", "Northwind Traders Ltd", 1, "HW-SRV-R220", "Rack Server",
                         "Hardware", 1, 10, 10, None, None, None],
                        ["Q-RULES-1", "001Nw00000AbCdE", "Northwind Traders Ltd", 2, "TRN-ADMIN", "Training day",
                         "Training", 1, 900, 900, None, None, None]])
    after = orders.load(orders.create("Q-RULES-1"))
    assert (after.lines[0].kind, after.lines[0].serialized) == (FulfillmentKind.SHIP, True)
    assert after.lines[1].kind is FulfillmentKind.PERFORM
    assert orders.load(before.id).lines[0].serialized is False  # orders made before keep their lines
