"""Shared fixtures: the 100,000-order SQLite database, made by the app's own sample-data command."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

ORDER_COUNT = 100_000


def orders_db(cache_dir: Path) -> Path:
    """The 100k-order database at the app's current schema: built on first use (~30 s), then reused.

    The schema revision is in the file name, so a new migration means a fresh build by the
    new code, never a migration (and a 190 MB backup) during a timed start.
    """
    from qtc_desktop.store.migrate import HEAD_REVISION

    path = cache_dir / f"orders-100k-{HEAD_REVISION}.sqlite3"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("orders-100k-*.sqlite3"):  # older schemas
        _remove_with_sidecars(stale)
    building = cache_dir / f"building-{path.name}"
    _remove_with_sidecars(building)  # an interrupted build is never reused
    print(f"building {path} ({ORDER_COUNT:,} orders, about 30 s)...", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, "-m", "qtc_desktop", "--db", str(building),
         "sample-data", "--orders", str(ORDER_COUNT)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"sample-data exited {done.returncode}:\n{done.stderr}")
    # Fold any write-ahead log into the file so that renaming the one file moves everything.
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    building.rename(path)
    _remove_with_sidecars(building)
    return path


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
