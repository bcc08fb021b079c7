"""Reading quote files into raw cells: every format, encoding and delimiter, and hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtc_desktop.services.importing import reading
from qtc_desktop.services.importing.reading import RawSheet, ReadLimits, UnreadableFile, read_workbook
from qtc_desktop.services.importing.reading_csv import read_csv
from qtc_desktop.services.importing.reading_worker import read_file
from qtc_desktop.services.importing.sniffing import Refused, sniff_delimiter
from qtc_desktop.services.progress import Cancelled, Progress

if TYPE_CHECKING:
    from conftest import QuoteFiles


def only_sheet(path: Path, limits: ReadLimits = ReadLimits()) -> RawSheet:
    workbook = read_workbook(path, limits=limits)
    assert len(workbook.sheets) == 1
    return workbook.sheets[0]


def refusal(path: Path, limits: ReadLimits = ReadLimits()) -> str:
    """The message of the UnreadableFile that reading path raises; it names the file first."""
    with pytest.raises(UnreadableFile) as raised:
        read_workbook(path, limits=limits)
    message = str(raised.value)
    assert message.startswith(path.name)
    return message


def rectangular(rows: list[list[object]]) -> bool:
    return len({len(row) for row in rows}) <= 1


# --- xlsx ------------------------------------------------------------------------------


def test_xlsx_cells_arrive_with_calamines_types(quote_files: QuoteFiles) -> None:
    header = ["Quote", "Qty", "Price", "Active", "Start", "Signed at", "Cut-off", "Note", "Term"]
    line = ["Q-1", 3, 2.5, True, dt.date(2026, 7, 1), dt.datetime(2026, 6, 2, 13, 30), dt.time(8, 15), "",
            dt.timedelta(hours=30)]
    workbook = read_workbook(quote_files.xlsx({"Lines": [header, line]}))
    assert (workbook.kind, workbook.date1904, workbook.notes) == ("xlsx", False, ())
    assert workbook.sheets[0].rows == [
        header,
        ["Q-1", 3.0, 2.5, True, dt.date(2026, 7, 1), dt.datetime(2026, 6, 2, 13, 30), dt.time(8, 15), None,
         dt.timedelta(days=1, hours=6)],
    ]


def test_data_starting_at_c5_is_given_from_a1(quote_files: QuoteFiles) -> None:
    sheet = only_sheet(quote_files.xlsx({"Lines": quote_files.quote_lines}, origin=(5, 3)))
    assert len(sheet.rows) == 4 + 3
    assert rectangular(sheet.rows) and len(sheet.rows[0]) == 2 + 5
    assert all(value is None for row in sheet.rows[:4] for value in row)
    assert sheet.rows[4][:3] == [None, None, "Quote Number"]
    assert sheet.rows[6][2:] == ["Q-00042", "GADGET-2", 1.0, 99.0, dt.date(2026, 7, 1)]


def test_hidden_columns_and_hidden_sheets_are_reported(quote_files: QuoteFiles) -> None:
    path = quote_files.xlsx({"Lines": quote_files.quote_lines, "Old": [["x"]], "Lookup": [["y"]]},
                            hidden_columns={"Lines": ["B", "D"]},
                            hidden_sheets={"Old": "hidden", "Lookup": "veryHidden"})
    lines, old, lookup = read_workbook(path).sheets
    assert (lines.hidden, old.hidden, lookup.hidden) == (False, True, True)
    assert lines.hidden_columns == {1, 3}
    assert old.hidden_columns == frozenset()


def test_hidden_column_ranges_count_every_column(quote_files: QuoteFiles) -> None:
    cols = '<cols><col min="2" max="2" width="9"/><col min="5" max="7" hidden="true"/></cols>'
    path = quote_files.minimal_xlsx(quote_files.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', before=cols))
    assert only_sheet(path).hidden_columns == {4, 5, 6}


def test_formulas_without_a_cached_value_are_reported_inside_the_rows(quote_files: QuoteFiles) -> None:
    rows = [["Qty", "Price", "Total"], [2, 1.5, "=A2*B2"], [4, 2.5, "=A3*B3"], [], [None, None, "=SUM(C2:C3)"]]
    sheet = only_sheet(quote_files.xlsx({"Lines": rows}))
    assert sheet.formulas_without_value == ((1, 2), (2, 2), (4, 2))
    # The total row holds nothing calamine sees, yet it is there, empty, for the positions.
    assert len(sheet.rows) == 5 and rectangular(sheet.rows)
    assert [row[2] for row in sheet.rows] == ["Total", None, None, None, None]


def test_formulas_with_a_cached_value_give_the_value(quote_files: QuoteFiles) -> None:
    source = quote_files.xlsx({"Lines": [["Qty", "Price", "Total", "Label"], [2, 1.5, "=A2*B2", '=""']]})

    def save_results(xml: bytes) -> bytes:  # what Excel does when it saves the file
        xml = xml.replace(b"<f>A2*B2</f><v />", b"<f>A2*B2</f><v>3</v>")
        return re.sub(rb'<c r="D2"><f>""</f><v ?/>', b'<c r="D2" t="str"><f>""</f><v></v>', xml)

    path = quote_files.patched(source, "xl/worksheets/sheet1.xml", save_results)
    sheet = only_sheet(path)
    assert sheet.formulas_without_value == ()
    assert sheet.rows[1] == [2.0, 1.5, 3.0, None]


def test_error_cells_arrive_as_their_text(quote_files: QuoteFiles) -> None:
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Net</t></is></c></row>'
             '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="e"><v>#N/A</v></c></row>')
    sheet = only_sheet(quote_files.minimal_xlsx(quote_files.sheet_xml(cells)))
    assert sheet.rows == [["Net", None], ["#DIV/0!", "#N/A"]]
    assert sheet.formulas_without_value == ()


def test_a_1904_workbook_gives_the_right_dates(quote_files: QuoteFiles) -> None:
    rows = [["Start", "Serial"], [dt.date(2026, 7, 1), 45293]]
    workbook = read_workbook(quote_files.xlsx({"Lines": rows}, date1904=True))
    assert workbook.date1904
    assert any("1904" in note for note in workbook.notes)
    # calamine applies the 1904 epoch to date-formatted cells; a bare serial stays a number.
    assert workbook.sheets[0].rows[1] == [dt.date(2026, 7, 1), 45293.0]


def test_date1904_is_read_from_workbook_pr_written_as_true(quote_files: QuoteFiles) -> None:
    workbook_xml = quote_files.workbook_xml.replace(b"<sheets>", b'<workbookPr date1904="true"/><sheets>')
    path = quote_files.minimal_xlsx(quote_files.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'),
                                    workbook=workbook_xml)
    assert read_workbook(path).date1904
    assert not read_workbook(quote_files.quote_xlsx("plain.xlsx")).date1904


def test_a_merged_range_holds_its_value_in_the_top_left_cell(quote_files: QuoteFiles) -> None:
    path = quote_files.xlsx({"Lines": [["Quote Q-1", None, None], ["a", "b", "c"]]}, merged={"Lines": ["A1:C1"]})
    assert only_sheet(path).rows[0] == ["Quote Q-1", None, None]


def test_the_kind_comes_from_the_content_not_the_name(quote_files: QuoteFiles) -> None:
    plain = quote_files.quote_xlsx("quotes.xlsm")
    assert read_workbook(plain).kind == "xlsx"
    renamed = quote_files.quote_xlsx("quotes.csv")
    assert read_workbook(renamed).kind == "xlsx"
    with_macros = quote_files.patched(plain, "xl/vbaProject.bin", lambda _: b"\x00" * 16, "macros.xlsx")
    workbook = read_workbook(with_macros)
    assert workbook.kind == "xlsm"
    assert any("macro" in note.lower() for note in workbook.notes)
    macro_type = quote_files.patched(plain, "[Content_Types].xml", lambda xml: xml.replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"), "typed.xlsx")
    assert read_workbook(macro_type).kind == "xlsm"


def test_chart_sheets_are_skipped_with_a_note(quote_files: QuoteFiles) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "Quote"
    book.create_chartsheet("Chart")
    path = quote_files.folder / "chart.xlsx"
    book.save(path)
    workbook = read_workbook(path)
    assert [sheet.name for sheet in workbook.sheets] == ["Sheet"]
    assert workbook.notes == ("Sheet 'Chart' was skipped: it is a chart sheet, not a worksheet",)


def test_namespace_prefixed_sheet_xml_is_scanned_too(quote_files: QuoteFiles) -> None:
    xml = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<x:cols><x:col min="2" max="2" hidden="1"/></x:cols><x:sheetData>'
           b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1"><x:f>A1*2</x:f></x:c>'
           b'<x:c r="C1" t="e"><x:v>#REF!</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    sheet = only_sheet(quote_files.minimal_xlsx(xml))
    assert (sheet.hidden_columns, sheet.formulas_without_value) == ({1}, ((0, 1),))
    assert sheet.rows == [[1.0, None, "#REF!"]]


# --- ods and xls -----------------------------------------------------------------------


def test_ods_is_read_from_a1_with_hidden_sheets(quote_files: QuoteFiles) -> None:
    path = quote_files.ods({"Lines": [["Quote Number", "Net Total"], ["Q-1", 12.5]], "Secret": [["x"]]},
                           hidden_sheets=["Secret"], blank_rows=2, blank_columns=1)
    workbook = read_workbook(path)
    assert workbook.kind == "ods"
    lines, secret = workbook.sheets
    assert lines.rows == [[None, None, None], [None, None, None],
                          [None, "Quote Number", "Net Total"], [None, "Q-1", 12.5]]
    assert (lines.hidden, secret.hidden) == (False, True)


def test_xls_is_read(quote_files: QuoteFiles) -> None:
    # tests/data/quote_lines.xls was written once with xlwt 1.3 (LibreOffice is not installed):
    # sheet Lines with the header at C5, sheet Secret hidden.
    workbook = read_workbook(quote_files.data / "quote_lines.xls")
    assert workbook.kind == "xls"
    lines, secret = workbook.sheets
    assert lines.rows[4][2:] == ["Quote Number", "Product", "Quantity", "Net Total", "Start Date", "Active"]
    assert lines.rows[5][2:] == ["Q-00042", "Müller Widget €", 3, 1234.5, dt.date(2024, 1, 2), True]
    assert all(value is None for row in lines.rows[:4] for value in row)
    assert (lines.hidden, secret.hidden) == (False, True)


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoding", "separator", "second_row"), [
    ("Quote Number,Product,Qty\nQ-1,Widget,3\n", "utf-8", "commas", ["Q-1", "Widget", "3"]),
    ("Quote Number;Product;Net Total\nQ-1;Widget;1.234,56\nQ-2;Gadget;99,00\n", "utf-8", "semicolons",
     ["Q-1", "Widget", "1.234,56"]),
    ("Quote Number\tProduct\tNet Total\nQ-1\tWidget, large\t12,5\n", "utf-8", "tabs", ["Q-1", "Widget, large", "12,5"]),
    ("Quote Number|Product\nQ-1|Widget;blue\n", "utf-8", "vertical bars", ["Q-1", "Widget;blue"]),
    ("\ufeffQuote Number,Customer\nQ-1,Anna\n", "utf-8", "commas", ["Q-1", "Anna"]),
    ("Quote Number;Customer;Net\r\nQ-1;Müller GmbH;€ 1.234,50\r\n", "cp1252", "semicolons",
     ["Q-1", "Müller GmbH", "€ 1.234,50"]),
    ("\ufeffQuote Number\tCustomer\nQ-1\tŁódź Sp. z o.o.\n", "utf-16-le", "tabs", ["Q-1", "Łódź Sp. z o.o."]),
])
def test_csv_encodings_and_separators(quote_files: QuoteFiles, text: str, encoding: str, separator: str,
                                      second_row: list[str]) -> None:
    workbook = read_workbook(quote_files.text("quotes.csv", text, encoding))
    assert (workbook.kind, workbook.date1904) == ("csv", False)
    assert f"Columns separated by {separator}" in workbook.notes
    expected_encoding = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16-le": "UTF-16"}[encoding]
    assert f"Read as {expected_encoding} text" in workbook.notes
    (sheet,) = workbook.sheets
    assert sheet.name == "quotes"
    assert sheet.rows[0][0] == "Quote Number"  # no byte-order mark left in front
    assert sheet.rows[1] == second_row


def test_csv_quoted_fields_keep_newlines_and_separators(quote_files: QuoteFiles) -> None:
    table = [["Quote Number", "Description", "Net Total"],
             ["Q-1", "Line one\nline two, with a comma", "1,5"],
             ["Q-2", 'He said "fine";\r\nthen left', ""]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(table)
    sheet = only_sheet(quote_files.text("quotes.csv", buffer.getvalue()))
    assert sheet.rows == [row[:2] + [row[2] or None] for row in table]
    assert sheet.hidden is False and sheet.hidden_columns == frozenset() and sheet.formulas_without_value == ()


def test_csv_title_rows_ragged_rows_and_blank_lines(quote_files: QuoteFiles) -> None:
    text = "Accepted quotes\n\nQuote Number;Qty;Net\nQ-1;2;3,5\nQ-2;1\n"
    sheet = only_sheet(quote_files.text("export.txt", text))
    assert sheet.rows == [["Accepted quotes", None, None], [None, None, None], ["Quote Number", "Qty", "Net"],
                          ["Q-1", "2", "3,5"], ["Q-2", "1", None]]


def test_csv_separator_is_not_misled_by_a_record_cut_at_the_sample_end(quote_files: QuoteFiles) -> None:
    # Only the first 64 KB are sampled. Read by commas, even the cut third record would look
    # like the two before it (3 columns); read by semicolons it would not (3, not 4).
    records = [f"Q-{n},a;b,c;{'long description ' * 1500};end" for n in range(3)]
    sheet = only_sheet(quote_files.text("long.csv", "\n".join(records) + "\n"))
    assert [len(row) for row in sheet.rows] == [4, 4, 4]
    assert sheet.rows[2][0] == "Q-2,a"


def test_csv_excel_sep_line_names_the_separator(quote_files: QuoteFiles) -> None:
    workbook = read_workbook(quote_files.text("quotes.csv", "sep=|\nQuote,Number|Net\nQ-1|2,5\n"))
    assert workbook.sheets[0].rows == [["Quote,Number", "Net"], ["Q-1", "2,5"]]
    assert "Columns separated by vertical bars" in workbook.notes


def test_csv_of_one_column(quote_files: QuoteFiles) -> None:
    workbook = read_workbook(quote_files.text("numbers.csv", "Quote Number\nQ-1\nQ-2\n"))
    assert workbook.sheets[0].rows == [["Quote Number"], ["Q-1"], ["Q-2"]]
    assert any(note.startswith("One column only") for note in workbook.notes)


def test_text_under_a_spreadsheet_name_is_read_as_csv_with_a_note(quote_files: QuoteFiles) -> None:
    workbook = read_workbook(quote_files.text("quotes.xlsx", "Quote Number,Qty\nQ-1,2\n"))
    assert workbook.kind == "csv"
    assert "Read as CSV although it is named .xlsx" in workbook.notes


@pytest.mark.parametrize(("sample", "expected"), [
    ("a,b;c\nd,e;f\ng,h;i\n", ","),  # a tie in counts goes to the order of preference
    ("Quote;Net\nQ-1;1,5\nQ-2;2,75\nQ-3;3\n", ";"),  # decimal commas vary, semicolons do not
    ("Title only\n\nA\tB\tC\n1\t2\t3\n4\t5\t6\n", "\t"),
    ('"a,b";c\n"d,e";f\n', ";"),
    ("just words here\nand more words\n", None),
])
def test_sniff_delimiter(sample: str, expected: str | None) -> None:
    assert sniff_delimiter(sample) == expected


_TEXT = 'abcXYZ019 .-"\n€ü'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimiter=st.sampled_from([",", ";", "\t", "|"]), width=st.integers(2, 5), data=st.data())
def test_csv_round_trips_whatever_csv_writer_wrote(quote_files: QuoteFiles, delimiter: str, width: int,
                                                  data: st.DataObject) -> None:
    header = st.text(alphabet="abcdefXYZ", min_size=1, max_size=8)
    field = st.text(alphabet=st.sampled_from(_TEXT + delimiter), max_size=12)
    table = [data.draw(st.lists(header, min_size=width, max_size=width))]
    table += data.draw(st.lists(st.lists(field, min_size=width, max_size=width), min_size=1, max_size=6))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table)
    path = quote_files.text("round.csv", buffer.getvalue())
    parts = read_csv(path, path.name, ReadLimits())  # in this process: 60 children would be slow
    assert parts.sheets[0].rows == [[field or None for field in row] for row in table]


# --- files that are not quote files ----------------------------------------------------


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("quotes.xlsx", b"", "quotes.xlsx is empty"),
    ("quotes.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "quotes.xlsx is not a spreadsheet (it looks like a PDF)"),
    ("quotes.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "quotes.csv is not a spreadsheet (it looks like a PNG image)"),
    ("quotes.xls", b"<html><body><table><tr><td>Q-1</td></tr></table></body></html>", "is a web page (HTML)"),
    ("quotes.csv", b"\x00\x01\x02\x03binary\x00\xff", "is neither a spreadsheet nor a text file"),
])
def test_files_that_are_not_spreadsheets(quote_files: QuoteFiles, name: str, data: bytes, expected: str) -> None:
    assert expected in refusal(quote_files.bytes(name, data))


def test_zips_that_are_not_workbooks(quote_files: QuoteFiles) -> None:
    assert "it looks like a zip archive" in refusal(quote_files.zip("quotes.xlsx", {"readme.txt": b"hello"}))
    word = quote_files.zip("letter.xlsx", {"word/document.xml": b"<w:document/>"})
    assert "it looks like a Word document" in refusal(word)
    binary = quote_files.zip("quotes.xlsb", {"xl/workbook.bin": b"\x00"})
    assert ".xlsb" in refusal(binary)


def test_a_truncated_xlsx_is_damaged(quote_files: QuoteFiles) -> None:
    whole = quote_files.quote_xlsx().read_bytes()
    message = refusal(quote_files.bytes("cut.xlsx", whole[: len(whole) // 2]))
    assert message.startswith("cut.xlsx is damaged") and "cut short" in message


def test_a_corrupted_sheet_is_damaged(quote_files: QuoteFiles) -> None:
    source = quote_files.xlsx({"Lines": [[f"Q-{n}", n * 1.5] for n in range(2000)]})
    data = bytearray(source.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + 200  # inside that part's compressed bytes
    data[start: start + 64] = bytes(64)
    assert "is damaged" in refusal(quote_files.bytes("corrupt.xlsx", bytes(data)))


def test_a_workbook_without_sheets(quote_files: QuoteFiles) -> None:
    empty_book = quote_files.workbook_xml.replace(b'<sheet name="Lines" sheetId="1" r:id="rId1"/>', b"")
    path = quote_files.minimal_xlsx(quote_files.sheet_xml(""), workbook=empty_book)
    assert refusal(path) == "quotes.xlsx has no worksheets"


def test_encrypted_files(quote_files: QuoteFiles) -> None:
    member = quote_files.RawMember("xl/worksheets/sheet1.xml", b"\x00" * 40, 0, 40, flags=0x1)
    assert "is encrypted" in refusal(quote_files.raw_zip("locked.xlsx", [member]))
    # Excel's "Encrypt with Password" saves an OLE2 file holding an EncryptedPackage stream.
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le") + bytes(600)
    assert "password-protected" in refusal(quote_files.bytes("protected.xlsx", ole2))


# --- hostile files ---------------------------------------------------------------------


def test_cells_at_a1_and_xfd1048576_are_refused_with_the_scans_reason(
        quote_files: QuoteFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    # A few KB on disk; calamine would allocate 512 GB for it and abort the whole process. On
    # Linux the first reader parses speculatively and dies of it; the second scans first.
    children = spy_on_children(monkeypatch)
    cells = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    message = refusal(quote_files.minimal_xlsx(quote_files.sheet_xml(cells)))
    assert message == ("quotes.xlsx: sheet 'Lines' claims 1,048,576 rows x 16,384 columns; "
                       "that is not a quote export")
    assert children == ([(True, "died"), (False, "refused")] if sys.platform == "linux" else [(False, "refused")])
    assert multiprocessing.active_children() == []


def spy_on_children(monkeypatch: pytest.MonkeyPatch, *,
                    first_dies: bool = False) -> list[tuple[bool, str]]:
    """Each reader child's (speculate, final status), in order. first_dies: the first child's
    outcome, whatever it was, is taken as a death (its sheets have been delivered by then)."""
    children: list[tuple[bool, str]] = []
    real = reading._run_child

    def run_child(*args: Any, speculate: bool) -> tuple[str, object, int | None, bytes]:
        status, payload, exit_code, stderr = real(*args, speculate=speculate)
        children.append((speculate, status))
        if first_dies and len(children) == 1:
            return "died", None, -6, b""
        return status, payload, exit_code, stderr

    monkeypatch.setattr(reading, "_run_child", run_child)
    return children


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux reads speculatively")
def test_a_second_safe_reading_delivers_no_sheet_twice(quote_files: QuoteFiles,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = quote_files.xlsx({"Lines": quote_files.quote_lines, "Notes": [["a"], ["b"]], "Meta": [["k", "v"]]})
    plain = read_workbook(path)
    children = spy_on_children(monkeypatch, first_dies=True)
    arrived: list[RawSheet] = []
    again = read_workbook(path, first=("Meta",), on_sheet=arrived.append)
    assert children == [(True, "ok"), (False, "ok")]
    assert [sheet.name for sheet in arrived] == ["Meta", "Lines", "Notes"]
    assert again == plain


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux reads speculatively")
def test_the_child_speculates_only_where_its_memory_cap_holds() -> None:
    # In a process of its own: the limits are the process's.
    check = ("from qtc_desktop.services.importing.reading_worker import _limit_resources; "
             "from qtc_desktop.services.importing.sniffing import ReadLimits; import resource; "
             "print(_limit_resources(ReadLimits()), resource.getrlimit(resource.RLIMIT_AS)[0])")
    capped = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout.split()
    assert capped == ["True", str(ReadLimits().max_memory_bytes)]
    # Under a hard limit already lower than the cap (ulimit -v), the cap holds too.
    lower = subprocess.run(["sh", "-c", f"ulimit -v 1048576 && {shlex.quote(sys.executable)} -c {shlex.quote(check)}"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert lower == ["True", str(2**30)]


def test_speculative_and_safe_readings_give_the_same_cells(quote_files: QuoteFiles) -> None:
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Net</t></is></c><c r="C1"><f>A2*2</f></c></row>'
             '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="e"><v>#N/A</v></c></row>')
    cols = '<cols><col min="2" max="3" hidden="1"/></cols>'
    paths = [quote_files.minimal_xlsx(quote_files.sheet_xml(cells, before=cols), "scanned.xlsx"),
             quote_files.xlsx({"Lines": quote_files.quote_lines, "Old": [["x"]]}, "two.xlsx",
                              hidden_columns={"Lines": ["B"]}, hidden_sheets={"Old": "hidden"})]
    for path in paths:
        safe, speculative = (read_file(path, path.name, ReadLimits(), speculate=flag) for flag in (False, True))
        assert speculative == safe
    assert safe.sheets[0].hidden_columns == {1}
    scanned = read_file(paths[0], paths[0].name, ReadLimits(), speculate=True).sheets[0]
    assert (scanned.rows, scanned.hidden_columns, scanned.formulas_without_value) == (
        [["Net", None, None], ["#DIV/0!", "#N/A", None]], {1, 2}, ((0, 2),))


def test_a_sheet_over_the_cell_limit_is_refused_when_read_speculatively(quote_files: QuoteFiles) -> None:
    # The speculative scan leaves the extent to calamine's own, checked against the same limit.
    path = quote_files.xlsx({"Lines": [["Quote", "Qty", "Net"]] * 5})
    with pytest.raises(Refused, match=r"sheet 'Lines' claims 5 rows x 3 columns; that is not a quote export"):
        read_file(path, path.name, ReadLimits(max_cells=12), speculate=True)


def test_far_away_cells_without_values_are_not_counted(quote_files: QuoteFiles) -> None:
    # Excel writes styled empty cells and rows far down; calamine ignores them, and so do we.
    cells = ('<row r="1"><c r="A1"><v>1</v></c></row>'
             '<row r="1048576" customHeight="1"><c r="XFD1048576" s="1"/><c r="XFC1048576"><f>A1</f></c></row>')
    sheet = only_sheet(quote_files.minimal_xlsx(quote_files.sheet_xml(cells)))
    assert sheet.rows == [[1.0]]
    assert sheet.formulas_without_value == ()  # too far to widen the rows for; not reported


def test_a_file_that_slips_past_the_scan_only_kills_the_child(quote_files: QuoteFiles) -> None:
    # Spaces around "=" are valid XML the scan does not look for; calamine then asks for
    # 512 GB and aborts, but in the child process, and the message still comes back.
    cells = '<row r = "1048576"><c r = "A1"><v>1</v></c><c r = "XFD1048576"><v>2</v></c></row>'
    message = refusal(quote_files.minimal_xlsx(quote_files.sheet_xml(cells)))
    assert message == "quotes.xlsx could not be read safely: the reader ran out of memory (over 2.0 GiB)"
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux; elsewhere the scan must do")
def test_the_child_memory_limit_holds(quote_files: QuoteFiles) -> None:
    # 1,000 x 16,384 cells is within the cell limit, but not within 256 MiB of memory.
    cells = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000"><c r="XFD1000"><v>2</v></c></row>'
    path = quote_files.minimal_xlsx(quote_files.sheet_xml(cells))
    message = refusal(path, ReadLimits(max_memory_bytes=256 * 2**20))
    assert message == "quotes.xlsx could not be read safely: the reader ran out of memory (over 256 MiB)"


def test_a_zip_bomb_of_1_gib_is_refused_unopened(quote_files: QuoteFiles) -> None:
    minimal = quote_files.minimal_xlsx(quote_files.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    with zipfile.ZipFile(minimal) as archive:
        base = {name: archive.read(name) for name in archive.namelist()}
    bomb = quote_files.raw_zip("bomb.xlsx", [quote_files.zeros_deflated(1024)], base=base)
    assert bomb.stat().st_size < 2_000_000
    message = refusal(bomb)
    assert "part 'xl/sharedStrings.xml' would unpack to 1,073,741,824 bytes" in message
    assert message.endswith("refused as a possible zip bomb")
    packed = quote_files.raw_zip("packed.xlsx", [quote_files.zeros_deflated(20)], base=base)
    assert re.search(r"would unpack [\d,]+ times larger \(the limit is 200\); refused as a possible zip bomb",
                     refusal(packed))
    liar = quote_files.RawMember("xl/styles.xml", b"\x03\x00", 0, 4_000_000_000)
    assert "would unpack to 4,000,000,000 bytes" in refusal(quote_files.raw_zip("liar.xlsx", [liar], base=base))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>"""


