"""Importing whole files as a coordinator gets them: right quotes, or the right error and nothing stored."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from sqlalchemy import func, select

from qtc_desktop.domain import Account, ChangeRecord, Quote, QuoteLine, QuoteType
from qtc_desktop.services.importing.building import ReadOptions
from qtc_desktop.services.importing.service import ImportOptions, import_file, preview_file, save_mapping
from qtc_desktop.store import OpenedStore

HEADERS = ["Quote Number", "Account Name", "Product Code", "Product Name", "Quantity", "Net Price",
           "Net Total", "Start Date", "End Date"]
LINES = [
    ["Q-1001", "Northwind Traders Ltd", "HW-SRV-R220", "Rack Server", 2, 6000.5, 12001, dt.date(2026, 1, 5), None],
    ["Q-1001", "Northwind Traders Ltd", "SUB-CLOUD-STD", "Cloud Mgmt", 10, 96, 960, dt.date(2026, 1, 5), dt.date(2027, 1, 4)],
    ["Q-1002", "Contoso GmbH", "SVC-INSTALL", "Installation", 1.5, 1250, 1875, None, None],
]


def write_xlsx(path: Path, rows: list[list[object]], *, title_rows: int = 0, sheet: str = "Quote Lines",
               extra_sheets: dict[str, list[list[object]]] | None = None, epoch: object = None) -> Path:
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    worksheet = workbook.active
    worksheet.title = sheet
    for index in range(title_rows):
        worksheet.append(["Accepted quotes export" if index == 0 else None])
    if title_rows:
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        worksheet.append(row)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    workbook.save(path)
    workbook.close()
    return path


def run(store: OpenedStore, path: Path, options: ImportOptions = ImportOptions()):
    with store.transaction() as session:
        return import_file(session, path, options, who="tester")


def count(store: OpenedStore, model: type) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_clean_export_with_title_rows_and_a_terms_sheet(store: OpenedStore, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", [HEADERS, *LINES, [], [None, None, None, "Total", None, None, 14836]],
                      title_rows=3, extra_sheets={"Terms": [["Payment terms"], ["Net 30 days"]]})
    result = run(store, path)
    assert result.ok, result.problems
    assert result.layout is not None and result.layout.sheet.name == "Quote Lines"
    assert result.layout.header_row == 3
    assert any("header in row 4" in note for note in result.notes)
    quotes = {quote.number: quote for quote in result.quotes}
    assert set(quotes) == {"Q-1001", "Q-1002"}
    assert quotes["Q-1001"].lines == 2 and quotes["Q-1001"].net_total == Decimal("12961.00")
    assert quotes["Q-1002"].net_total == Decimal("1875.00") and quotes["Q-1002"].status == "created"
    with store.session() as session:
        line = session.execute(select(QuoteLine).where(QuoteLine.product_code == "SVC-INSTALL")).scalar_one()
        assert line.quantity == Decimal("1.5") and line.net_price == Decimal("1250")
        subscription = session.execute(select(QuoteLine).where(QuoteLine.product_code == "SUB-CLOUD-STD")).scalar_one()
        assert subscription.end_date == dt.date(2027, 1, 4)
        stored = session.execute(select(Quote).where(Quote.number == "Q-1001")).scalar_one()
        assert stored.net_total == Decimal("12961.00") and stored.line_count == 2
        assert stored.account.name == "Northwind Traders Ltd"
        assert session.execute(select(func.count()).select_from(ChangeRecord)
                               .where(ChangeRecord.entity_type == "quote")).scalar_one() == 2


def test_a_bad_cell_rejects_the_file_at_that_cell_and_stores_nothing(store: OpenedStore, tmp_path: Path) -> None:
    rows = [HEADERS, *LINES]
    rows[2] = list(rows[2])
    rows[2][4] = "ten"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    result = run(store, path)
    assert not result.ok
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Quote Lines", 3, "E")
    assert "Quantity" in problem.message and "ten" in problem.message
    assert count(store, Quote) == 0 and count(store, Account) == 0


def test_importing_the_same_file_again_changes_nothing_and_a_changed_one_is_a_revision(
        store: OpenedStore, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "first.xlsx", [HEADERS, *LINES])
    assert run(store, path).ok
    again = run(store, path)
    assert [quote.status for quote in again.quotes] == ["unchanged", "unchanged"]
    assert count(store, Quote) == 2
    changed = [HEADERS, *LINES[:1], [*LINES[1][:4], 12, 96, 1152, *LINES[1][7:]], LINES[2],
               ["Q-1001", "Northwind Traders Ltd", "HW-RAIL-KIT", "Rails", 2, 89, 178, None, None]]
    revised = run(store, write_xlsx(tmp_path / "second.xlsx", changed))
    quote = {q.number: q for q in revised.quotes}["Q-1001"]
    assert quote.status == "revised" and quote.revision == 2
    described = [str(change) for change in quote.changes]
    assert any("SUB-CLOUD-STD" in text and "quantity 10 → 12" in text for text in described)
    assert any("HW-RAIL-KIT added" in text for text in described)
    with store.session() as session:
        revisions = session.execute(select(Quote.revision, Quote.superseded).where(Quote.number == "Q-1001")
                                    .order_by(Quote.revision)).all()
    assert revisions == [(1, True), (2, False)]


def test_european_csv_with_semicolons_decimal_commas_and_day_first_dates(store: OpenedStore, tmp_path: Path) -> None:
    path = tmp_path / "angebote.csv"
    with path.open("w", encoding="cp1252", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Quote Number", "Account Name", "Product Code", "Quantity", "Net Total", "Start Date"])
        writer.writerow(["Q-7", "Müller Maschinenbau GmbH", "HW-SW-48P", "3", "8.670,00 €", "31.01.2026"])
        writer.writerow(["Q-7", "Müller Maschinenbau GmbH", "SVC-PM", "12,5", "1.812,50 €", "01.02.2026"])
    result = run(store, path)
    assert result.ok, result.problems
    assert result.quotes[0].net_total == Decimal("10482.50")
    with store.session() as session:
        lines = session.execute(select(QuoteLine).order_by(QuoteLine.line_no)).scalars().all()
        assert [line.quantity for line in lines] == [Decimal("3"), Decimal("12.5")]
        assert lines[0].start_date == dt.date(2026, 1, 31)
        assert session.execute(select(Account.name)).scalar_one() == "Müller Maschinenbau GmbH"


def test_salesforce_api_headers_bundles_and_amendments(store: OpenedStore, tmp_path: Path) -> None:
    headers = ["Id", "SBQQ__Quote__r.Name", "SBQQ__Quote__r.SBQQ__Account__r.Name", "SBQQ__Quote__r.SBQQ__Account__c",
               "SBQQ__ProductCode__c", "SBQQ__Quantity__c", "SBQQ__PriorQuantity__c", "SBQQ__NetTotal__c",
               "SBQQ__RequiredBy__c", "CurrencyIsoCode", "Custom_Region__c"]
    rows = [headers,
            ["a0B1", "Q-00042", "Fabrikam Inc.", "0015g00000AbCdE", "BUNDLE-NET", 1, 1, 0, None, "EUR", "EMEA"],
            ["a0B2", "Q-00042", "Fabrikam Inc.", "0015g00000AbCdE", "HW-AP-6E", 30, 20, 16200, "a0B1", "EUR", "EMEA"]]
    result = run(store, write_xlsx(tmp_path / "sbqq.xlsx", rows))
    assert result.ok, result.problems
    quote = result.quotes[0]
    assert (quote.number, quote.type, quote.currency, quote.account) == ("Q-00042", "amendment", "EUR", "Fabrikam Inc.")
    with store.session() as session:
        parent, child = session.execute(select(QuoteLine).order_by(QuoteLine.line_no)).scalars().all()
        assert child.parent_line_id == parent.id and child.prior_quantity == Decimal("20")
        assert child.extra == {"Custom_Region__c": "EMEA"}
        assert session.execute(select(Account.external_id)).scalar_one() == "0015g00000AbCdE"
        assert session.execute(select(Quote.type)).scalar_one() is QuoteType.AMENDMENT


def test_dates_in_a_1904_workbook(store: OpenedStore, tmp_path: Path) -> None:
    rows = [HEADERS, ["Q-1", "Acme", "SKU-1", "Widget", 1, 10, 10, dt.date(2026, 3, 5), dt.date(2027, 3, 4)]]
    path = write_xlsx(tmp_path / "mac.xlsx", rows, epoch=CALENDAR_MAC_1904)
    assert run(store, path).ok
    with store.session() as session:
        line = session.execute(select(QuoteLine)).scalar_one()
    assert (line.start_date, line.end_date) == (dt.date(2026, 3, 5), dt.date(2027, 3, 4))


def test_ambiguous_dates_are_asked_for_then_read_as_told(store: OpenedStore, tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("Quote Number,Account Name,Product Code,Quantity,Start Date\nQ-5,Acme,SKU,1,03/04/2026\n",
                    encoding="utf-8")
    first = run(store, path)
    assert not first.ok and first.needs_date_order
    assert count(store, Quote) == 0
    told = run(store, path, ImportOptions(read=ReadOptions(date_order="mdy")))
    assert told.ok
    with store.session() as session:
        assert session.execute(select(QuoteLine.start_date)).scalar_one() == dt.date(2026, 3, 4)


def test_a_saved_mapping_reads_headers_in_another_language(store: OpenedStore, tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_text("Angebot;Kunde;Artikel;Menge;Nettobetrag;Vertriebsgebiet\n"
                    "A-1;Müller AG;HW-1;2;100,00;Süd\n", encoding="utf-8")
    assert not run(store, path).ok
    with store.transaction() as session:
        save_mapping(session, "Angebote DE", {"Angebot": "quote_number", "Kunde": "account_name",
                                              "Artikel": "product_code", "Menge": "quantity",
                                              "Nettobetrag": "net_total"})
    result = run(store, path, ImportOptions(mapping="Angebote DE"))
    assert result.ok, result.problems
    with store.session() as session:
        line = session.execute(select(QuoteLine)).scalar_one()
    assert line.net_total == Decimal("100.00") and line.extra == {"Vertriebsgebiet": "Süd"}


def test_a_formula_without_a_saved_value_is_an_error_at_its_cell(store: OpenedStore, tmp_path: Path) -> None:
    rows = [HEADERS, ["Q-1", "Acme", "SKU-1", "Widget", 2, 10, "=E2*F2", None, None]]
    result = run(store, write_xlsx(tmp_path / "formula.xlsx", rows))
    assert not result.ok
    assert any(p.row == 2 and p.column == "G" and "formula" in p.message for p in result.problems)
    assert count(store, Quote) == 0


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7 not a spreadsheet", b"PK\x03\x04truncated"])
def test_unreadable_files_are_refused_with_a_message(store: OpenedStore, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "quotes.xlsx"
    path.write_bytes(content)
    with store.session() as session:
        result = preview_file(session, path)
    assert not result.ok and "quotes.xlsx" in result.problems[0].message
    assert count(store, Quote) == 0


def test_hidden_columns_are_ignored_and_the_sheet_that_fits_is_chosen(store: OpenedStore, tmp_path: Path) -> None:
    path = tmp_path / "two-sheets.xlsx"
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["Quote Number", "Account Name", "Net Total"])
    summary.append(["Q-9", "Acme", 30])
    lines = workbook.create_sheet("Lines")
    lines.append(["Quote Number", "Account Name", "Product Code", "Quantity", "Quantity (old)", "Net Total"])
    lines.append(["Q-9", "Acme", "SKU-1", 3, "not a number", 30])
    lines.column_dimensions["E"].hidden = True
    workbook.save(path)
    workbook.close()
    result = run(store, path)
    assert result.ok, result.problems
    assert result.layout is not None and result.layout.sheet.name == "Lines"
    assert any("also looked at 'Summary'" in note for note in result.notes)
    with store.session() as session:
        line = session.execute(select(QuoteLine)).scalar_one()
    assert line.quantity == Decimal("3") and line.extra == {}


def test_quote_types_from_a_type_column(store: OpenedStore, tmp_path: Path) -> None:
    rows = [["Quote Number", "Quote Type", "Account Name", "Product Code", "Quantity", "Renewed Contract"],
            ["Q-R1", "Renewal", "Acme", "SUB-1", 10, "C-100"],
            ["Q-C1", "Cancellation", "Acme", "SUB-1", 0, "C-100"],
            ["Q-X1", "Upsell?", "Acme", "SUB-1", 1, None]]
    result = run(store, write_xlsx(tmp_path / "types.xlsx", rows))
    assert [(p.row, p.column) for p in result.problems] == [(4, "B")]
    rows.pop()
    result = run(store, write_xlsx(tmp_path / "types2.xlsx", rows))
    assert {q.number: q.type for q in result.quotes} == {"Q-R1": "renewal", "Q-C1": "cancellation"}
    with store.session() as session:
        assert session.execute(select(Quote.contract_number).where(Quote.number == "Q-R1")).scalar_one() == "C-100"


def test_a_quote_that_disagrees_with_itself_is_an_error_at_the_cell(store: OpenedStore, tmp_path: Path) -> None:
    rows = [HEADERS, LINES[0], ["Q-1001", "Someone Else Ltd", *LINES[1][2:]]]
    result = run(store, write_xlsx(tmp_path / "mixed.xlsx", rows))
    assert [(p.row, p.column) for p in result.problems] == [(3, "B")]
    assert "Northwind Traders Ltd" in result.problems[0].message
