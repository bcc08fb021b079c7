"""What every command module shares: exit codes, opening the database, who is working, JSON and tables."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store loads when a command opens it, not when the command line starts
    from qtc_desktop.store import OpenedStore

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def open_database(args: argparse.Namespace, *, exclusive: bool) -> OpenedStore:
    """The store named by --db, else the one the preferences name, else the default."""
    from qtc_desktop.store import open_store, resolve_url

    return open_store(resolve_url(args.db, _preferred_database()), exclusive=exclusive)


def _preferred_database() -> str:
    from qtc_desktop.services.preferences import load_preferences

    return load_preferences().database_url


def coordinator_name() -> str:
    """The coordinator's name from the preferences the window saves, else the OS user."""
    from qtc_desktop.services.preferences import load_preferences

    return load_preferences().who


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    cells = [[("" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
