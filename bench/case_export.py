"""Export 50,000 order lines in the generic layout, load to commit; against bare xlsxwriter writing the same cells."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import statistics
import time
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from export_fixture import _remove_with_sidecars, export_db, export_ids, export_once

NAME = "export"
TARGET = 1.3

_db: Path | None = None
_ids: list[int] = []
_lines = 0
_runs_dir: Path | None = None
# What the floor writes: each sheet's name, columns and rows, taken from one export by ours
# (the same orders' values), in the types the bare library takes. Made in setup, untimed.
_floor_book: list[dict[str, Any]] = []
_floor_meta: dict[str, str] = {}
# Every run's figures, in order (warm-up runs first); extra_report keeps the timed ones.
_records: dict[str, list[dict[str, Any]]] = {"ours": []}
# Filled by the write_xlsx wrapper: the start and end of each write, and (when asked) what it wrote.
_writes: list[tuple[float, float]] = []
_capture: dict[str, Any] = {}

_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False}


def setup(cache_dir: Path) -> None:
    global _db, _ids, _lines, _runs_dir
    _db = export_db(cache_dir)
    _ids, _lines = export_ids(_db)
    _runs_dir = cache_dir / "export-runs"
    _runs_dir.mkdir(exist_ok=True)
    _time_writes()
    # One run of ours, not reported: its cells become the floor's, and its file is compared with the floor's.
    _capture["on"] = True
    try:
        _run_ours()
    finally:
        _capture["on"] = False
    _records["ours"].pop()
    _prepare_floor(_capture.pop("sheets"), _capture.pop("meta"))
    ours_file = _runs_dir / "check-ours.xlsx"
    shutil.copyfile(_runs_dir / "ours.xlsx", ours_file)
    floor()
    _check_same_file(ours_file, _runs_dir / "floor.xlsx")
    ours_file.unlink()
    # The floor's 1.2 million prepared values live in this process, not in the app's: keep the
    # collector from walking them during either side's runs (as the app freezes what its start
    # made). extra_report unfreezes them.
    gc.collect()
    gc.freeze()


def _time_writes() -> None:
    """Wrap the service's write_xlsx to note when the workbook's writing starts and ends (once per process)."""
    from qtc_desktop.services.exporting import service

    original = getattr(service.write_xlsx, "_bench_original", service.write_xlsx)

    def write_xlsx(path: Path, sheets: Sequence[Any], meta: Any, *args: Any) -> None:
        start = time.perf_counter()
        original(path, sheets, meta, *args)
        _writes.append((start, time.perf_counter()))
        if _capture.get("on"):
            _capture["sheets"], _capture["meta"] = sheets, dict(meta)

    write_xlsx._bench_original = original  # type: ignore[attr-defined]
    service.write_xlsx = write_xlsx  # type: ignore[assignment]


def _run_ours() -> dict[str, float]:
    assert _db is not None and _runs_dir is not None, "setup() first"
    db, out = _runs_dir / "ours.sqlite3", _runs_dir / "ours.xlsx"
    _remove_with_sidecars(db)
    out.unlink(missing_ok=True)
    shutil.copyfile(_db, db)  # a fresh copy each run: the export moves orders to "sent to ERP"
    figures = export_once(db, _ids, out)
    start, end = _writes[-1]
    figures["write"] = end - start
    figures["prepare"] = figures["export"] - figures["write"]
    _records["ours"].append(figures)
    return figures


def ours() -> float:
    """orders_to_export + export_orders + commit, timed inside (the database copy before it is not)."""
    return _run_ours()["seconds"]


def floor() -> None:
    """The same workbook from bare xlsxwriter: same sheets, column formats, headers and cells."""
    import xlsxwriter

    assert _runs_dir is not None
    out = _runs_dir / "floor.xlsx"
    workbook = xlsxwriter.Workbook(str(out), _OPTIONS)
    formats = {name: workbook.add_format(spec) for name, spec in _FORMATS.items()}
    for sheet in _floor_book:
        worksheet = workbook.add_worksheet(sheet["name"])
        for column, (width, fmt) in enumerate(sheet["widths"]):
            worksheet.set_column(column, column, width, formats[fmt])
        for column, (header, fmt) in enumerate(sheet["headers"]):
            worksheet.write_string(0, column, header, formats[fmt])
        worksheet.freeze_panes(1, 0)
        for column, source in sheet["validations"]:
            worksheet.data_validation(1, column, max(1, len(sheet["rows"])), column, {
                "validate": "list", "source": source, "ignore_blank": True, "error_type": "warning",
                "error_title": "Not one of the choices", "error_message": "Pick one of the values in the list."})
        writers = [(getattr(worksheet, method), formats.get(fmt) if fmt else None)
                   for method, fmt in sheet["writers"]]
        for row_number, row in enumerate(sheet["rows"], start=1):
            for column, value in enumerate(row):
                if value is not None:
                    write, fmt = writers[column]
                    write(row_number, column, value, fmt)
    meta = workbook.add_worksheet("_qtc")
    meta.set_column(0, 0, 16)
    meta.set_column(1, 1, 60, formats["text"])
    for row_number, (key, value) in enumerate(_floor_meta.items()):
        meta.write_string(row_number, 0, key)
        meta.write_string(row_number, 1, value)
    meta.hide()
    workbook.close()


# The formats a careful script would give these columns (as the app's writer does).
_FORMATS: dict[str, dict[str, Any]] = {
    "header": {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"},
    "key_header": {"bold": True, "font_color": "#808080", "bottom": 1},
    "text": {"num_format": "@"}, "date": {"num_format": "yyyy-mm-dd"}, "quantity": {"num_format": "General"},
    "money": {"num_format": "#,##0.00"}, "integer": {"num_format": "0"},
    "key": {"num_format": "@", "font_color": "#808080"},
}
_WIDTHS = {"text": 18, "date": 12, "quantity": 11, "money": 14, "integer": 7}


def _prepare_floor(sheets: Sequence[Any], meta: dict[str, str]) -> None:
    """Each sheet's layout and its rows as plain lists: str, float, int, datetime, or None for an empty cell."""
    from qtc_desktop.services.exporting.columns import COLUMNS
    from qtc_desktop.services.exporting.layouts import KEY_HEADER, VERSION_HEADER

    _floor_book.clear()
    for sheet in sheets:
        kinds = [COLUMNS[name].kind for name, _ in sheet.layout.columns]
        keys = len(kinds)
        rows = [[_plain(value) for value in row] for row in sheet.rows]
        writers: list[tuple[str, str | None]] = []
        for column in range(keys + 2):
            types = {type(row[column]) for row in rows if row[column] is not None}
            assert len(types) <= 1, f"{sheet.layout.name} column {column} mixes {types}"
            kind = type(None) if not types else types.pop()
            is_key = column >= keys
            if kind is str:
                writers.append(("write_string", "key" if is_key else "text"))
            elif kind is dt.datetime:
                writers.append(("write_datetime", "date"))
            elif kind is float:
                writers.append(("write_number", kinds[column]))
            else:  # int, or a column with no value at all
                writers.append(("write_number", "key" if is_key else None))
        _floor_book.append({
            "name": sheet.layout.name,
            "widths": [(max(_WIDTHS[kind], min(len(header) + 2, 40)), kind)
                       for kind, (_, header) in zip(kinds, sheet.layout.columns)] + [(24, "key"), (11, "key")],
            "headers": [(header, "header") for _, header in sheet.layout.columns]
                       + [(KEY_HEADER, "key_header"), (VERSION_HEADER, "key_header")],
            "validations": [(column, list(COLUMNS[name].choices)) for column, (name, _) in
                            enumerate(sheet.layout.columns) if COLUMNS[name].choices],
            "writers": writers,
            "rows": rows,
        })
    _floor_meta.clear()
    _floor_meta.update(meta)


