"""A new revision of a quote reaching the order made from an earlier one: proposed, applied line by line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from sqlalchemy import select

from qtc_desktop.domain import Account, ChangeSource, ContractedPosition, FulfillmentKind, OrderStatus, ProductRule
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.errors import StaleOrder
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.revising import apply_revision, pending_revision

if TYPE_CHECKING:
    from conftest import Orders

S = OrderStatus
LATER_END = dt.date(2027, 12, 31)
UPS = [4, "HW-UPS-1500", "UPS 1500VA", "Hardware", 1, 700, 700, None, None, None]


def revised(rows: list[list[object]], *, changes: dict[int, dict[int, object]] = {}, drop: Collection[int] = (),
            add: Collection[list[object]] = ()) -> list[list[object]]:
    """The quote's rows with some cells changed ({line: {column: value}}), lines dropped and added."""
    out = []
    for row in rows:
        line_no = row[3]
        if line_no in drop:
            continue
        copy = list(row)
        for column, value in changes.get(int(line_no), {}).items():  # type: ignore[call-overload]
            copy[column] = value
        out.append(copy)
    return out + [[rows[0][0], *rows[0][1:3], *extra] for extra in add]


QUANTITY, NET_TOTAL, END_DATE = 7, 9, 11
# Revision 2 of the mixed quote: a third server, no rail kits, cloud seats until the end of 2027, a UPS.
REV_2_CHANGES = {1: {QUANTITY: 3, NET_TOTAL: 18001.5}, 3: {END_DATE: LATER_END}}


def import_rev_2(orders: Orders, **more: Any) -> None:
    orders.import_rows(revised(orders.MIXED_QUOTE, changes={**REV_2_CHANGES, **more.get("changes", {})},
                               drop=[2], add=[[7, *UPS[1:]]]))


@pytest.fixture
def order_id(orders: Orders) -> int:
    """An order of revision 1, with what the coordinator filled in and changed on purpose."""
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="HW-SRV-*", kind=FulfillmentKind.SHIP, serialized=True, priority=10))
    order_id = orders.create(orders.MIXED)
    orders.edit(order_id, lines={1: {"serial_numbers": "SN-0001, SN-0002", "location": "A-01-3"},
                                 3: {"subscription_start": "2026-07-15", "tenant": "northwind.cloud"},
                                 5: {"quantity": "1"}})  # one day of installation is enough
    return order_id


def proposal(orders: Orders, order_id: int) -> dict[str, Any] | None:
    with orders.store.session() as session:
        found = pending_revision(session, find_order(session, order_id))
        return found.as_json() if found is not None else None


def apply(orders: Orders, order_id: int, keys: Collection[str] | None = None, *, follow: bool = False,
          expected_version: int | None = None) -> list[str]:
    with orders.store.transaction() as session:
        return apply_revision(session, find_order(session, order_id), keys, who="maria", follow=follow,
                              expected_version=expected_version)


def lines(orders: Orders, order_id: int) -> list[tuple[object, ...]]:
    """(line, product, quantity, serials, location, start, end, tenant, quote revision) of each line."""
    with orders.store.session() as session:
        return [(line.line_no, line.product_code, line.quantity, line.serial_numbers, line.location,
                 line.subscription_start, line.subscription_end, line.tenant,
                 line.quote_line.quote.revision if line.quote_line else None)
                for line in find_order(session, order_id).lines]


def change(key: str, kind: str, line: int, product: str, fields: list[tuple[str, str, str]] = [],
           blocked: str | None = None) -> dict[str, Any]:
    return {"key": key, "kind": kind, "line": line, "product": product,
            "fields": [{"field": f, "current": c, "proposed": p} for f, c, p in fields], "blocked": blocked}


REV_2_PROPOSAL = {
    "order": "FO-000001", "quote": "Q-2026-0042", "from_revision": 1, "to_revision": 2,
    "changes": [change("line 1", "changed", 1, "HW-SRV-R220", [("quantity", "2", "3")]),
                change("line 2", "removed", 2, "HW-RAIL-KIT"),
                change("line 3", "changed", 3, "SUB-CLOUD-STD", [("subscription_end", "2027-06-30", "2027-12-31")]),
                change("new 7", "added", 7, "HW-UPS-1500")]}