def test_entity_expansion_in_workbook_xml_is_refused(quote_files: QuoteFiles) -> None:
    path = quote_files.minimal_xlsx(quote_files.sheet_xml(""), workbook=BILLION_LAUGHS)
    assert refusal(path) == ("quotes.xlsx: part 'xl/workbook.xml' declares an XML document type; spreadsheets "
                             "never need one, so it was refused as a possible attack (entity expansion)")


def test_an_external_entity_in_a_sheet_is_refused(quote_files: QuoteFiles) -> None:
    prolog = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    message = refusal(quote_files.minimal_xlsx(quote_files.sheet_xml(cells, prolog=prolog)))
    assert "part 'xl/worksheets/sheet1.xml' declares an XML document type" in message
    assert message.endswith("(external entities)")


def test_a_dtd_the_byte_scan_cannot_see_meets_defusedxml(quote_files: QuoteFiles) -> None:
    # In UTF-16 the prolog's "<!DOCTYPE" is not those bytes; the parser refuses it instead.
    path = quote_files.minimal_xlsx(quote_files.sheet_xml(""), workbook=BILLION_LAUGHS.replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16"))
    assert "part 'xl/workbook.xml' was refused as a possible XML attack" in refusal(path)


def test_a_dtd_pushed_past_the_first_64_kb_is_refused(quote_files: QuoteFiles) -> None:
    padded = BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * 70_000 + b"-->\n<!DOCTYPE")
    path = quote_files.minimal_xlsx(quote_files.sheet_xml(""), workbook=padded)
    assert "has no XML element in its first 64 KB" in refusal(path)


