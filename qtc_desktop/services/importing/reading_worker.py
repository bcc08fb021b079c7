"""Parses a quote file in a child process, where a hostile file can take down only the child."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import math
import os
import posixpath
import sys
import traceback
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qtc_desktop.services.importing.reading_csv import read_csv
from qtc_desktop.services.importing.reading_parts import SheetParts, WorkbookParts
from qtc_desktop.services.importing.sniffing import (
    OLE2_MAGIC,
    ReadLimits,
    Refused,
    SheetScan,
    claimed_rows,
    container_of,
    guard_zip,
    scan_worksheet,
    zip_kind,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # the type only: parsing goes through defusedxml

# This module imports neither the database layer nor reading.py: the child process starts
# from nothing, and SQLAlchemy alone would add a quarter of a second to every read.

class _XlsxSheet(NamedTuple):
    part: str  # the worksheet's path inside the zip
    hidden: bool


def run(path: str, name: str, limits: ReadLimits, sender: Connection, stderr_path: str,
        first: tuple[str, ...] = (), speculate: bool = False) -> None:
    """The child's entry point: read, send (status, payload) pairs, exit.

    Each worksheet goes as soon as it is read, ("sheet", (its position in the workbook,
    SheetParts)), the sheets named in `first` first; then one final pair: "ok" (payload:
    WorkbookParts, holding the sheets not sent before), "refused" or "damaged" (payload: the
    message for the user), "memory" (payload: ""), or "bug" (payload: a traceback).
    """
    # Rust's "memory allocation failed" and panics go to fd 2; the parent reads them from here.
    with open(stderr_path, "ab", buffering=0) as log:
        os.dup2(log.fileno(), 2)
    # Speculating needs the address-space cap to hold: it is what stops calamine then.
    speculate = _limit_resources(limits) and speculate
    gc.disable()  # a short-lived process whose objects all live until it exits
    outcome: tuple[str, object]
    try:
        outcome = ("ok", read_file(Path(path), name, limits, first,
                                   lambda position, sheet: sender.send(("sheet", (position, sheet))), speculate))
    except Refused as exc:
        outcome = ("refused", str(exc))
    except MemoryError:
        outcome = ("memory", "")
    except (python_calamine.CalamineError, zipfile.BadZipFile, zlib.error, EOFError, OSError,
            ParseError, UnicodeDecodeError, csv.Error) as exc:
        outcome = ("damaged", f"{name} is damaged: {_describe(exc)}")
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        if type(exc).__name__ == "PanicException":
            outcome = ("damaged", f"{name} is damaged: the spreadsheet reader gave up ({exc})")
        else:
            outcome = ("bug", traceback.format_exc())
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", ""))
    finally:
        sender.close()


def _limit_resources(limits: ReadLimits) -> bool:
    """Cap the child's memory and, should the parent die and leave it running, its CPU time;
    whether the address space is capped at limits.max_memory_bytes or below."""
    if sys.platform == "win32":
        return False  # no rlimits; the worksheet scan, the cell limit and the parent's timeout remain
    import resource

    wanted = [(resource.RLIMIT_AS, limits.max_memory_bytes),
              (getattr(resource, "RLIMIT_DATA", None), limits.max_memory_bytes),
              (resource.RLIMIT_CPU, math.ceil(limits.max_seconds) + 10)]
    for limit, value in wanted:
        if limit is None:
            continue
        try:
            _, hard = resource.getrlimit(limit)
            resource.setrlimit(limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
        except (OSError, ValueError):
            pass  # macOS refuses some limits; the parent's wall-clock timeout still applies
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY and soft <= limits.max_memory_bytes


def _describe(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile) and "not a zip file" in str(exc):
        return "it is not a complete zip archive (was it cut short while downloading or copying?)"
    return str(exc) or type(exc).__name__


Deliver = Callable[[int, SheetParts], None]


def read_file(path: Path, name: str, limits: ReadLimits, first: tuple[str, ...] = (),
              deliver: Deliver | None = None, speculate: bool = False) -> WorkbookParts:
    """Every worksheet of an xlsx, xlsm, ods or xls file, or the one sheet of a CSV file.

    With `deliver`, each worksheet of a spreadsheet is handed to it (with its position) as
    soon as it is read, those named in `first` first, and left out of what is returned.
    speculate: parse sheets while they are scanned (see _read_sheets); only in a child process.
    """
    with path.open("rb") as file:
        container = container_of(file.read(len(OLE2_MAGIC)))
    if container is None:
        return read_csv(path, name, limits)
    return read_spreadsheet(path, name, limits, container, first, deliver, speculate)


def read_spreadsheet(path: Path, name: str, limits: ReadLimits, container: str, first: tuple[str, ...] = (),
                     deliver: Deliver | None = None, speculate: bool = False) -> WorkbookParts:
    """Every worksheet of an xlsx, xlsm, ods or xls file, with cells at A1 origin (see read_file)."""
    kept: list[tuple[int, SheetParts]] = []
    xlsx_sheets: dict[str, _XlsxSheet] = {}
    date1904 = False
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        scans = _Scans(None, {}, name, limits)  # xls and ods: no worksheet XML to scan
        if container == "ole2":
            kind = "xls"
        else:
            zf = stack.enter_context(zipfile.ZipFile(path))
            guard_zip(zf, name, limits)
            kind = zip_kind(zf, name)
            if kind != "ods":
                date1904, xlsx_sheets = _xlsx_structure(zf, name)
                scans = _Scans(zf, xlsx_sheets, name, limits, extent=not speculate)
        if kind == "xlsm":
            notes.append("Macro-enabled workbook: its macros were not run")
        if date1904:
            notes.append("The workbook uses the 1904 date system (from old Excel for Mac)")
        try:
            count = _read_sheets(path, name, scans, xlsx_sheets, limits, notes, first,
                                 deliver or (lambda position, sheet: kept.append((position, sheet))), speculate)
        except python_calamine.PasswordError:
            raise Refused(f"{name} is password-protected; save it without a password and try again") from None
        except python_calamine.CalamineError:
            # Excel's "Encrypt with Password" wraps an xlsx in an OLE2 file calamine takes for xls.
            if kind == "xls" and "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
                raise Refused(f"{name} is password-protected; save it without a password and try again") from None
            raise
    if not count:
        raise Refused(f"{name} has no worksheets")
    return WorkbookParts(kind, [sheet for _, sheet in sorted(kept, key=lambda pair: pair[0])], date1904, notes)


class _Scans:
    """Each xlsx worksheet's scan (see sniffing.scan_worksheet), made once.

    Reading speculatively (see _read_sheets), the scans leave out the extent check: the
    memory limit then guards calamine, and _cells refuses a rectangle over the cell limit.
    """

    def __init__(self, zf: zipfile.ZipFile | None, sheets: dict[str, _XlsxSheet], name: str,
                 limits: ReadLimits, extent: bool = True) -> None:
        self._zf, self._name, self._limits, self._extent = zf, name, limits, extent
        # Matched as calamine may match them; a sheet left unscanned would be unguarded.
        members = {member.lower(): member for member in zf.namelist()} if zf is not None else {}
        self._parts = {sheet: members.get(found.part.replace("\\", "/").lower()) for sheet, found in sheets.items()}
        self._done: dict[str, SheetScan] = {}
        self._extent_checked: set[str] = set()

    def of(self, sheet: str, *, extent: bool | None = None) -> SheetScan:
        wanted = self._extent if extent is None else extent
        found = self._done.get(sheet)
        if found is None or (wanted and sheet not in self._extent_checked):
            part = self._parts.get(sheet)
            found = self._done[sheet] = (scan_worksheet(self._zf, part, sheet, self._name, self._limits, extent=wanted)
                                         if self._zf is not None and part is not None else SheetScan())
            if wanted:
                self._extent_checked.add(sheet)
        return found

    def claimed_rows(self, sheet: str) -> int:
        part = self._parts.get(sheet)
        return claimed_rows(self._zf, part) if self._zf is not None and part is not None else 0

    def all(self) -> None:
        """Scan every worksheet not scanned yet: one that would be refused refuses the file."""
        for sheet in self._parts:
            self.of(sheet)

    def refuse_any(self) -> None:
        """Scan every worksheet, extent included: when calamine fails, a sheet the scan refuses
        is refused (as when every scan came first), not reported damaged."""
        for sheet in self._parts:
            self.of(sheet, extent=True)


_MAIN_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def _xlsx_structure(zf: zipfile.ZipFile, name: str) -> tuple[bool, dict[str, _XlsxSheet]]:
    """date1904 and, per worksheet name, its part and whether workbook.xml hides it."""
    workbook, relations = (_parse(zf, part, name) for part in _MAIN_PARTS)
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations.iter()
        if _local(relation.tag) == "Relationship" and relation.get("Type", "").endswith("/worksheet")
    }
    date1904 = False
    sheets: dict[str, _XlsxSheet] = {}
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "workbookPr":
            date1904 = element.get("date1904", "").strip().lower() in ("1", "true")
        elif tag == "sheet":
            relation = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            target = targets.get(relation)
            if target is not None:  # chart sheets and dialog sheets have other relation types
                part = target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                hidden = element.get("state", "visible") in ("hidden", "veryHidden")
                sheets[element.get("name", "")] = _XlsxSheet(part, hidden)
    return date1904, sheets


def _parse(zf: zipfile.ZipFile, part: str, name: str) -> Element:
    try:
        data = zf.read(part)
    except KeyError:
        raise Refused(f"{name} is damaged: it has no {part}") from None
    try:
        # defusedxml, never xml.etree: it refuses DTDs, entity expansion and external entities.
        root: Element = fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException as exc:
        raise Refused(f"{name}: part '{part}' was refused as a possible XML attack ({exc})") from None
    except ParseError as exc:
        raise Refused(f"{name} is damaged: part '{part}' is not well-formed XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# python-calamine rather than openpyxl: about 8x faster than openpyxl's read-only mode, and it
# reads ods and xls too. openpyxl's read-only mode also trusts the sheet's <dimension ref>:
# written as C5:D6 over data reaching H8, it silently returns 6 rows of 4 columns.
def _read_sheets(path: Path, name: str, scans: _Scans, xlsx_sheets: dict[str, _XlsxSheet], limits: ReadLimits,
                 notes: list[str], first: tuple[str, ...], deliver: Deliver, speculate: bool) -> int:
    """Deliver each worksheet with its position (those named in `first` first, then by the rows
    they claim, most first), each once its scan has passed; how many there were.

    calamine parses on a second thread, without holding the GIL. Safely (speculate False),
    it parses a sheet only after the scan has passed it. Speculatively, every parse is queued
    at once and runs while this thread scans: a sheet whose cells would make calamine
    allocate without bound then kills this process before its scan can refuse it, and
    reading.py reads the file again safely to say why. A sheet the scan refuses refuses the
    file even when calamine fails on an earlier sheet, as when every scan came first.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException:
        scans.refuse_any()
        raise
    worksheets: list[tuple[int, python_calamine.SheetMetadata]] = []
    for position, meta in enumerate(book.sheets_metadata):
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            kind = _sheet_type(meta.typ)
            notes.append(f"Sheet '{meta.name}' was skipped: it is a {kind}, not a worksheet")
            continue
        worksheets.append((position, meta))
    # Those named in `first`, then those that claim the most rows: the work the caller does on a
    # sheet as it arrives grows with its rows, and is best done while calamine parses the rest.
    worksheets.sort(key=lambda found: (found[1].name not in first, -scans.claimed_rows(found[1].name)))
    parser = ThreadPoolExecutor(1, thread_name_prefix="calamine")
    queued: list[Future[python_calamine.CalamineSheet]] = []
    try:
        if speculate:
            queued = [parser.submit(book.get_sheet_by_name, meta.name) for _, meta in worksheets]
        for index, (position, meta) in enumerate(worksheets):
            scans.of(meta.name)
            if speculate and meta.name not in first:
                scans.all()  # the rest too, while calamine parses: this thread then only converts cells
            parsing = queued[index] if speculate else parser.submit(book.get_sheet_by_name, meta.name)
            deliver(position, _sheet_parts(_parsed(parsing, scans), meta, name, scans, xlsx_sheets, limits))
    finally:
        # A refusal or failure is reported at once, not after the parses still queued.
        parser.shutdown(wait=False, cancel_futures=True)
    book.close()  # when every parse has ended; a failure leaves that to the process's end
    scans.all()
    return len(worksheets)