# The lines of the order before any of revision 2 is applied.
START, END = dt.date(2026, 7, 1), dt.date(2027, 6, 30)
LINE_1 = (1, "HW-SRV-R220", Decimal(2), ["SN-0001", "SN-0002"], "A-01-3", None, None, None, 1)
LINE_2 = (2, "HW-RAIL-KIT", Decimal(4), [], None, None, None, None, 1)
LINE_3 = (3, "SUB-CLOUD-STD", Decimal(25), [], None, dt.date(2026, 7, 15), END, "northwind.cloud", 1)
LINE_4 = (4, "SUB-BACKUP-1TB", Decimal(3), [], None, None, None, None, 1)
LINE_5 = (5, "SVC-INSTALL", Decimal(1), [], None, None, None, None, 1)
LINE_6 = (6, "TRN-ADMIN", Decimal(2), [], None, None, None, None, 1)


def test_a_new_revision_proposes_exactly_what_the_quote_changed(orders: Orders, order_id: int) -> None:
    assert proposal(orders, order_id) is None  # the order follows the newest revision
    import_rev_2(orders)
    # Not proposed: line 5's quantity and line 3's start, which the coordinator changed and the quote did
    # not; line 1's net total, which the order does not carry.
    assert proposal(orders, order_id) == REV_2_PROPOSAL
    assert lines(orders, order_id) == [LINE_1, LINE_2, LINE_3, LINE_4, LINE_5, LINE_6]  # nothing changed yet
    with orders.store.session() as session:
        found = pending_revision(session, find_order(session, order_id))
        assert found is not None
        assert [str(p) for p in found.lines] == [
            "line 1 HW-SRV-R220: quantity 2 → 3", "remove line 2 HW-RAIL-KIT",
            "line 3 SUB-CLOUD-STD: subscription end 2027-06-30 → 2027-12-31", "add line 7 HW-UPS-1500"]


def test_a_field_both_changed_is_proposed_from_what_the_order_has_now(orders: Orders, order_id: int) -> None:
    orders.edit(order_id, lines={1: {"quantity": "1", "serial_numbers": "SN-0001"}})
    import_rev_2(orders)
    assert proposal(orders, order_id)["changes"][0] == change(  # type: ignore[index]
        "line 1", "changed", 1, "HW-SRV-R220", [("quantity", "1", "3")])


def test_applying_one_change_changes_that_line_and_keeps_what_the_coordinator_filled_in(
        orders: Orders, order_id: int) -> None:
    import_rev_2(orders)
    version = orders.load(order_id).version
    assert apply(orders, order_id, ["line 1"]) == ["line 1 HW-SRV-R220: quantity 2 → 3"]
    order = orders.load(order_id)
    assert (order.quote.revision, order.version) == (1, version + 1)  # the rest is still to decide
    assert lines(orders, order_id) == [
        (1, "HW-SRV-R220", Decimal(3), ["SN-0001", "SN-0002"], "A-01-3", None, None, None, 2), LINE_2,
        LINE_3, *[(*line[:-1], 2) for line in (LINE_4, LINE_5, LINE_6)]]  # unchanged lines follow revision 2
    assert proposal(orders, order_id) == {**REV_2_PROPOSAL, "changes": REV_2_PROPOSAL["changes"][1:]}
    records = [(r.subject, r.field, r.old_value, r.new_value, r.who, r.source, r.reason)
               for r in orders.changes(order_id)][-5:]
    why = ("maria", ChangeSource.QUOTE_REVISION, "Q-2026-0042 rev 1 → rev 2")
    assert records == [
        ("line 1", "quote_line", "Q-2026-0042 rev 1 line 1", "Q-2026-0042 rev 2 line 1", *why),
        ("line 1", "quantity", "2", "3", *why),
        ("line 4", "quote_line", "Q-2026-0042 rev 1 line 4", "Q-2026-0042 rev 2 line 4", *why),
        ("line 5", "quote_line", "Q-2026-0042 rev 1 line 5", "Q-2026-0042 rev 2 line 5", *why),
        ("line 6", "quote_line", "Q-2026-0042 rev 1 line 6", "Q-2026-0042 rev 2 line 6", *why)]


