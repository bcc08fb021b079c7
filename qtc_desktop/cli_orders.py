"""`qtc-desktop order ...|product-rule ...`: the order commands, turning arguments into service calls."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


from qtc_desktop.cli_common import EXIT_OK, coordinator_name, open_database, print_json, print_table
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.document import order_document
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.revising import apply_revision
from qtc_desktop.services.orders.shipping import PackageSpec, ShipmentRequest, record_shipment
from qtc_desktop.services.orders.workflow import change_status
from qtc_desktop.store import Store


def order_command(args: argparse.Namespace) -> int:
    """`order ACTION`: run it, then print the order as JSON or as text."""
    store = open_database(args, exclusive=args.order_command != "show")
    try:
        document = run_order_command(store, args, who=coordinator_name())
    finally:
        store.close()
    if args.json:
        print_json(document)
    else:
        print(describe_order(document))
    return EXIT_OK


def product_rule_command(args: argparse.Namespace) -> int:
    """`product-rule list|set|remove`: how lines with matching product codes are fulfilled."""
    from qtc_desktop.services.orders.rules import list_rules, remove_rule, save_rule

    store = open_database(args, exclusive=args.rule_command != "list")
    try:
        with store.transaction() as session:
            if args.rule_command == "set":
                save_rule(session, args.pattern, args.kind, serialized=args.serialized, priority=args.priority)
            elif args.rule_command == "remove":
                remove_rule(session, args.pattern)
            rules = list_rules(session)
    finally:
        store.close()
    if getattr(args, "json", False):
        print_json([vars(rule) for rule in rules])
    elif args.rule_command == "list":
        print_table([vars(rule) for rule in rules], ("priority", "pattern", "kind", "serialized"))
    return EXIT_OK


def run_order_command(store: Store, args: argparse.Namespace, *, who: str) -> dict[str, Any]:
    """Run one order action in one transaction; returns the order document after it."""
    from qtc_desktop.domain import OrderStatus

    with store.transaction() as session:
        if args.order_command == "create":
            order = create_order(session, args.quote, who=who, revision=args.revision)
            session.flush()
        else:
            order = find_order(session, args.order)
        if args.order_command == "set":
            apply_edit(session, order, parse_assignments(args.assignments), who=who,
                       expected_version=args.expected_version)
        elif args.order_command == "status":
            change_status(session, order, OrderStatus(args.status), who=who, reason=args.reason)
        elif args.order_command == "ship":
            record_shipment(session, order, parse_shipment(args), who=who)
        elif args.order_command == "revision" and (args.apply or args.follow):
            keys = None if args.apply == ["all"] else parse_change_keys(args.apply or [])
            apply_revision(session, order, keys, who=who, follow=args.follow)
        session.flush()
        session.refresh(order)
        return order_document(session, find_order(session, order.id))


def parse_change_keys(values: list[str]) -> list[str]:
    """`--apply "line 2" --apply 3 --apply new:5`: a bare number is that order line."""
    keys = []
    for value in values:
        for part in value.split(","):
            text = part.strip().lower().replace(":", " ")
            if text.isdigit():
                text = f"line {text}"
            if text:
                keys.append(" ".join(text.split()))
    return keys


def parse_assignments(assignments: list[str]) -> OrderEdit:
    """FIELD=VALUE (header) and line.N.FIELD=VALUE (line N) into an edit."""
    header: dict[str, str] = {}
    lines: dict[int, dict[str, str]] = {}
    problems = []
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator:
            problems.append(FieldProblem(assignment, "is not FIELD=VALUE"))
            continue
        parts = name.strip().split(".")
        if parts[0] == "line" and len(parts) == 3 and parts[1].isdigit():
            lines.setdefault(int(parts[1]), {})[parts[2]] = value
        elif len(parts) == 1:
            header[parts[0]] = value
        else:
            problems.append(FieldProblem(name, "is neither FIELD nor line.N.FIELD"))
    if problems:
        raise EditRefused(problems)
    return OrderEdit(header, lines)


def parse_shipment(args: argparse.Namespace) -> ShipmentRequest:
    quantities: dict[int, Decimal] = {}
    serials: dict[int, list[str]] = {}
    problems = []
    for text in args.lines:
        line, _, quantity = text.partition("=")
        try:
            quantities[int(line)] = Decimal(quantity)
        except (ValueError, InvalidOperation):
            problems.append(FieldProblem("--line", f"'{text}' is not N=QTY"))
    for text in args.serials:
        line, _, listed = text.partition("=")
        if not line.isdigit():
            problems.append(FieldProblem("--serial", f"'{text}' is not N=SN1,SN2"))
            continue
        serials[int(line)] = [s.strip() for s in listed.split(",") if s.strip()]
    packages = []
    for text in args.packages:
        try:
            weight, _, dims = text.partition(":")
            sizes = [Decimal(d) for d in dims.lower().split("x")] if dims else [None, None, None]
            if len(sizes) != 3:
                raise ValueError
            packages.append(PackageSpec(Decimal(weight), *sizes))
        except (ValueError, InvalidOperation):
            problems.append(FieldProblem("--package", f"'{text}' is not KG or KG:LxWxH"))
    ship_date = None
    if args.date:
        try:
            ship_date = dt.date.fromisoformat(args.date)
        except ValueError:
            problems.append(FieldProblem("--date", f"'{args.date}' is not YYYY-MM-DD"))
    if problems:
        raise EditRefused(problems)
    return ShipmentRequest(quantities, serials, packages, args.carrier, None, args.tracking, ship_date)


def describe_order(document: dict[str, Any]) -> str:
    """The order document as a person reads it in a terminal."""
    lines = [f"{document['number']} ({document['status']}, version {document['version']}) "
             f"for {document['account']}, quote {document['quote']} rev {document['quote_revision']}"]
    lines += [f"  {name}: {value}" for name, value in document["header"].items() if value not in (None, "")]
    for line in document["lines"]:
        lines.append(f"  line {line['line']}: {line['product_code']} x {line['quantity']} ({line['kind']}), "
                     f"shipped {line['shipped']}, backordered {line['backordered']}")
    for line in document["lines"]:
        if line["provisioning"]:
            lines.append(f"  line {line['line']} does: {line['provisioning']}")
    revision = document["pending_revision"]
    if revision:
        lines.append(f"  quote {revision['quote']} revision {revision['to_revision']} has arrived "
                     f"(this order follows revision {revision['from_revision']}):")
        lines += [f"    {change['key']}: {_change_text(change)}" for change in revision["changes"]]
    for shipment in document["shipments"]:
        lines.append(f"  shipment {shipment['number']} on {shipment['ship_date']}, tracking "
                     f"{shipment['tracking_number'] or '-'}")
    if document["readiness"]:
        lines.append("  still missing:")
        lines += [f"    - {item['message']}" + (f" (line {item['line']})" if item["line"] else "")
                  for item in document["readiness"]]
    else:
        lines.append("  ready for the ERP")
    return "\n".join(lines)


def _change_text(change: dict[str, Any]) -> str:
    if change["kind"] != "changed":
        text = f"{change['kind']} {change['product']}"
    else:
        text = ", ".join(f"{f['field']} {f['current'] or '(blank)'} -> {f['proposed'] or '(blank)'}"
                         for f in change["fields"])
    return text + (f" (cannot apply: {change['blocked']})" if change["blocked"] else "")
