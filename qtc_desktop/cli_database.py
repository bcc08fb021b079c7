"""`qtc-desktop db info|copy`: which database this is, and moving it to a team's server."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qtc_desktop.cli_common import EXIT_OK, open_database


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="the database: which one, and moving it to a team server")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True, parser_class=parser_class)
    actions.add_parser("info", help="say which database is used and its schema revision")
    copy = actions.add_parser(
        "copy", help="copy this database, every row and every change record, into an empty one "
                     "(e.g. a team's PostgreSQL database) and verify the counts")
    copy.add_argument("--to", required=True, metavar="URL",
                      help="the empty database, e.g. postgresql+psycopg://user@server/qtc")
    copy.add_argument("--json", action="store_true", help="the counts per table as JSON on stdout")


def db_command(args: argparse.Namespace) -> int:
    if args.db_command == "info":
        return db_info_command(args)
    return run_copy(args)


def db_info_command(args: argparse.Namespace) -> int:
    """`db info` (and the older `db-info`): where the database is, its engine, schema revision and id."""
    from qtc_desktop.services.identity import database_id
    from qtc_desktop.store.migrate import current_revision

    store = open_database(args, exclusive=False)
    try:
        with store.engine.connect() as connection:
            revision = current_revision(connection)
            identity = database_id(connection)
    finally:
        store.close()
    print(f"database: {store.location}\nengine: {store.engine.dialect.name}\nschema: {revision}\n"
          f"id: {identity}")
    return EXIT_OK


def run_copy(args: argparse.Namespace) -> int:
    """Copy --db (or the default) into --to; 0 when every table's count matches."""
    from qtc_desktop.services.preferences import load_preferences
    from qtc_desktop.store import open_store, resolve_url
    from qtc_desktop.store.copying import copy_database

    # Exclusive: no window may write the source while it is being copied.
    source = open_store(resolve_url(args.db, load_preferences().database_url), exclusive=True)
    try:
        target = open_store(resolve_url(args.to), exclusive=True)
        try:
            report = copy_database(source, target, _Progress() if not args.json else None)
        finally:
            target.close()
    finally:
        source.close()
    if args.json:
        json.dump(report.as_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for table in report.tables:
            print(f"{table.table:<28} {table.source_rows:>10,} rows  {'ok' if table.verified else 'MISMATCH'}")
        print(f"Copied {report.rows:,} rows from {report.source} to {report.target}; every count verified.")
    return 0


class _Progress:
    """One line per table on stderr, so a long copy shows it is moving."""

    def __init__(self) -> None:
        self._table = ""

    def __call__(self, table: str, done: int, total: int) -> None:
        if table != self._table:
            self._table = table
            print(f"copying {table} ({total:,} rows) …", file=sys.stderr, flush=True)