def _plain(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _check_same_file(ours_file: Path, floor_file: Path) -> None:
    """Both sides must write the same workbook: every part but the creation time, byte for byte."""
    with zipfile.ZipFile(ours_file) as a, zipfile.ZipFile(floor_file) as b:
        names = sorted(set(a.namelist()) | set(b.namelist()))
        differ = [name for name in names if name != "docProps/core.xml"
                  and (name not in a.namelist() or name not in b.namelist() or a.read(name) != b.read(name))]
    if differ:
        raise AssertionError(f"{NAME}: ours and the floor write different workbooks ({', '.join(differ)})")


def extra_report(rows: list[dict[str, Any]]) -> list[str]:
    timed = len(rows[0]["ours_runs"])
    ours = _records["ours"][-timed:]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in ours)

    floor_s = rows[0]["floor"]
    cells = sum(sum(value is not None for value in row) for sheet in _floor_book for row in sheet["rows"])
    shape = ", ".join(f"{sheet['name']} {len(sheet['rows']):,} rows x {len(sheet['writers'])}" for sheet in _floor_book)
    _floor_book.clear()  # 1.2 million values: not kept alive under the cases that run next
    gc.unfreeze()
    return [
        f"{NAME}: {len(_ids):,} orders, {_lines:,} lines; {shape}; {cells:,} cells written",
        f"{NAME}: seconds, median of {timed}",
        f"  ours   {rows[0]['ours']:6.2f} = load (orders_to_export: ids, numbers) {median('load'):.2f} + prepare "
        f"(columns read, batch, statuses, snapshots, rows) {median('prepare'):.2f} + write (write_xlsx) {median('write'):.2f} "
        f"+ commit {median('commit'):.2f}",
        f"  floor  {floor_s:6.2f} (bare xlsxwriter, the same cells)",
        f"  write alone: ours {median('write'):.2f} / floor {floor_s:.2f} = {median('write') / floor_s:.2f}x",
    ]
