"""The command line: `qtc-desktop [--db URL] COMMAND`, over the same services as the window.

JSON goes to stdout, messages to stderr. Exit codes: 0 success, 1 a failure the message
explains (what and where), 2 a usage error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qtc_desktop import __version__

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 with usage, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qtc-desktop",
        description="Fulfillment coordinator's desktop tool. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"qtc-desktop {__version__}")
    parser.add_argument(
        "--db", metavar="URL",
        help="database URL or SQLite file path (default: $QTC_DATABASE_URL, "
             "else qtc-desktop.sqlite3 in the user's data directory)",
    )
    parser.add_argument(
        "--quit-after", metavar="SECONDS", type=float, default=None,
        help="open the window, then close it this many seconds after the first list is "
             "painted (0: at once); for smoke tests of an installed build",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sample = commands.add_parser("sample-data", help="fill an empty database with sample data")
    sample.add_argument("--orders", type=_positive_int, default=90, help="how many orders (default 90)")
    sample.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    sample.add_argument("--json", action="store_true", help="print what was made as JSON")

    for name, help_text in (("quotes", "list every quote revision"),
                            ("orders", "list every fulfillment order"),
                            ("accounts", "list every account")):
        listing = commands.add_parser(name, help=help_text)
        listing.add_argument("--json", action="store_true", help="JSON on stdout (default: a table)")

    commands.add_parser("db-info", help="say which database is used and its schema revision")

    importing = commands.add_parser(
        "import", help="import accepted quotes from xlsx, xlsm, ods, xls or csv files",
        description="Each file is stored whole or not at all; a rejected file stores nothing "
                    "while the others still import.")
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument("--dry-run", action="store_true", help="check and report; store nothing")
    importing.add_argument("--mapping", metavar="NAME", help="a saved column mapping to use")
    importing.add_argument("--date-order", choices=("dmy", "mdy"),
                           help="how to read dates like 03/04/2026 when the file does not tell")
    importing.add_argument("--decimal-comma", action=argparse.BooleanOptionalAction, default=None,
                           help="numbers are written 1.234,56 (default: decided from the file)")
    importing.add_argument("--json", action="store_true", help="the result as JSON on stdout")

    history = commands.add_parser("history", help="an order's or account's change records: who changed what, "
                                  "when, from where and why")
    history.add_argument("order", metavar="ORDER_ID", nargs="?", help="order id or number")
    history.add_argument("--account", metavar="ACCOUNT", help="an account's history instead (id or name)")
    history.add_argument("--field", help="only changes to this field (e.g. quantity, status)")
    history.add_argument("--source", help="only changes from this source: user_edit, import, quote_revision, "
                         "amendment, erp_round_trip, erp_export or system")
    history.add_argument("--json", action="store_true")
    actions = commands.add_parser("actions", help="what an amendment, renewal or cancellation asks of fulfillment")
    actions.add_argument("quote", metavar="QUOTE_NUMBER")
    actions.add_argument("--json", action="store_true")

    from qtc_desktop.cli_exports import add_commands as add_export_commands

    add_export_commands(commands, _Parser)
    from qtc_desktop.cli_paperwork import add_commands as add_paperwork_commands

    add_paperwork_commands(commands, _Parser)
    from qtc_desktop.cli_database import add_commands as add_database_commands

    add_database_commands(commands, _Parser)

    rule = commands.add_parser("product-rule", help="how lines with matching product codes are fulfilled")
    rule_commands = rule.add_subparsers(dest="rule_command", metavar="ACTION", required=True, parser_class=_Parser)
    rule_list = rule_commands.add_parser("list", help="the rules, first applied first")
    rule_list.add_argument("--json", action="store_true")
    rule_set = rule_commands.add_parser("set", help="add a rule or change the one with the same pattern")
    rule_set.add_argument("pattern", help="product code pattern, e.g. HW-SRV-* or *-LIC")
    rule_set.add_argument("kind", choices=("ship", "provision", "perform"))
    rule_set.add_argument("--serialized", action="store_true", help="units carry serial numbers")
    rule_set.add_argument("--priority", type=int, default=100, help="lower first (default 100)")
    rule_remove = rule_commands.add_parser("remove", help="remove the rule with this pattern")
    rule_remove.add_argument("pattern")

    order = commands.add_parser("order", help="create, show, fill in, move and ship fulfillment orders")
    order_commands = order.add_subparsers(dest="order_command", metavar="ACTION", required=True,
                                          parser_class=_Parser)
    create = order_commands.add_parser("create", help="a draft order from a quote's latest revision")
    create.add_argument("quote", metavar="QUOTE_NUMBER")
    create.add_argument("--revision", type=_positive_int, help="a given revision instead of the latest")
    create.add_argument("--json", action="store_true", help="the new order as JSON")
    show = order_commands.add_parser("show", help="header, lines, shipments and readiness")
    show.add_argument("order", metavar="ID", help="order id or number (12 or FO-000012)")
    show.add_argument("--json", action="store_true", help="JSON on stdout (default: text)")
    set_ = order_commands.add_parser(
        "set", help="fill in fields: FIELD=VALUE for the header, line.N.FIELD=VALUE for line N",
        description="Header fields: " + ", ".join(_order_fields("header")) + ". Line fields: "
                    + ", ".join(_order_fields("line")) + ". A blank value clears a field; "
                    "serial numbers are separated by commas.")
    set_.add_argument("order", metavar="ID")
    set_.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    set_.add_argument("--version", type=int, dest="expected_version",
                      help="refuse if the order is no longer at this version")
    set_.add_argument("--json", action="store_true", help="the order as JSON after the change")
    status = order_commands.add_parser("status", help="move the order in its workflow")
    status.add_argument("order", metavar="ID")
    status.add_argument("status", choices=[s.value for s in _statuses()], metavar="STATUS",
                        help=", ".join(s.value for s in _statuses()))
    status.add_argument("--reason", help="why (needed for on_hold and cancelled)")
    status.add_argument("--json", action="store_true")
    ship = order_commands.add_parser("ship", help="record a shipment: what leaves the warehouse now")
    ship.add_argument("order", metavar="ID")
    ship.add_argument("--line", action="append", required=True, metavar="N=QTY", dest="lines",
                      help="line number and quantity shipped; repeat for more lines")
    ship.add_argument("--serial", action="append", default=[], metavar="N=SN1,SN2", dest="serials",
                      help="serial numbers shipped on line N (default: the line's recorded ones)")
    ship.add_argument("--package", action="append", default=[], metavar="KG[:LxWxH]", dest="packages",
                      help="a package's weight in kg and dimensions in cm, e.g. 12.5:60x40x40")
    ship.add_argument("--tracking", help="tracking number")
    ship.add_argument("--carrier", help="carrier (default: the order's)")
    ship.add_argument("--date", help="ship date YYYY-MM-DD (default: today)")
    ship.add_argument("--json", action="store_true")
    revision = order_commands.add_parser(
        "revision", help="what the quote's newest revision would change on the order; apply it line by line",
        description="Without --apply or --follow, shows the changes. Keys are 'line N' (a line of the order) "
                    "or 'new N' (a line the revision adds); a bare number is 'line N'.")
    revision.add_argument("order", metavar="ID")
    revision.add_argument("--apply", action="append", metavar="KEY", help="apply this change (repeat, or 'all')")
    revision.add_argument("--follow", action="store_true",
                          help="the order follows the new revision; changes not applied stay as the order has them")
    revision.add_argument("--json", action="store_true")
    diff = commands.add_parser("diff", help="a quote's revisions compared: lines added, removed and changed")
    diff.add_argument("quote", metavar="QUOTE_NUMBER")
    diff.add_argument("--from", dest="old", type=int, metavar="N", help="the older revision (default: the one "
                      "before --to)")
    diff.add_argument("--to", dest="new", type=int, metavar="M", help="the newer revision (default: the newest)")
    diff.add_argument("--json", action="store_true")
    return parser


def _order_fields(part: str) -> list[str]:
    from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS

    return list(HEADER_FIELDS if part == "header" else LINE_FIELDS)


def _statuses() -> list[Any]:
    from qtc_desktop.domain import OrderStatus

    return list(OrderStatus)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1 or value > 1_000_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1,000,000: {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes ~85,000 long-lived objects (Qt wrappers, mappers, compiled SQL); cyclic
    # collections walking them over and over cost a third of the start. run_app enables the
    # collector again once the window is up; commands get it back at once.
    gc.disable()
    try:
        args = build_parser().parse_args(argv)
    finally:
        gc.enable()
    if args.command is None:
        from qtc_desktop.ui.app import run_app

        gc.disable()
        return run_app(db=args.db, quit_after=args.quit_after)
    handler = _HANDLERS[args.command]
    from qtc_desktop.services.errors import USER_ERRORS

    try:
        return handler(args)
    except USER_ERRORS as exc:
        print(f"qtc-desktop: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("qtc-desktop: interrupted; nothing was stored", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader (head, less) went away; Python must not complain again at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, keep the details
        from qtc_desktop.crash_log import write_crash_log

        log = write_crash_log(exc)
        print(f"qtc-desktop: internal error ({type(exc).__name__}: {exc}). "
              f"Nothing was stored. Details: {log}", file=sys.stderr)
        return EXIT_FAILURE


def _open(args: argparse.Namespace, *, exclusive: bool):  # type: ignore[no-untyped-def]
    from qtc_desktop.store import open_store, resolve_url

    return open_store(resolve_url(args.db, _preferred_database()), exclusive=exclusive)


def _preferred_database() -> str:
    from qtc_desktop.services.preferences import load_preferences

    return load_preferences().database_url


def _sample_data(args: argparse.Namespace) -> int:
    from qtc_desktop.services.sample_data import load_sample_data

    store = _open(args, exclusive=True)
    try:
        with store.transaction() as session:
            summary = load_sample_data(session, orders=args.orders, seed=args.seed)
    finally:
        store.close()
    if args.json:
        _print_json({"accounts": summary.accounts, "quotes": summary.quotes,
                     "orders": summary.orders, "shipments": summary.shipments})
    print(f"Loaded sample data into {store.location}: {summary.accounts} accounts, "
          f"{summary.quotes} quotes, {summary.orders} orders, {summary.shipments} shipments.",
          file=sys.stderr)
    return EXIT_OK


def _listing(fetch: Callable[[Any], list[dict[str, Any]]], columns: Sequence[str]) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        store = _open(args, exclusive=False)
        try:
            with store.engine.connect() as connection:
                rows = fetch(connection)
        finally:
            store.close()
        if args.json:
            _print_json(rows)
        else:
            _print_table(rows, columns)
        return EXIT_OK

    return handler


def _db_info(args: argparse.Namespace) -> int:
    from qtc_desktop.services.identity import database_id
    from qtc_desktop.store.migrate import current_revision

    store = _open(args, exclusive=False)
    try:
        with store.engine.connect() as connection:
            revision = current_revision(connection)
            identity = database_id(connection)
    finally:
        store.close()
    print(f"database: {store.location}\nengine: {store.engine.dialect.name}\nschema: {revision}\n"
          f"id: {identity}")
    return EXIT_OK


def _db(args: argparse.Namespace) -> int:
    if args.db_command == "info":
        return _db_info(args)
    from qtc_desktop.cli_database import run_copy

    return run_copy(args)


def _import(args: argparse.Namespace) -> int:
    from qtc_desktop.services.importing.building import ReadOptions
    from qtc_desktop.services.importing.service import ImportOptions, import_file, preview_file

    options = ImportOptions(mapping=args.mapping,
                            read=ReadOptions(date_order=args.date_order, decimal_comma=args.decimal_comma))
    store = _open(args, exclusive=not args.dry_run)
    results = []
    try:
        for path in args.files:
            if args.dry_run:
                with store.session() as session:
                    results.append(preview_file(session, path, options))
                    session.rollback()
            else:
                with store.transaction() as session:
                    results.append(import_file(session, path, options, who=_who()))
    finally:
        store.close()
    if args.json:
        _print_json({"files": [result.as_json() for result in results]})
    else:
        for result in results:
            _print_import(result, dry_run=args.dry_run)
    return EXIT_OK if all(result.ok for result in results) else EXIT_FAILURE


def _print_import(result: Any, *, dry_run: bool) -> None:
    name = result.path.name
    if not result.ok:
        print(f"{name}: not imported, {len(result.problems)} problem(s); nothing was stored", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return
    verb = "would import" if dry_run else "imported"
    print(f"{name}: {verb} {len(result.quotes)} quote(s)")
    for quote in result.quotes:
        print(f"  {quote.number} rev {quote.revision} ({quote.type}) {quote.account}: {quote.lines} lines, "
              f"{quote.net_total:,.2f} {quote.currency}, {quote.status}")
        for change in quote.changes:
            print(f"      {change}")


def _who() -> str:
    """The coordinator's name from the preferences the window saves, else the OS user."""
    from qtc_desktop.services.preferences import load_preferences

    return load_preferences().who


