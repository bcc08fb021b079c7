"""The export and reimport cases' fixtures: a sample database holding 50,000 exportable order
lines, the ids of those orders, and (for reimport) that database after one export plus its workbook.

All are built by the app's own code on first use and cached under bench/.cache; the app's
schema revision and the export format are in the file names, so a new migration or format
means a fresh build, never a stale fixture.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ORDER_COUNT = 28_000  # sample data holds ~1.9 exportable lines per order: ~54,000 to pick from
LINE_COUNT = 50_000  # exportable lines to export, whole orders, the first in order number
FIXTURE_VERSION = 1  # bump when what the fixtures hold changes


def export_db(cache_dir: Path) -> Path:
    """A database of ORDER_COUNT sample orders, made by `qtc-desktop sample-data` (~10 s), then reused."""
    from qtc_desktop.store.migrate import HEAD_REVISION

    path = cache_dir / f"export-{ORDER_COUNT // 1000}k-v{FIXTURE_VERSION}-{HEAD_REVISION}.sqlite3"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("export-*.sqlite3"):
        _remove_with_sidecars(stale)
    building = cache_dir / f"building-{path.name}"
    _remove_with_sidecars(building)  # an interrupted build is never reused
    print(f"building {path} ({ORDER_COUNT:,} orders)...", file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "qtc_desktop", "--db", str(building),
                           "sample-data", "--orders", str(ORDER_COUNT), "--seed", "2026"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"sample-data exited {done.returncode}:\n{done.stderr}")
    _settle(building, path)
    return path


def export_ids(db: Path) -> tuple[list[int], int]:
    """The ids of the first exportable orders (by number) holding LINE_COUNT lines, and their line count."""
    from sqlalchemy import create_engine, func, select

    from qtc_desktop.domain import FulfillmentOrder, FulfillmentOrderLine
    from qtc_desktop.services.exporting.service import EXPORTABLE

    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(FulfillmentOrder.id, func.count(FulfillmentOrderLine.id))
                .join(FulfillmentOrderLine, FulfillmentOrderLine.order_id == FulfillmentOrder.id)
                .where(FulfillmentOrder.status.in_(EXPORTABLE))
                .group_by(FulfillmentOrder.id, FulfillmentOrder.number).order_by(FulfillmentOrder.number)).all()
    finally:
        engine.dispose()
    ids: list[int] = []
    lines = 0
    for order_id, count in rows:
        if lines >= LINE_COUNT:
            break
        ids.append(order_id)
        lines += count
    if lines < LINE_COUNT:
        raise RuntimeError(f"{db} holds only {lines:,} exportable lines; raise ORDER_COUNT")
    return ids, lines


def export_once(db: Path, ids: list[int], out: Path) -> dict[str, float]:
    """What `qtc-desktop export OUT --layout generic --orders IDS` does, on `db`; the seconds of each part.

    Opening the store (app start) is not counted: the window has it open when the user exports.
    """
    from qtc_desktop.services.exporting.service import export_orders, orders_to_export
    from qtc_desktop.store import open_store, resolve_url

    store = open_store(resolve_url(str(db)))
    try:
        start = time.perf_counter()
        with store.transaction() as session:
            orders = orders_to_export(session, ids)
            loaded = time.perf_counter()
            result = export_orders(session, orders, out, "generic", who="bench")
            exported = time.perf_counter()
        end = time.perf_counter()
        assert result.lines >= LINE_COUNT, result.lines
    finally:
        store.close()
    return {"seconds": end - start, "load": loaded - start, "export": exported - loaded, "commit": end - exported}


def reimport_fixture(cache_dir: Path) -> tuple[Path, Path]:
    """The export database after one export of the LINE_COUNT lines, and the workbook it wrote.

    Made again whenever the exporting code changes (a digest of it is in the names), so
    the re-import always reads what the current export writes.
    """
    db = export_db(cache_dir)
    stem = f"reimport-{db.stem}-{_exporting_digest()}"
    path, xlsx = cache_dir / f"{stem}.sqlite3", cache_dir / f"{stem}.xlsx"
    if path.exists() and xlsx.exists():
        return path, xlsx
    for stale in cache_dir.glob("reimport-*"):
        if stale.suffix in (".sqlite3", ".xlsx"):
            _remove_with_sidecars(stale)
    building = cache_dir / f"building-{path.name}"
    _remove_with_sidecars(building)
    shutil.copyfile(db, building)
    ids, _ = export_ids(building)
    export_once(building, ids, xlsx)
    _settle(building, path)
    return path, xlsx


def _exporting_digest() -> str:
    import qtc_desktop.services.exporting as package

    digest = hashlib.sha256()
    for source in sorted(Path(package.__file__).parent.glob("*.py")):  # what writes the file, not what reads it
        if source.name.startswith("reimport"):
            continue
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:10]


def _settle(building: Path, path: Path) -> None:
    """Fold the write-ahead log into the file, then rename: an interrupted build is never reused."""
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    building.rename(path)
    _remove_with_sidecars(building)


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
