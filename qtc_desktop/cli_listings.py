"""`qtc-desktop sample-data|quotes|orders|accounts`: sample data in, and what the database holds, listed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from qtc_desktop.cli_common import EXIT_OK, open_database, print_json, print_table


def sample_data_command(args: argparse.Namespace) -> int:
    from qtc_desktop.services.sample_data import load_sample_data

    store = open_database(args, exclusive=True)
    try:
        with store.transaction() as session:
            summary = load_sample_data(session, orders=args.orders, seed=args.seed)
    finally:
        store.close()
    if args.json:
        print_json({"accounts": summary.accounts, "quotes": summary.quotes,
                    "orders": summary.orders, "shipments": summary.shipments})
    print(f"Loaded sample data into {store.location}: {summary.accounts} accounts, "
          f"{summary.quotes} quotes, {summary.orders} orders, {summary.shipments} shipments.",
          file=sys.stderr)
    return EXIT_OK


def listing(fetch: Callable[[Any], list[dict[str, Any]]],
            columns: Sequence[str]) -> Callable[[argparse.Namespace], int]:
    """A command printing what `fetch` reads on one connection, as JSON or as a table of `columns`."""

    def handler(args: argparse.Namespace) -> int:
        store = open_database(args, exclusive=False)
        try:
            with store.engine.connect() as connection:
                rows = fetch(connection)
        finally:
            store.close()
        if args.json:
            print_json(rows)
        else:
            print_table(rows, columns)
        return EXIT_OK

    return handler


def _quote_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import quote_summaries

    return quote_summaries(connection)


def _order_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import order_summaries

    return order_summaries(connection)


def _account_rows(connection: Any) -> list[dict[str, Any]]:
    from qtc_desktop.services.summaries import account_summaries

    return account_summaries(connection)


quotes_command = listing(_quote_rows, ("number", "revision", "type", "account", "lines", "net_total", "currency"))
orders_command = listing(_order_rows, ("id", "number", "status", "account", "quote", "lines", "requested_date"))
accounts_command = listing(_account_rows, ("id", "name", "external_id", "quotes", "open_orders"))
