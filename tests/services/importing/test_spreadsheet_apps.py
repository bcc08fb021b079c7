"""Files as a real spreadsheet application saves them: LibreOffice writes xlsx, ods, xls and csv.

Runs where LibreOffice is installed (.ci/run installs it); the files come from a workbook
the test writes, converted by `soffice --headless --convert-to`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from qtc_desktop.domain import QuoteLine
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.store import OpenedStore

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "source.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Quote Lines"
    sheet.append(["Weekly export"])
    sheet.append([])
    sheet.append(["Quote Number", "Account Name", "Product Code", "Quantity", "Net Price", "Net Total",
                  "Start Date", "Notes"])
    sheet.append(["Q-LO-1", "Société Générale des Eaux", "HW-1", 3, 19.99, "=D4*E4", dt.date(2026, 2, 28), "Dock B"])
    sheet.append(["Q-LO-1", "Société Générale des Eaux", "SUB-2", 12, 8.5, "=D5*E5", dt.date(2026, 3, 1), None])
    sheet.append([None, None, None, None, "Total", "=SUM(F4:F5)"])
    workbook.create_sheet("Terms").append(["Net 30"])
    workbook.save(source)
    workbook.close()
    files = {}
    home = folder / "profile"  # LibreOffice needs a writable profile of its own
    for target in ("xlsx", "ods", "xls", "csv"):
        out = folder / target
        out.mkdir()
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{home}", "--headless", "--convert-to",
                        target, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=str(folder)))
        files[target] = out / f"source.{target}"
    return files


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls", "csv"])
def test_files_saved_by_libreoffice_import_with_their_formula_results(
        store: OpenedStore, saved_by_libreoffice: dict[str, Path], kind: str) -> None:
    path = saved_by_libreoffice[kind]
    with store.transaction() as session:
        result = import_file(session, path, who="tester")
    assert result.ok, result.problems
    quote = result.quotes[0]
    assert (quote.number, quote.account, quote.lines) == ("Q-LO-1", "Société Générale des Eaux", 2)
    assert quote.net_total == Decimal("161.97")  # 3 x 19.99 + 12 x 8.5, from the saved formula results
    with store.session() as session:
        lines = session.execute(select(QuoteLine).order_by(QuoteLine.line_no)).scalars().all()
    assert [line.net_total for line in lines] == [Decimal("59.97"), Decimal("102.00")]
    assert lines[0].start_date == dt.date(2026, 2, 28) and lines[1].start_date == dt.date(2026, 3, 1)
    assert lines[0].extra == {"Notes": "Dock B"}
