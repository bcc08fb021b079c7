"""The command line: `qtc-desktop [--db URL] COMMAND`, over the same services as the window.

JSON goes to stdout, messages to stderr. Exit codes: 0 success, 1 a failure the message
explains (what and where), 2 a usage error.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qtc_desktop import __version__
from qtc_desktop.cli_changes import actions_command, diff_command, history_command
from qtc_desktop.cli_common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from qtc_desktop.cli_database import db_command, db_info_command
from qtc_desktop.cli_importing import import_command
from qtc_desktop.cli_listings import accounts_command, orders_command, quotes_command, sample_data_command


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


# These command modules import services or the store when loaded, so they load when a command
# needs them, not with this module, which opening the window imports first.
def _order(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_orders import order_command

    return order_command(args)


def _product_rule(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_orders import product_rule_command

    return product_rule_command(args)


def _export(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import export_command

    return export_command(args)


def _reimport(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import reimport_command

    return reimport_command(args)


def _export_layout(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_exports import export_layout_command

    return export_layout_command(args)


def _pdf(args: argparse.Namespace) -> int:
    from qtc_desktop.cli_paperwork import pdf_command

    return pdf_command(args)


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "sample-data": sample_data_command,
    "quotes": quotes_command,
    "orders": orders_command,
    "accounts": accounts_command,
    "db-info": db_info_command,
    "db": db_command,
    "import": import_command,
    "order": _order,
    "product-rule": _product_rule,
    "history": history_command,
    "diff": diff_command,
    "export": _export,
    "reimport": _reimport,
    "export-layout": _export_layout,
    "pdf": _pdf,
    "actions": actions_command,
}
