"""Reads a CSV or text export into one sheet of text cells, in the reader child process."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qtc_desktop.services.importing.reading_parts import SheetParts, WorkbookParts
from qtc_desktop.services.importing.sniffing import (
    DELIMITER_NAMES,
    ReadLimits,
    Refused,
    decode_text,
    explicit_delimiter,
    sniff_delimiter,
)

_CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")


def read_csv(path: Path, name: str, limits: ReadLimits) -> WorkbookParts:
    """One sheet named after the file, every cell a str or None, rows padded to one width."""
    try:
        text, encoding = decode_text(path.read_bytes())
    except ValueError:
        raise Refused(f"{name} is neither a spreadsheet nor a text file") from None
    notes = [f"Read as {encoding} text"]
    if path.suffix.lower() not in _CSV_SUFFIXES:
        notes.append(f"Read as CSV although it is named {path.suffix or 'without an extension'}")
    delimiter = explicit_delimiter(text)
    if delimiter is not None:
        text = text.partition("\n")[2]
    else:
        delimiter = sniff_delimiter(text)
    if delimiter is None:
        delimiter = ","
        notes.append("One column only: no commas, semicolons, tabs or vertical bars separate columns")
    else:
        notes.append(f"Columns separated by {DELIMITER_NAMES.get(delimiter, repr(delimiter))}")
    rows: list[list[object]] = []
    seen: dict[str, str] = {}
    shared = seen.setdefault  # equal texts as one object, as reading_worker._shared_rows does
    width = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            rows.append([shared(field, field) if field else None for field in record])
            width = max(width, len(record))
            if len(rows) * width > limits.max_cells:
                raise Refused(f"{name} holds more than {limits.max_cells:,} cells; "
                              "that is not a quote export")
    except csv.Error as exc:
        raise Refused(f"{name} is damaged near line {reader.line_num:,}: {exc}") from None
    for row in rows:
        row.extend([None] * (width - len(row)))
    return WorkbookParts("csv", [SheetParts(path.stem, rows, False, frozenset(), ())], False, notes)