def test_fewer_units_keep_the_serials_that_still_fit(orders: Orders, order_id: int) -> None:
    orders.import_rows(revised(orders.MIXED_QUOTE, changes={1: {QUANTITY: 1, NET_TOTAL: 6000.5}}))
    assert apply(orders, order_id, ["line 1"]) == ["line 1 HW-SRV-R220: quantity 2 → 1",
                                                  "follows Q-2026-0042 revision 2"]
    assert lines(orders, order_id)[0] == (1, "HW-SRV-R220", Decimal(1), ["SN-0001"], "A-01-3", None, None, None, 2)


def test_applying_everything_makes_the_order_follow_the_new_revision(orders: Orders, order_id: int) -> None:
    import_rev_2(orders)
    assert apply(orders, order_id) == [
        "line 1 HW-SRV-R220: quantity 2 → 3", "remove line 2 HW-RAIL-KIT",
        "line 3 SUB-CLOUD-STD: subscription end 2027-06-30 → 2027-12-31", "add line 7 HW-UPS-1500",
        "follows Q-2026-0042 revision 2"]
    assert proposal(orders, order_id) is None
    assert orders.load(order_id).quote.revision == 2
    assert lines(orders, order_id) == [
        (1, "HW-SRV-R220", Decimal(3), ["SN-0001", "SN-0002"], "A-01-3", None, None, None, 2),
        (3, "SUB-CLOUD-STD", Decimal(25), [], None, dt.date(2026, 7, 15), LATER_END, "northwind.cloud", 2),
        *[(*line[:-1], 2) for line in (LINE_4, LINE_5, LINE_6)],
        (7, "HW-UPS-1500", Decimal(1), [], None, None, None, None, 2)]
    why = ("maria", ChangeSource.QUOTE_REVISION, "Q-2026-0042 rev 1 → rev 2")
    records = [(r.entity_type, r.subject, r.field, r.old_value, r.new_value, r.who, r.source, r.reason)
               for r in orders.changes(order_id) if r.source is ChangeSource.QUOTE_REVISION]
    assert records == [
        ("order", "FO-000001", "quote", "Q-2026-0042 rev 1", "Q-2026-0042 rev 2", *why),
        ("order_line", "line 1", "quote_line", "Q-2026-0042 rev 1 line 1", "Q-2026-0042 rev 2 line 1", *why),
        ("order_line", "line 1", "quantity", "2", "3", *why),
        ("order_line", "line 2", "deleted", "line 2 HW-RAIL-KIT × 4", None, *why),
        ("order_line", "line 3", "quote_line", "Q-2026-0042 rev 1 line 3", "Q-2026-0042 rev 2 line 3", *why),
        ("order_line", "line 3", "subscription_end", "2027-06-30", "2027-12-31", *why),
        ("order_line", "line 4", "quote_line", "Q-2026-0042 rev 1 line 4", "Q-2026-0042 rev 2 line 4", *why),
        ("order_line", "line 5", "quote_line", "Q-2026-0042 rev 1 line 5", "Q-2026-0042 rev 2 line 5", *why),
        ("order_line", "line 6", "quote_line", "Q-2026-0042 rev 1 line 6", "Q-2026-0042 rev 2 line 6", *why),
        ("order_line", "line 7", "created", None, "line 7 HW-UPS-1500 × 1", *why)]
    with pytest.raises(QtcError, match="Order FO-000001 already follows the newest revision of quote Q-2026-0042"):
        apply(orders, order_id)


def test_following_with_some_changes_keeps_the_rest_as_the_order_has_them(orders: Orders, order_id: int) -> None:
    import_rev_2(orders)
    assert apply(orders, order_id, ["line 3"], follow=True) == [
        "line 3 SUB-CLOUD-STD: subscription end 2027-06-30 → 2027-12-31", "follows Q-2026-0042 revision 2"]
    assert proposal(orders, order_id) is None
    assert orders.load(order_id).quote.revision == 2
    assert [line[:3] for line in lines(orders, order_id)] == [
        (1, "HW-SRV-R220", Decimal(2)), (2, "HW-RAIL-KIT", Decimal(4)), (3, "SUB-CLOUD-STD", Decimal(25)),
        (4, "SUB-BACKUP-1TB", Decimal(3)), (5, "SVC-INSTALL", Decimal(1)), (6, "TRN-ADMIN", Decimal(2))]
    # Revision 3 changes only the training days: what the coordinator kept from revision 2 is not asked again.
    orders.import_rows(revised(orders.MIXED_QUOTE, changes={**REV_2_CHANGES, 6: {QUANTITY: 3, NET_TOTAL: 2700}},
                               drop=[2], add=[[7, *UPS[1:]]]))
    assert proposal(orders, order_id) == {
        "order": "FO-000001", "quote": "Q-2026-0042", "from_revision": 2, "to_revision": 3,
        "changes": [change("line 6", "changed", 6, "TRN-ADMIN", [("quantity", "2", "3")])]}