# --- limits, time and cancelling -------------------------------------------------------


def test_the_cell_limit_applies_to_every_format(quote_files: QuoteFiles) -> None:
    limits = ReadLimits(max_cells=12)
    rows = [["Quote", "Qty", "Net"]] * 5
    assert refusal(quote_files.xlsx({"Lines": rows}), limits).endswith(
        "sheet 'Lines' claims 5 rows x 3 columns; that is not a quote export")
    assert "claims 5 rows x 3 columns" in refusal(quote_files.ods({"Lines": rows}), limits)
    text = "\n".join(",".join(row) for row in rows)
    assert "holds more than 12 cells" in refusal(quote_files.text("quotes.csv", text), limits)
    assert only_sheet(quote_files.xlsx({"Lines": rows[:4]}, "fits.xlsx"), limits).rows == rows[:4]


def test_the_file_size_limit(quote_files: QuoteFiles) -> None:
    path = quote_files.text("quotes.csv", "Quote,Qty\n" * 200_000)
    assert refusal(path, ReadLimits(max_file_bytes=1_000_000)) == (
        "quotes.csv is 2 MB; files over 1 MB are not quote exports")


def test_a_reader_that_takes_too_long_is_stopped(quote_files: QuoteFiles) -> None:
    path = quote_files.quote_xlsx()
    message = refusal(path, ReadLimits(max_seconds=0.001))
    assert message == "quotes.xlsx could not be read safely: the reader ran out of time (over 0.001 s)"
    assert multiprocessing.active_children() == []


def test_cancel_stops_the_reader(quote_files: QuoteFiles) -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        read_workbook(quote_files.quote_xlsx(), progress=progress)
    assert multiprocessing.active_children() == []
    with pytest.raises(Cancelled):
        read_workbook(quote_files.text("quotes.csv", "a,b\n1,2\n"), progress=progress)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="^gone.xlsx cannot be opened: "):
        read_workbook(tmp_path / "gone.xlsx")
