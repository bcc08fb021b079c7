"""The order workflow: every allowed move, the refused ones with their reasons, hold and cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qtc_desktop.domain import ChangeSource, OrderStatus
from qtc_desktop.services.orders.errors import StatusRefused
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.workflow import NEEDS_REASON, TRANSITIONS, allowed_next

if TYPE_CHECKING:
    from conftest import Orders

S = OrderStatus
REASONS = {S.ON_HOLD: "Credit check pending", S.CANCELLED: "Customer withdrew the purchase order"}
ALLOWED = [(old, new) for old, targets in TRANSITIONS.items() for new in sorted(targets, key=list(S).index)]


def refusal(orders: Orders, order_id: int, status: S, reason: str | None = None) -> list[str]:
    """The reasons a status change is refused, after checking nothing changed."""
    before = orders.load(order_id)
    with pytest.raises(StatusRefused) as raised:
        orders.status(order_id, status, reason)
    after = orders.load(order_id)
    assert (after.status, after.version) == (before.status, before.version)
    return raised.value.reasons


def next_statuses(orders: Orders, order_id: int) -> list[S]:
    with orders.store.session() as session:
        return allowed_next(session, find_order(session, order_id))


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{old}->{new}" for old, new in ALLOWED])
def test_every_allowed_transition_succeeds_when_its_rules_hold(orders: Orders, old: S, new: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.fill_in(order_id)
    orders.bring_to(order_id, old)
    assert orders.load(order_id).status is old
    orders.status(order_id, new, REASONS.get(new), who="maria.k")
    order = orders.load(order_id)
    assert order.status is new and order.status_reason == REASONS.get(new)
    record = orders.changes(order_id, "status")[-1]
    assert (record.who, record.source, record.old_value, record.new_value, record.reason) == (
        "maria.k", ChangeSource.USER_EDIT, old.value, new.value, REASONS.get(new))


def test_the_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(S)
    # Only shipments lead to the shipped statuses; every other one can be chosen from somewhere.
    choosable = {new for targets in TRANSITIONS.values() for new in targets}
    assert choosable == set(S) - {S.PARTLY_SHIPPED, S.SHIPPED}


@pytest.mark.parametrize(("old", "new"), [
    (S.DRAFT, S.SENT_TO_ERP), (S.DRAFT, S.CONFIRMED), (S.DRAFT, S.CLOSED),
    (S.READY, S.CONFIRMED), (S.READY, S.CLOSED),
    (S.SENT_TO_ERP, S.DRAFT), (S.SENT_TO_ERP, S.CLOSED),
    (S.CONFIRMED, S.READY), (S.CONFIRMED, S.DRAFT), (S.CONFIRMED, S.CLOSED),
    (S.PARTLY_SHIPPED, S.CANCELLED), (S.PARTLY_SHIPPED, S.CLOSED), (S.PARTLY_SHIPPED, S.CONFIRMED),
    (S.SHIPPED, S.ON_HOLD), (S.SHIPPED, S.CANCELLED), (S.SHIPPED, S.CONFIRMED),
    (S.CLOSED, S.DRAFT), (S.CLOSED, S.ON_HOLD),
    (S.CANCELLED, S.DRAFT), (S.CANCELLED, S.READY),
])
def test_a_forbidden_transition_is_refused_naming_the_allowed_ones(orders: Orders, old: S, new: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, old)
    allowed = ", ".join(status.phrase for status in sorted(TRANSITIONS[old], key=list(S).index)) or "none"
    assert refusal(orders, order_id, new, REASONS.get(new)) == [
        f"cannot go from {old.phrase} to {new.phrase} (allowed: {allowed})"]


def test_the_allowed_statuses_read_in_workflow_order(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.SENT_TO_ERP)
    assert next_statuses(orders, order_id) == [S.READY, S.CONFIRMED, S.ON_HOLD, S.CANCELLED]


def test_choosing_the_current_status_is_refused(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    assert refusal(orders, order_id, S.DRAFT) == ["is already draft"]


@pytest.mark.parametrize(("old", "shipped"), [
    (S.DRAFT, S.SHIPPED), (S.CONFIRMED, S.PARTLY_SHIPPED), (S.CONFIRMED, S.SHIPPED), (S.PARTLY_SHIPPED, S.SHIPPED)])
def test_shipped_statuses_cannot_be_chosen(orders: Orders, old: S, shipped: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, old)
    assert refusal(orders, order_id, shipped) == [
        "shipped statuses follow from recorded shipments; record a shipment instead"]


def test_draft_to_ready_is_refused_while_readiness_has_release_items(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    assert refusal(orders, order_id, S.READY) == [
        "missing carrier (goods ship)", "missing requested date",
        "missing line 3: SUB-CLOUD-STD: activation contact", "missing line 4: SUB-BACKUP-1TB: activation contact",
        "missing line 4: SUB-BACKUP-1TB: subscription start"]
    orders.edit(order_id, orders.RELEASE_FIELDS)
    assert len(refusal(orders, order_id, S.READY)) == 3
    orders.fill_in(order_id)
    orders.status(order_id, S.READY)
    assert orders.load(order_id).status is S.READY


def test_a_ready_order_emptied_again_cannot_go_to_the_erp(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.READY)
    orders.edit(order_id, {"carrier": ""})
    assert refusal(orders, order_id, S.SENT_TO_ERP) == ["missing carrier (goods ship)"]


@pytest.mark.parametrize("status", [S.ON_HOLD, S.CANCELLED])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_hold_and_cancel_need_a_reason(orders: Orders, status: S, reason: str | None) -> None:
    order_id = orders.create(orders.GOODS)
    assert refusal(orders, order_id, status, reason) == [f"putting an order {status.phrase} needs a reason"]
    assert status in NEEDS_REASON


def test_the_reason_is_kept_trimmed_and_cleared_on_leaving_hold(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.status(order_id, S.ON_HOLD, "  Credit check pending ")
    assert orders.load(order_id).status_reason == "Credit check pending"
    orders.status(order_id, S.DRAFT)
    assert orders.load(order_id).status_reason is None


@pytest.mark.parametrize("held_from", [S.DRAFT, S.READY, S.SENT_TO_ERP, S.CONFIRMED, S.PARTLY_SHIPPED])
def test_leaving_hold_returns_only_to_where_it_was_held_or_cancels(orders: Orders, held_from: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, held_from)
    orders.status(order_id, S.ON_HOLD, "Customer asked to wait")
    assert next_statuses(orders, order_id) == [held_from, S.CANCELLED]
    elsewhere = next(status for status in (S.READY, S.DRAFT) if status is not held_from)
    [reason] = refusal(orders, order_id, elsewhere)
    assert reason == f"cannot go from on hold to {elsewhere.phrase} (allowed: {held_from.phrase}, cancelled)"
    orders.status(order_id, held_from)
    assert orders.load(order_id).status is held_from
    assert [(r.old_value, r.new_value) for r in orders.changes(order_id, "status")][-2:] == [
        (held_from.value, "on_hold"), ("on_hold", held_from.value)]


def test_the_latest_hold_decides_where_it_returns(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.status(order_id, S.ON_HOLD, "Awaiting PO")
    orders.status(order_id, S.DRAFT)
    orders.bring_to(order_id, S.READY)
    orders.status(order_id, S.ON_HOLD, "Credit check pending")
    assert next_statuses(orders, order_id) == [S.READY, S.CANCELLED]


def test_an_order_held_from_ready_that_lost_its_carrier_cannot_return(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.READY)
    orders.status(order_id, S.ON_HOLD, "Customer moves warehouse")
    orders.edit(order_id, {"carrier": ""})
    assert refusal(orders, order_id, S.READY) == ["missing carrier (goods ship)"]
    orders.status(order_id, S.CANCELLED, "Customer went elsewhere")
    assert orders.load(order_id).status is S.CANCELLED


def test_an_order_with_a_shipment_cannot_be_cancelled(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.PARTLY_SHIPPED)
    orders.status(order_id, S.ON_HOLD, "Customer disputes the invoice")
    assert refusal(orders, order_id, S.CANCELLED, "Customer disputes the invoice") == [
        "goods have shipped; an order with shipments cannot be cancelled"]


def test_status_changes_after_the_erp_saw_the_order_mark_it_changed(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.READY)
    assert not orders.load(order_id).changed_since_export
    orders.status(order_id, S.SENT_TO_ERP)
    with orders.store.transaction() as session:  # what the export does once the ERP has it
        find_order(session, order_id).changed_since_export = False
    orders.status(order_id, S.ON_HOLD, "Credit check pending")
    assert orders.load(order_id).changed_since_export


def test_each_status_change_writes_a_record_and_raises_the_version(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.fill_in(order_id)
    version = orders.load(order_id).version
    orders.status(order_id, S.READY, who="maria.k")
    orders.status(order_id, S.ON_HOLD, "Credit check pending", who="jo")
    orders.status(order_id, S.READY, who="maria.k")
    assert orders.load(order_id).version == version + 3
    assert [(r.who, r.old_value, r.new_value, r.reason) for r in orders.changes(order_id, "status")] == [
        ("maria.k", "draft", "ready", None), ("jo", "ready", "on_hold", "Credit check pending"),
        ("maria.k", "on_hold", "ready", None)]


def test_an_order_with_nothing_to_ship_is_marked_shipped_by_hand_once_the_erp_has_it(orders: Orders) -> None:
    order_id = orders.create(orders.SUBSCRIPTIONS)
    orders.bring_to(order_id, S.READY)
    assert S.SHIPPED not in next_statuses(orders, order_id)
    assert refusal(orders, order_id, S.SHIPPED) == [
        "shipped statuses follow from recorded shipments; record a shipment instead"]
    orders.status(order_id, S.SENT_TO_ERP)
    assert next_statuses(orders, order_id) == [S.READY, S.CONFIRMED, S.SHIPPED, S.ON_HOLD, S.CANCELLED]
    orders.status(order_id, S.SHIPPED, who="jo")
    assert orders.load(order_id).status is S.SHIPPED
    assert next_statuses(orders, order_id) == [S.CLOSED]