def test_a_line_with_shipments_cannot_be_removed_or_cut_below_what_shipped(orders: Orders, order_id: int) -> None:
    orders.bring_to(order_id, S.CONFIRMED)
    orders.ship(order_id, {1: 2, 2: 3})
    import_rev_2(orders, changes={1: {QUANTITY: 1, NET_TOTAL: 6000.5}})
    changes = proposal(orders, order_id)["changes"]  # type: ignore[index]
    assert changes[:2] == [
        change("line 1", "changed", 1, "HW-SRV-R220", [("quantity", "2", "1")], "2 already shipped, more than 1"),
        change("line 2", "removed", 2, "HW-RAIL-KIT", blocked="3 already shipped")]
    before = lines(orders, order_id)
    with pytest.raises(QtcError, match=r"^Cannot apply line 2: 3 already shipped\.$"):
        apply(orders, order_id, ["line 2", "line 3"])
    with pytest.raises(QtcError, match=r"^Cannot apply line 1: 2 already shipped, more than 1; "
                                       r"line 2: 3 already shipped\.$"):
        apply(orders, order_id)
    assert lines(orders, order_id) == before
    assert apply(orders, order_id, ["line 3", "new 7"]) == [
        "line 3 SUB-CLOUD-STD: subscription end 2027-06-30 → 2027-12-31", "add line 7 HW-UPS-1500"]


def test_an_unknown_change_or_a_stale_window_is_refused(orders: Orders, order_id: int) -> None:
    import_rev_2(orders)
    before = lines(orders, order_id)
    with pytest.raises(QtcError, match=r"^Revision 2 of Q-2026-0042 has no change line 9, new 2 for order "
                                       r"FO-000001 \(changes: line 1, line 2, line 3, new 7\)\.$"):
        apply(orders, order_id, ["line 1", "line 9", "new 2"])
    version = orders.load(order_id).version
    orders.edit(order_id, {"carrier": "DHL Express"})  # someone else saved meanwhile
    with pytest.raises(StaleOrder, match=f"version {version} → {version + 1}"):
        apply(orders, order_id, ["line 1"], expected_version=version)
    assert lines(orders, order_id) == before
    assert apply(orders, order_id, ["line 1"], expected_version=version + 1) == ["line 1 HW-SRV-R220: quantity 2 → 3"]


def test_a_revision_applied_after_the_erp_saw_the_order_marks_it_changed(orders: Orders, order_id: int) -> None:
    orders.bring_to(order_id, S.SENT_TO_ERP)
    with orders.store.transaction() as session:  # what the export does once the ERP has it
        find_order(session, order_id).changed_since_export = False
    import_rev_2(orders)
    assert not orders.load(order_id).changed_since_export  # a revision waiting changes nothing yet
    apply(orders, order_id, ["new 7"])
    assert orders.load(order_id).changed_since_export


def test_a_removal_alone_raises_the_version_and_is_in_the_order_history(orders: Orders, order_id: int) -> None:
    import_rev_2(orders)
    version = orders.load(order_id).version
    assert apply(orders, order_id, ["line 2"]) == ["remove line 2 HW-RAIL-KIT"]
    assert orders.load(order_id).version == version + 1
    assert [(r.subject, r.field, r.old_value) for r in orders.changes(order_id, "deleted")] == [
        ("line 2", "deleted", "line 2 HW-RAIL-KIT × 4")]


