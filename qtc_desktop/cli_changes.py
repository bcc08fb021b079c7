"""`qtc-desktop history|diff|actions`: change records, revisions compared, and what a quote asks of fulfillment."""

from __future__ import annotations

import argparse
import sys

from qtc_desktop.cli_common import EXIT_OK, EXIT_USAGE, open_database, print_json, print_table


def history_command(args: argparse.Namespace) -> int:
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
    store = open_database(args, exclusive=False)
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
        print_json(records)
    else:
        print_table([{**record, "what": entry.what} for record, entry in zip(records, entries)],
                    ("at", "who", "source", "order", "what", "old", "new", "reason"))
    return EXIT_OK


def diff_command(args: argparse.Namespace) -> int:
    from qtc_desktop.services.changes.revisions import revision_diff

    store = open_database(args, exclusive=False)
    try:
        with store.session() as session:
            diff = revision_diff(session, args.quote, args.old, args.new)
    finally:
        store.close()
    if args.json:
        print_json(diff.as_json())
    else:
        print(f"{diff.number}: revision {diff.old_revision} → {diff.new_revision}")
        for change in diff.changes:
            print(f"  {change}")
        if not diff.changes:
            print("  no line changed")
    return EXIT_OK


def actions_command(args: argparse.Namespace) -> int:
    from qtc_desktop.services.changes.actions import quote_actions

    store = open_database(args, exclusive=False)
    try:
        with store.session() as session:
            found = [action.as_json() for action in quote_actions(session, args.quote)]
    finally:
        store.close()
    if args.json:
        print_json(found)
    else:
        print_table(found, ("product", "action", "prior_quantity", "new_quantity", "delta", "effective_date",
                            "end_date"))
    return EXIT_OK
