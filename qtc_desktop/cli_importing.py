"""`qtc-desktop import`: accepted quotes from spreadsheet files into the database, or a dry run."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from qtc_desktop.cli_common import EXIT_FAILURE, EXIT_OK, coordinator_name, open_database, print_json


def import_command(args: argparse.Namespace) -> int:
    """Each file in its own transaction; 1 when any file was rejected."""
    from qtc_desktop.services.importing.building import ReadOptions
    from qtc_desktop.services.importing.service import ImportOptions, import_file, preview_file

    options = ImportOptions(mapping=args.mapping,
                            read=ReadOptions(date_order=args.date_order, decimal_comma=args.decimal_comma))
    store = open_database(args, exclusive=not args.dry_run)
    results = []
    try:
        for path in args.files:
            if args.dry_run:
                with store.session() as session:
                    results.append(preview_file(session, path, options))
                    session.rollback()
            else:
                with store.transaction() as session:
                    results.append(import_file(session, path, options, who=coordinator_name()))
    finally:
        store.close()
    if args.json:
        print_json({"files": [result.as_json() for result in results]})
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
