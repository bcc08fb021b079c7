"""Reads a quote file (xlsx, xlsm, ods, xls or CSV) into raw cells, refusing files built to attack."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.importing import reading_worker
from qtc_desktop.services.importing.reading_parts import SheetParts, WorkbookParts
from qtc_desktop.services.importing.sniffing import (
    ReadLimits,
    Refused,
    container_of,
    refuse_known_non_spreadsheets,
)
from qtc_desktop.services.progress import Cancelled, Progress

__all__ = ["RawSheet", "RawWorkbook", "ReadLimits", "UnreadableFile", "read_workbook"]


class UnreadableFile(QtcError):
    """The file cannot, or must not, be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class RawSheet:
    """One worksheet's cells, as the file holds them.

    rows[i][j] is the cell at sheet row i+1, column j+1: A1 origin, every row equally long,
    padded with None. A cell is None, str, float, int, bool, datetime.date,
    datetime.datetime, datetime.time or datetime.timedelta:
    - empty cells and empty strings are None; every CSV cell is a str or None;
    - xlsx/ods numbers arrive as float (a typed 3 is 3.0); xls integers may arrive as int;
    - cells with a date or time number format arrive as date/datetime/time/timedelta,
      converted by calamine with the workbook's date system, 1904 included. A date without
      a date format (or typed as text) arrives as the plain serial number or string;
    - an error cell arrives as its text, "#DIV/0!", "#N/A", ... for xlsx/xlsm (python-calamine
      itself returns "" for them; we put the text back from the sheet XML). In ods and xls
      files they arrive as None.
    - a merged range holds its value in its top-left cell; the other cells are None.
    """

    name: str
    rows: list[list[object]]
    hidden: bool
    hidden_columns: frozenset[int]  # 0-based; xlsx/xlsm only (empty for ods, xls, csv)
    # 0-based (row, column) of formula cells without a cached value, each inside rows;
    # xlsx/xlsm only. Files written by openpyxl and never opened in Excel are like this.
    formulas_without_value: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class RawWorkbook:
    path: Path
    kind: str  # "xlsx", "xlsm", "ods", "xls" or "csv", judged by content, not by file name
    sheets: tuple[RawSheet, ...]  # worksheets only, hidden ones included, in workbook order
    date1904: bool  # xlsx/xlsm workbookPr date1904; needed only for serials without a date format
    notes: tuple[str, ...]  # facts worth showing, e.g. "Read as Windows-1252 text"


_HEAD_BYTES = 4096
_POLL_SECONDS = 0.1  # how soon Cancel takes effect while the child reads
# Where RLIMIT_AS holds (not macOS, not Windows), calamine may parse a sheet before its scan.
_SPECULATE = sys.platform == "linux"