def _parsed(parsing: Future[python_calamine.CalamineSheet], scans: _Scans) -> python_calamine.CalamineSheet:
    try:
        return parsing.result()
    except BaseException:
        scans.refuse_any()
        raise


def _sheet_parts(sheet: python_calamine.CalamineSheet, meta: python_calamine.SheetMetadata, name: str,
                 scans: _Scans, xlsx_sheets: dict[str, _XlsxSheet], limits: ReadLimits) -> SheetParts:
    scan = scans.of(meta.name)
    rows = _cells(sheet, name, scan, limits)
    formulas = tuple(sorted(p for p in scan.formulas_without_value
                            if p[0] < len(rows) and rows and p[1] < len(rows[0])))
    hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible or (
        meta.name in xlsx_sheets and xlsx_sheets[meta.name].hidden)
    return SheetParts(meta.name, rows, hidden, frozenset(scan.hidden_columns), formulas)


_SHARED_TYPES = (str, dt.date, dt.datetime, dt.time)


def _shared_rows(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """The sheet's rows from A1, equal texts and dates shared, '' as None, a row at a time so
    calamine's rows are never all held twice. iter_rows pads rows back to A1, not columns."""
    seen: dict[object, object] = {}
    shared = seen.setdefault
    left = [None] * sheet.start[1] if sheet.start is not None else []
    return [left + [(shared(v, v) if v != "" else None) if v.__class__ in _SHARED_TYPES else v for v in row]
            for row in sheet.iter_rows()]


def _sheet_type(typ: python_calamine.SheetTypeEnum) -> str:
    # "SheetTypeEnum.ChartSheet" -> "chart sheet"; the enum is neither hashable nor named.
    words = str(typ).rpartition(".")[2].replace("Sheet", " sheet")
    return words.lower().strip() if words != "Vba" else "VBA module"


def _cells(sheet: python_calamine.CalamineSheet, name: str, scan: SheetScan,
           limits: ReadLimits) -> list[list[object]]:
    """The sheet's cells from A1, '' made None, error cells as their text, formula cells included.

    calamine's ranges start at the first used cell; to_python(skip_empty_area=False) pads
    them back to A1. Cells holding an error come out as '' from python-calamine, so the
    error text (#DIV/0!, #N/A, ...) is put back from the worksheet XML (xlsx/xlsm only).
    Formulas without a cached value hold nothing, so calamine's range may stop short of
    them; the rectangle is widened to cover them while it stays within the cell limit.
    """
    end = sheet.end
    height, width = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
    if height * width > limits.max_cells:  # xls and ods, which the worksheet scan does not see
        raise Refused(f"{name}: sheet '{sheet.name}' claims {height:,} rows x {width:,} columns; "
                      "that is not a quote export")
    rows = _shared_rows(sheet) if end is not None else []
    if scan.formulas_without_value:
        wide = max(width, 1 + max(column for _, column in scan.formulas_without_value))
        high = max(height, 1 + max(row for row, _ in scan.formulas_without_value))
        if high * wide <= limits.max_cells:
            rows = [row + [None] * (wide - width) for row in rows]
            rows.extend([None] * wide for _ in range(high - height))
    for (row, column), text in scan.errors.items():
        if row < len(rows) and column < len(rows[row]) and rows[row][column] is None:
            rows[row][column] = text
    return rows