def _order(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_orders import run_order_command

    store = _open(args, exclusive=args.order_command != "show")
    try:
        document = run_order_command(store, args, who=_who())
    finally:
        store.close()
    if args.json:
        _print_json(document)
    else:
        from qtc_desktop.cli_orders import describe_order

        print(describe_order(document))
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    from qtc_desktop.services.accounts import find_account
    from qtc_desktop.services.changes.history import HistoryFilter, account_history, order_history
    from qtc_desktop.services.orders.lookup import find_order

    from qtc_desktop.domain import ChangeSource

    if (args.order is None) == (args.account is None):
        print("qtc-desktop: history needs an ORDER_ID or --account ACCOUNT, one of the two", file=sys.stderr)
        return EXIT_USAGE
    sources = {source.value: source for source in ChangeSource}
    if args.source is not None and args.source not in sources:
        print(f"qtc-desktop: --source {args.source!r} is not a source ({', '.join(sources)})", file=sys.stderr)
        return EXIT_USAGE
    where = HistoryFilter(args.field, sources.get(args.source or ""))
    store = _open(args, exclusive=False)
    try:
        with store.session() as session:
            if args.account is not None:
                entries = account_history(session, find_account(session, args.account).id, where)
            else:
                entries = order_history(session, find_order(session, args.order), where)
    finally:
        store.close()
    records = [entry.as_json() for entry in entries]
    if args.json:
        _print_json(records)
    else:
        _print_table([{**record, "what": entry.what} for record, entry in zip(records, entries)],
                     ("at", "who", "source", "order", "what", "old", "new", "reason"))
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from qtc_desktop.services.changes.revisions import revision_diff

    store = _open(args, exclusive=False)
    try:
        with store.session() as session:
            diff = revision_diff(session, args.quote, args.old, args.new)
    finally:
        store.close()
    if args.json:
        _print_json(diff.as_json())
    else:
        print(f"{diff.number}: revision {diff.old_revision} → {diff.new_revision}")
        for change in diff.changes:
            print(f"  {change}")
        if not diff.changes:
            print("  no line changed")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import run_export

    store = _open(args, exclusive=True)
    try:
        result = run_export(store, args, who=_who())
    finally:
        store.close()
    if args.json:
        _print_json(result)
    else:
        print(f"{result['file']}: {len(result['orders'])} order(s), {result['lines']} line(s) in layout "
              f"{result['layout']} (export {result['batch']})" + "".join(f"\n  {path}" for path in result["csv"]))
    return EXIT_OK


def _reimport(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import describe_reimport, run_reimport

    store = _open(args, exclusive=not args.dry_run)
    try:
        result, complete = run_reimport(store, args, who=_who())
    finally:
        store.close()
    if args.json:
        _print_json(result)
    else:
        print(describe_reimport(result))
    return EXIT_OK if complete and not result["errors"] else EXIT_FAILURE


def _pdf(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_paperwork import run_pdf

    store = _open(args, exclusive=False)
    try:
        print(run_pdf(store, args))
    finally:
        store.close()
    return EXIT_OK


def _export_layout(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import run_layout

    store = _open(args, exclusive=args.layout_command in ("set", "remove"))
    try:
        return run_layout(store, args)
    finally:
        store.close()


def _actions(args: argparse.Namespace) -> int:
    from qtc_desktop.services.changes.actions import quote_actions

    store = _open(args, exclusive=False)
    try:
        with store.session() as session:
            found = [action.as_json() for action in quote_actions(session, args.quote)]
    finally:
        store.close()
    if args.json:
        _print_json(found)
    else:
        _print_table(found, ("product", "action", "prior_quantity", "new_quantity", "delta", "effective_date",
                             "end_date"))
    return EXIT_OK


def _product_rule(args: argparse.Namespace) -> int:
    from qtc_desktop.services.orders.rules import list_rules, remove_rule, save_rule

    store = _open(args, exclusive=args.rule_command != "list")
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
        _print_json([vars(rule) for rule in rules])
    elif args.rule_command == "list":
        _print_table([vars(rule) for rule in rules], ("priority", "pattern", "kind", "serialized"))
    return EXIT_OK


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _print_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    cells = [[("" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def _quote_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import quote_summaries

    return quote_summaries(connection)


def _order_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import order_summaries

    return order_summaries(connection)


def _account_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import account_summaries

    return account_summaries(connection)


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "sample-data": _sample_data,
    "quotes": _listing(_quote_rows, ("number", "revision", "type", "account", "lines", "net_total", "currency")),
    "orders": _listing(_order_rows, ("id", "number", "status", "account", "quote", "lines", "requested_date")),
    "accounts": _listing(_account_rows, ("id", "name", "external_id", "quotes", "open_orders")),
    "db-info": _db_info,
    "db": _db,
    "import": _import,
    "order": _order,
    "product-rule": _product_rule,
    "history": _history,
    "diff": _diff,
    "export": _export,
    "reimport": _reimport,
    "export-layout": _export_layout,
    "pdf": _pdf,
    "actions": _actions,
}
