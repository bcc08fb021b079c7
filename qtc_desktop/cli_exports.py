"""`qtc-desktop export|reimport|export-layout`: ERP spreadsheets out and back, over the services."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qtc_desktop.cli_common import EXIT_FAILURE, EXIT_OK, coordinator_name, open_database, print_json
from qtc_desktop.store import Store


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="write orders to an ERP-ready xlsx (and CSV) in a layout; records the export batch",
        description="Exported orders that were ready become 'sent to ERP'; every exported order loses its "
                    "'changed since export' mark. The file is written to a temporary file and renamed into "
                    "place, so a failed export never leaves a broken file.")
    export.add_argument("out", type=Path, metavar="OUT.xlsx")
    export.add_argument("--layout", default="generic", metavar="LAYOUT",
                        help="generic, odoo, erpnext or the name of a saved layout (default generic)")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--orders", metavar="ID,...", help="these orders (ids or numbers)")
    which.add_argument("--changed", action="store_true",
                       help="every order changed since the ERP saw it, and released ones never sent")
    export.add_argument("--csv", action="store_true", help="also write each sheet as OUT-SHEET.csv")
    export.add_argument("--json", action="store_true")
    reimport = commands.add_parser(
        "reimport", help="take an exported workbook back from the ERP team and apply what they changed",
        description="Fields changed in the sheet are applied; a field the app also changed since the export "
                    "is a conflict, applied only with --accept. Damaged keys or a workbook from another "
                    "database refuse the whole file. Exit 1 when anything is refused or left in conflict.")
    reimport.add_argument("file", type=Path, metavar="FILE")
    reimport.add_argument("--dry-run", action="store_true", help="show what would change; store nothing")
    reimport.add_argument("--accept", action="append", default=[], metavar="ORDER:FIELD",
                          help="take the sheet's value for this conflict (repeat); e.g. FO-000012:carrier")
    reimport.add_argument("--accept-all", action="store_true", help="take the sheet's value for every conflict")
    reimport.add_argument("--json", action="store_true")
    layout = commands.add_parser("export-layout", help="export layouts: list, show the columns, save, remove")
    layout_commands = layout.add_subparsers(dest="layout_command", metavar="ACTION", required=True,
                                            parser_class=parser_class)
    layout_list = layout_commands.add_parser("list", help="built-in and saved layouts")
    layout_list.add_argument("--json", action="store_true")
    layout_commands.add_parser("columns", help="every column a layout can use")
    layout_set = layout_commands.add_parser("set", help="save a layout: columns in order, each NAME or NAME=Header")
    layout_set.add_argument("name")
    layout_set.add_argument("columns", nargs="+", metavar="COLUMN[=HEADER]")
    layout_remove = layout_commands.add_parser("remove", help="remove a saved layout")
    layout_remove.add_argument("name")


def export_command(args: argparse.Namespace) -> int:
    store = open_database(args, exclusive=True)
    try:
        result = run_export(store, args, who=coordinator_name())
    finally:
        store.close()
    if args.json:
        print_json(result)
    else:
        print(f"{result['file']}: {len(result['orders'])} order(s), {result['lines']} line(s) in layout "
              f"{result['layout']} (export {result['batch']})" + "".join(f"\n  {path}" for path in result["csv"]))
    return EXIT_OK


def reimport_command(args: argparse.Namespace) -> int:
    """1 when anything in the file was refused or is left in conflict."""
    store = open_database(args, exclusive=not args.dry_run)
    try:
        result, complete = run_reimport(store, args, who=coordinator_name())
    finally:
        store.close()
    if args.json:
        print_json(result)
    else:
        print(describe_reimport(result))
    return EXIT_OK if complete and not result["errors"] else EXIT_FAILURE


def export_layout_command(args: argparse.Namespace) -> int:
    store = open_database(args, exclusive=args.layout_command in ("set", "remove"))
    try:
        return run_layout(store, args)
    finally:
        store.close()


def run_export(store: Store, args: argparse.Namespace, *, who: str) -> dict[str, Any]:
    from qtc_desktop.services.exporting.service import export_orders, orders_to_export
    from qtc_desktop.services.orders.lookup import find_order

    with store.transaction() as session:
        if args.changed:
            orders = orders_to_export(session, changed=True)
        else:
            ids = [find_order(session, part).id for part in args.orders.split(",") if part.strip()]
            orders = orders_to_export(session, ids)
        return export_orders(session, orders, args.out, args.layout, who=who, csv=args.csv).as_json()


def run_reimport(store: Store, args: argparse.Namespace, *, who: str) -> tuple[dict[str, Any], bool]:
    """The result document, and whether everything in the file was taken back."""
    from qtc_desktop.services.exporting.reimport import apply_reimport, plan_reimport

    with store.transaction() as session:
        plan = plan_reimport(session, args.file)
        if not plan.ok:
            return plan.as_json([], []), False
        accept = {(c.order, c.field) for c in plan.conflicts} if args.accept_all else _accepted(args.accept)
        pending = [c for c in plan.conflicts if (c.order, c.field) not in accept]
        applied = [*plan.changes, *(c for c in plan.conflicts if (c.order, c.field) in accept)]
        if not args.dry_run:  # planning wrote nothing, so a dry run has nothing to undo
            applied = apply_reimport(session, plan, who=who, accept=accept)
        return plan.as_json(applied, pending), not pending


def run_layout(store: Store, args: argparse.Namespace) -> int:
    from qtc_desktop.services.exporting.columns import COLUMNS
    from qtc_desktop.services.exporting.layouts import (
        BUILT_IN,
        layout_named,
        layout_names,
        remove_layout,
        save_layout,
    )

    if args.layout_command == "columns":
        for column in COLUMNS.values():
            print(f"{column.name:20} {column.level:6} {column.label}" + ("  (taken back)" if column.editable else ""))
        return 0
    with store.transaction() as session:
        if args.layout_command == "list":
            layouts = [layout_named(session, name) for name in (*BUILT_IN, *layout_names(session))]
            if args.json:
                json.dump([json.loads(layout.to_text()) for layout in layouts], sys.stdout, indent=2)
                sys.stdout.write("\n")
            else:
                for layout in layouts:
                    print(f"{layout.name}: " + "; ".join(
                        f"{sheet.name} ({len(sheet.columns)} columns)" for sheet in layout.sheets))
        elif args.layout_command == "set":
            pairs = [(part.split("=", 1)[0].strip(), part.split("=", 1)[1] if "=" in part else "")
                     for part in args.columns]
            save_layout(session, args.name, [(name, header or (COLUMNS[name].label if name in COLUMNS else name))
                                             for name, header in pairs])
        else:
            remove_layout(session, args.name)
    return 0


def _accepted(values: list[str]) -> set[tuple[str, str]]:
    accepted = set()
    for value in values:
        order, _, field = value.partition(":")
        accepted.add((order.strip().upper(), field.strip()))
    return accepted


def describe_reimport(result: dict[str, Any]) -> str:
    lines = [f"{result['file']}:"]
    lines += [f"  applied {c['order']} {c['field']}: {c['old'] or '(blank)'} -> {c['new'] or '(blank)'}"
              for c in result["applied"]]
    lines += [f"  CONFLICT {c['order']} {c['field']}: exported {c['exported'] or '(blank)'}, now "
              f"{c['current'] or '(blank)'} in the app, {c['sheet'] or '(blank)'} in the sheet "
              f"(--accept {c['order']}:{c['field']} takes the sheet's)" for c in result["conflicts"]]
    lines += [f"  ERROR {_where(e)}{e['message']}" for e in result["errors"]]
    lines += [f"  {note}" for note in result["notes"]]
    if len(lines) == 1:
        lines.append("  nothing changed on the ERP side")
    return "\n".join(lines)


def _where(error: dict[str, Any]) -> str:
    parts = [f"sheet '{error['sheet']}'" if error["sheet"] else "", f"row {error['row']}" if error["row"] else "",
             f"column '{error['column']}'" if error["column"] else ""]
    text = ", ".join(part for part in parts if part)
    return f"{text}: " if text else ""
