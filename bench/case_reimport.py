"""Plan the re-import of the untouched 50,000-line export; against a bare python-calamine read of the same file."""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from export_fixture import _remove_with_sidecars, reimport_fixture

NAME = "reimport"
TARGET = 2.0

_xlsx: Path | None = None
_store: Any = None
_records: dict[str, list[dict[str, Any]]] = {"ours": []}
_reads: list[tuple[float, float]] = []  # the start and end of each read_workbook, from its wrapper
_capture: dict[str, Any] = {}


def setup(cache_dir: Path) -> None:
    global _xlsx, _store
    from qtc_desktop.store import open_store, resolve_url

    db, _xlsx = reimport_fixture(cache_dir)
    runs = cache_dir / "reimport-runs"
    runs.mkdir(exist_ok=True)
    copy = runs / "reimport.sqlite3"
    _remove_with_sidecars(copy)
    shutil.copyfile(db, copy)  # planning stores nothing, but the cached fixture is never opened by the app
    if _store is not None:
        _store.close()
    _store = open_store(resolve_url(str(copy)))
    _reader_bytecode(cache_dir)
    _time_reads()
    _capture["on"] = True
    try:
        ours()
    finally:
        _capture["on"] = False
    _records["ours"].pop()
    _check_same_cells(_capture.pop("workbook"), _read_bare())


def _reader_bytecode(cache_dir: Path) -> None:
    """The reader child is a fresh interpreter: let it load the app's bytecode as an installed build does.

    As cold_start and import: this checkout may set PYTHONDONTWRITEBYTECODE (the child then
    inherits -B), which would make the child compile the app's modules on every read.
    """
    import qtc_desktop

    prefix = str(cache_dir / "pycache")
    os.environ["PYTHONPYCACHEPREFIX"] = prefix  # inherited by the spawned child
    previous = sys.pycache_prefix
    sys.pycache_prefix = prefix
    try:
        compileall.compile_dir(Path(qtc_desktop.__file__).parent, quiet=1)
    finally:
        sys.pycache_prefix = previous


def _time_reads() -> None:
    """Wrap reimport's read_workbook to note when the reading (child process included) starts and ends."""
    from qtc_desktop.services.exporting import reimport

    original = getattr(reimport.read_workbook, "_bench_original", reimport.read_workbook)

    def read_workbook(path: Path, **options: Any) -> Any:
        start = time.perf_counter()
        workbook = original(path, **options)
        _reads.append((start, time.perf_counter()))
        if _capture.get("on"):
            _capture["workbook"] = workbook
        return workbook

    read_workbook._bench_original = original  # type: ignore[attr-defined]
    reimport.read_workbook = read_workbook


def ours() -> float:
    """plan_reimport on the untouched file (what the window's preview and `reimport --dry-run` do), in a new session."""
    from qtc_desktop.services.exporting.reimport import plan_reimport

    assert _store is not None and _xlsx is not None, "setup() first"
    session = _store.session()
    try:
        start = time.perf_counter()
        plan = plan_reimport(session, _xlsx)
        end = time.perf_counter()
    finally:
        session.close()
    if not plan.ok or plan.changes or plan.conflicts or plan.notes:
        raise AssertionError(f"{NAME}: the untouched file should plan no change: {plan.as_json()}")
    read_start, read_end = _reads[-1]
    _records["ours"].append({"seconds": end - start, "read": read_end - read_start,
                             "plan": end - start - (read_end - read_start)})
    return end - start


def _read_bare() -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    assert _xlsx is not None
    workbook = CalamineWorkbook.from_path(str(_xlsx))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def floor() -> None:
    """python-calamine reads every sheet of the file into Python lists, in this process."""
    _read_bare()


def _check_same_cells(ours_book: Any, bare: dict[str, list[list[Any]]]) -> None:
    """The floor reads the same cells our reader hands to the planner (empty strings as None, rows padded)."""
    ours_sheets = {sheet.name: sheet.rows for sheet in ours_book.sheets}
    if list(ours_sheets) != list(bare):
        raise AssertionError(f"{NAME}: sheets differ: {list(ours_sheets)} vs {list(bare)}")
    for name, rows in bare.items():
        width = max((len(row) for row in rows), default=0)
        plain = [[None if cell == "" else cell for cell in row] + [None] * (width - len(row)) for row in rows]
        if plain != ours_sheets[name]:
            differ = next(((i, a, b) for i, (a, b) in enumerate(zip(ours_sheets[name], plain)) if a != b), None)
            raise AssertionError(f"{NAME}: sheet {name}: ours and the floor read different cells "
                                 f"({len(ours_sheets[name]):,} vs {len(plain):,} rows; first difference {differ})")
    _capture["shape"] = {name: (len(rows), max((len(row) for row in rows), default=0)) for name, rows in bare.items()}


def extra_report(rows: list[dict[str, Any]]) -> list[str]:
    timed = len(rows[0]["ours_runs"])
    ours = _records["ours"][-timed:]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in ours)

    shape = ", ".join(f"{name} {height:,} x {width}" for name, (height, width) in _capture.get("shape", {}).items())
    return [
        f"{NAME}: {_xlsx.name if _xlsx else ''}: {shape}",
        f"{NAME}: seconds, median of {timed}",
        f"  ours   {rows[0]['ours']:6.2f} = read (read_workbook: spawned reader child, calamine, checks, "
        f"rows back) {median('read'):.2f} + plan (keys, snapshots, compare) {median('plan'):.2f}",
        f"  floor  {rows[0]['floor']:6.2f} (python-calamine in this process, every sheet to_python)",
        f"  read alone: ours {median('read'):.2f} / floor {rows[0]['floor']:.2f} = "
        f"{median('read') / rows[0]['floor']:.2f}x",
    ]