def read_workbook(path: Path, *, limits: ReadLimits = ReadLimits(), progress: Progress | None = None,
                  first: tuple[str, ...] = (), on_sheet: Callable[[RawSheet], None] | None = None) -> RawWorkbook:
    """Every worksheet of the file at path; UnreadableFile when it cannot or must not be read.

    Every file is parsed in a child process under memory and time limits (see
    reading_worker), CSV included: a 200 MB text file is as able to exhaust memory.
    progress, if given, can cancel the read: the child is then killed. on_sheet, if given,
    is called with each worksheet of a spreadsheet as soon as the child has read it (those
    named in `first` first), while the child reads the next: work that needs only that sheet
    can start. It is not called for a CSV file.
    """
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(_HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{name} cannot be opened: {exc.strerror or exc}") from None
    if size == 0:
        raise UnreadableFile(f"{name} is empty")
    if size > limits.max_file_bytes:
        raise UnreadableFile(f"{name} is {_megabytes(size)} MB; files over "
                             f"{_megabytes(limits.max_file_bytes)} MB are not quote exports")
    try:
        if container_of(head) is None:
            refuse_known_non_spreadsheets(name, head)  # before paying for a child process
        delivered: list[tuple[int, RawSheet]] = []

        def arrived(position: int, parts: SheetParts) -> None:
            if any(position == seen for seen, _ in delivered):  # sent again by a second, safe reading
                return
            delivered.append((position, RawSheet(*parts)))
            if on_sheet is not None:
                on_sheet(delivered[-1][1])

        parts = _read_in_child(path, name, limits, progress, first, arrived)
    except Refused as exc:
        raise UnreadableFile(str(exc)) from None
    sheets = tuple(sheet for _, sheet in sorted(delivered, key=lambda pair: pair[0])) + tuple(
        RawSheet(*sheet) for sheet in parts.sheets)
    return RawWorkbook(path, parts.kind, sheets, parts.date1904, tuple(parts.notes))


def _read_in_child(path: Path, name: str, limits: ReadLimits, progress: Progress | None, first: tuple[str, ...],
                   arrived: Callable[[int, SheetParts], None]) -> WorkbookParts:
    """Run reading_worker.run in a fresh interpreter and return what it sends back.

    A hostile workbook can make calamine (Rust) allocate hundreds of GB and abort, which
    no Python code can catch: only a separate process survives that. "spawn", not "fork":
    forking a process that runs Qt threads can deadlock the child. The child's memory is
    capped with RLIMIT_AS/RLIMIT_DATA (POSIX); its wall-clock time is capped here.

    On Linux the child first reads speculatively: it parses each sheet while it scans it,
    trusting the memory limit to stop calamine (a quarter faster). Should it die, a second
    child reads again safely, each sheet scanned before it is parsed: a sheet the scan
    refuses is then refused with the scan's reason, and a file that slips past the scan is
    reported as what killed the reader.

    As with any spawn, the child imports the parent's main script unless it was started
    with -m: scripts calling this need the `if __name__ == "__main__":` guard, and the
    PyInstaller build calls multiprocessing.freeze_support() first (qtc_desktop/__main__.py).
    The spawn costs about 0.05 s; the rows come back pickled through a pipe.
    """
    status, payload, exit_code, stderr = _run_child(path, name, limits, progress, first, arrived,
                                                    speculate=_SPECULATE)
    if _SPECULATE and status in ("died", "memory"):
        status, payload, exit_code, stderr = _run_child(path, name, limits, progress, first, arrived, speculate=False)
    if status == "ok" and isinstance(payload, WorkbookParts):
        return payload
    if status in ("refused", "damaged"):
        raise Refused(str(payload))
    if status == "bug":
        raise RuntimeError(f"reading {name} failed in the child process:\n{payload}")
    if status == "timeout":
        why = f"ran out of time (over {limits.max_seconds:g} s)"
    elif status == "memory" or re.search(rb"memory allocation|MemoryError", stderr):
        why = f"ran out of memory (over {_binary_size(limits.max_memory_bytes)})"
    else:
        why = f"crashed (exit code {exit_code})"
    raise Refused(f"{name} could not be read safely: the reader {why}")


def _run_child(path: Path, name: str, limits: ReadLimits, progress: Progress | None, first: tuple[str, ...],
               arrived: Callable[[int, SheetParts], None], *,
               speculate: bool) -> tuple[str, object, int | None, bytes]:
    """One child's final status and payload ("died" when it ended without a word), its exit code
    and the tail of what it wrote to stderr."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="qtc-read-") as scratch:
        stderr_path = os.path.join(scratch, "stderr.log")
        process = context.Process(target=reading_worker.run, name=f"qtc-read {name}", daemon=True,
                                  args=(str(path), name, limits, sender, stderr_path, first, speculate))
        try:
            process.start()
        finally:
            sender.close()  # the child has its own copy; ours would hide the child's death
        try:
            outcome = _wait_for(process, receiver, limits, progress, arrived)
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()
            exit_code = process.exitcode
            process.close()
        status, payload = outcome if outcome is not None else ("died", None)
        return status, payload, exit_code, _tail(stderr_path) if status in ("died", "memory") else b""


def _wait_for(process: BaseProcess, receiver: Connection, limits: ReadLimits, progress: Progress | None,
              arrived: Callable[[int, SheetParts], None]) -> tuple[str, object] | None:
    """The child's final (status, payload), ("timeout", None), or None when it died without a word;
    each sheet sent before the end goes to `arrived`."""
    deadline = time.monotonic() + limits.max_seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return ("timeout", None)
        ready = wait([receiver, process.sentinel], timeout=min(remaining, _POLL_SECONDS))
        if progress is not None and progress.cancelled:
            raise Cancelled()
        if receiver in ready or (ready and receiver.poll()):
            try:
                outcome: tuple[str, object] = receiver.recv()
            except EOFError:
                return None
            if outcome[0] != "sheet":
                return outcome
            position, sheet = cast(tuple[int, SheetParts], outcome[1])
            arrived(position, sheet)
            continue
        if ready:  # the sentinel alone: the child ended without sending anything
            return None


def _binary_size(size: int) -> str:
    return f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / 2**20:,.0f} MiB"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f}".removesuffix(".0")


def _tail(path: str) -> bytes:
    """The last few KB the child wrote to stderr: Rust's out-of-memory message lands there."""
    try:
        with open(path, "rb") as log:
            log.seek(max(0, os.path.getsize(path) - 4096))
            return log.read()
    except OSError:
        return b""