@pytest.mark.parametrize("status", [S.CANCELLED, S.CLOSED])
def test_a_closed_or_cancelled_order_has_no_revision_to_apply(orders: Orders, status: OrderStatus) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, status)
    orders.import_rows(revised(orders.GOODS_QUOTE, changes={2: {QUANTITY: 60, NET_TOTAL: 270}}))
    assert proposal(orders, order_id) is None
    with pytest.raises(QtcError, match="already follows the newest revision"):
        apply(orders, order_id)


def test_a_revision_with_an_order_of_its_own_is_not_proposed_to_the_older_order(orders: Orders,
                                                                                  order_id: int) -> None:
    import_rev_2(orders)
    orders.create(orders.MIXED, revision=2)
    assert proposal(orders, order_id) is None


AMENDMENT_HEADERS = ["Quote Number", "Quote Type", "Account ID", "Account Name", "Contract", "Line", "Product Code",
                     "Product Name", "Product Family", "Quantity", "Start Date"]
AMENDED_FROM = dt.date(2026, 9, 1)


def import_amendment(orders: Orders, quantities: dict[str, int]) -> None:
    """A revision of amendment Q-AM-7 to Northwind's contract C-100: each product's new total."""
    path = orders.folder / f"amendment-{len(list(orders.folder.iterdir()))}.xlsx"
    book = openpyxl.Workbook()
    book.active.append(AMENDMENT_HEADERS)
    for line_no, (code, quantity) in enumerate(quantities.items(), start=1):
        book.active.append(["Q-AM-7", "Amendment", "001Nw00000AbCdE", "Northwind Traders Ltd", "C-100", line_no,
                            code, code.title(), "Subscriptions", quantity, AMENDED_FROM])
    book.save(path)
    book.close()
    with orders.store.transaction() as session:
        result = import_file(session, path, who="importer")
        assert result.ok, result.problems


def amendment_lines(orders: Orders, order_id: int) -> dict[str, tuple[object, ...]]:
    """Product -> (quantity, action, prior quantity, delta) of each line."""
    with orders.store.session() as session:
        return {line.product_code: (line.quantity, line.action.value if line.action else None, line.prior_quantity,
                                    line.delta) for line in find_order(session, order_id).lines}


def test_a_revised_amendment_changes_the_deltas_and_actions_not_the_totals(orders: Orders) -> None:
    # Northwind has 25 cloud seats and 10 backup units under contract C-100.
    with orders.store.transaction(who="test setup") as session:
        account = session.execute(select(Account).where(Account.external_id == "001Nw00000AbCdE")).scalar_one()
        for code, quantity in (("SUB-CLOUD", 25), ("SUB-BACKUP", 10)):
            session.add(ContractedPosition(account_id=account.id, contract_number="C-100", product_code=code,
                                           quantity=Decimal(quantity), start_date=dt.date(2026, 7, 1),
                                           end_date=dt.date(2027, 6, 30)))
    import_amendment(orders, {"SUB-CLOUD": 40, "SUB-BACKUP": 12})
    order_id = orders.create("Q-AM-7")
    assert amendment_lines(orders, order_id) == {"SUB-CLOUD": (15, "increase", 25, 15),
                                                  "SUB-BACKUP": (2, "increase", 10, 2)}
    # Revision 2: 50 seats in all (+25, not 50 more), and backup down to 8 (2 fewer, not 2 more).
    import_amendment(orders, {"SUB-CLOUD": 50, "SUB-BACKUP": 8, "SUB-SECURITY": 5})
    found = proposal(orders, order_id)
    assert found is not None and found["to_revision"] == 2
    assert found["changes"] == [
        change("line 1", "changed", 1, "SUB-CLOUD", [("quantity", "15", "25"), ("delta", "15", "25")]),
        change("line 2", "changed", 2, "SUB-BACKUP", [("action", "increase", "decrease"), ("delta", "2", "-2")]),
        change("new 3", "added", 3, "SUB-SECURITY")]
    apply(orders, order_id)
    assert amendment_lines(orders, order_id) == {"SUB-CLOUD": (25, "increase", 25, 25),
                                                  "SUB-BACKUP": (2, "decrease", 10, -2),
                                                  "SUB-SECURITY": (5, "add", 0, 5)}
    assert proposal(orders, order_id) is None  # it follows revision 2 now

