"""`qtc-desktop export`, `reimport` and `export-layout`, in process, each test on its own copy of the
sample database: JSON shapes, exit codes (0 done, 1 refused or in conflict, 2 usage), dry runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qtc_desktop.cli import main
from qtc_desktop.store.database import ENV_DATABASE_URL


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach the user's real database or log folder."""
    monkeypatch.setenv(ENV_DATABASE_URL, str(tmp_path / "env-default.sqlite3"))
    monkeypatch.setattr("qtc_desktop.crash_log.crash_log_dir", lambda: tmp_path / "logs")


@pytest.fixture(scope="module")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite3"
    assert main(["--db", str(path), "sample-data"]) == 0
    return path


@pytest.fixture
def db(tmp_path: Path, sample_database: Path) -> str:
    path = tmp_path / "orders.sqlite3"
    shutil.copyfile(sample_database, path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, *argv])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    return code, out, err


def ok_json(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> Any:
    code, out, err = run(capsys, db, *argv, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def orders(capsys: pytest.CaptureFixture[str], db: str, status: str | None = None) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = ok_json(capsys, db, "orders")
    return [order for order in listed if status is None or order["status"] == status]


def show(capsys: pytest.CaptureFixture[str], db: str, number: str) -> dict[str, Any]:
    document: dict[str, Any] = ok_json(capsys, db, "order", "show", number)
    return document


def type_into(path: Path, sheet: str, number: str, header: str, value: object) -> None:
    """An ERP user's edit: the order's row, the column under `header`, typed over (text stays text)."""
    book = openpyxl.load_workbook(path)
    rows = book[sheet]
    headers = [cell.value for cell in rows[1]]
    row = next(index for index, values in enumerate(rows.iter_rows(min_row=2, values_only=True), start=2)
               if values[0] == number)
    cell = rows.cell(row, headers.index(header) + 1)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    book.save(path)
    book.close()


def exported(capsys: pytest.CaptureFixture[str], db: str, path: Path, count: int = 2) -> list[str]:
    """Export the first `count` ready orders in the generic layout; their numbers."""
    numbers = [order["number"] for order in orders(capsys, db, "ready")[:count]]
    result = ok_json(capsys, db, "export", str(path), "--orders", ",".join(numbers))
    assert result["orders"] == sorted(numbers)
    return sorted(numbers)


def test_export_writes_the_workbook_and_prints_the_batch(capsys: pytest.CaptureFixture[str], db: str,
                                                         tmp_path: Path) -> None:
    ready = orders(capsys, db, "ready")[:2]
    confirmed = orders(capsys, db, "confirmed")[0]
    # Ids and numbers, as the coordinator types either.
    result = ok_json(capsys, db, "export", str(tmp_path / "erp.xlsx"), "--layout", "odoo", "--orders",
                     f"{ready[0]['id']},{ready[1]['number'].lower()}, {confirmed['number']}", "--csv")
    assert set(result) == {"batch", "file", "layout", "orders", "lines", "csv"}
    assert result["batch"] == 1 and result["layout"] == "odoo" and result["file"] == str(tmp_path / "erp.xlsx")
    assert result["orders"] == sorted([ready[0]["number"], ready[1]["number"], confirmed["number"]])
    assert result["lines"] == ready[0]["lines"] + ready[1]["lines"] + confirmed["lines"]
    assert result["csv"] == [str(tmp_path / "erp-Sales-Orders.csv")]
    assert Path(result["file"]).exists() and Path(result["csv"][0]).exists()
    statuses = {order["number"]: order["status"] for order in orders(capsys, db)}
    assert [statuses[order["number"]] for order in ready] == ["sent_to_erp", "sent_to_erp"]
    assert statuses[confirmed["number"]] == "confirmed"

    code, out, err = run(capsys, db, "export", str(tmp_path / "again.xlsx"), "--orders", ready[0]["number"])
    assert (code, err) == (0, "")
    assert out.startswith(f"{tmp_path / 'again.xlsx'}: 1 order(s), {ready[0]['lines']} line(s) in layout generic")


def test_export_changed_takes_what_changed_since_the_erp_saw_it(capsys: pytest.CaptureFixture[str], db: str,
                                                               tmp_path: Path) -> None:
    listed = orders(capsys, db)
    expected = sorted(order["number"] for order in listed if order["status"] == "ready" or (
        order["changed_since_export"] and order["status"] in ("sent_to_erp", "confirmed")))
    result = ok_json(capsys, db, "export", str(tmp_path / "changed.xlsx"), "--changed", "--layout", "erpnext")
    assert result["orders"] == expected and expected
    code, out, err = run(capsys, db, "export", str(tmp_path / "none.xlsx"), "--changed", "--json")
    assert (code, out) == (1, "") and "There are no orders to export." in err
    assert not (tmp_path / "none.xlsx").exists()
    assert ok_json(capsys, db, "order", "set", expected[0], "carrier=FedEx Priority")["number"] == expected[0]
    assert ok_json(capsys, db, "export", str(tmp_path / "one.xlsx"), "--changed")["orders"] == [expected[0]]


@pytest.mark.parametrize("argv, message", [
    (["--layout", "sap", "--orders", "1"], "There is no export layout 'sap' (layouts: generic, odoo, erpnext)."),
    (["--orders", "99999"], "There is no order 99999."),
])
def test_export_refusals_exit_1_and_write_nothing(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path,
                                                  argv: list[str], message: str) -> None:
    code, out, err = run(capsys, db, "export", str(tmp_path / "erp.xlsx"), *argv, "--json")
    assert (code, out) == (1, "") and message in err
    assert list(tmp_path.glob("erp*")) == []


def test_exporting_a_draft_or_into_a_missing_folder_is_refused(capsys: pytest.CaptureFixture[str], db: str,
                                                               tmp_path: Path) -> None:
    draft = orders(capsys, db, "draft")[0]["number"]
    ready = orders(capsys, db, "ready")[0]["number"]
    code, _, err = run(capsys, db, "export", str(tmp_path / "erp.xlsx"), "--orders", f"{ready},{draft}")
    assert code == 1 and f"{draft} is draft" in err
    code, _, err = run(capsys, db, "export", str(tmp_path / "missing" / "erp.xlsx"), "--orders", ready)
    assert code == 1 and "does not exist" in err
    assert orders(capsys, db, "ready")[0]["number"] == ready  # still ready: nothing was recorded


@pytest.mark.parametrize("argv", [[], ["--orders", "1", "--changed"], ["--orders", "1", "--layout"]])
def test_export_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path,
                                    argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, "export", str(tmp_path / "erp.xlsx"), *argv])
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_reimport_applies_the_erp_changes_and_prints_them(capsys: pytest.CaptureFixture[str], db: str,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "erp.xlsx"
    first, second = exported(capsys, db, path)
    carrier = show(capsys, db, first)["header"]["carrier"]
    type_into(path, "Orders", first, "ERP Order Number", "SO-4711")
    type_into(path, "Orders", first, "Carrier", "=UPS")

    preview = ok_json(capsys, db, "reimport", str(path), "--dry-run")
    assert show(capsys, db, first)["header"]["erp_order_number"] is None  # a dry run stores nothing
    result = ok_json(capsys, db, "reimport", str(path))
    assert preview == result
    assert set(result) == {"file", "export", "applied", "conflicts", "errors", "notes"}
    assert result["applied"] == [
        {"order": first, "field": "erp_order_number", "old": None, "new": "SO-4711"},
        {"order": first, "field": "carrier", "old": carrier, "new": "=UPS"}]
    assert (result["conflicts"], result["errors"], result["export"]) == ([], [], 1)
    document = show(capsys, db, first)
    assert (document["header"]["erp_order_number"], document["header"]["carrier"]) == ("SO-4711", "=UPS")
    assert document["status"] == "confirmed"  # the ERP's number confirms an order sent to it
    assert show(capsys, db, second)["header"]["erp_order_number"] is None

    code, out, err = run(capsys, db, "reimport", str(path))  # the same file again: nothing left to do
    assert (code, err) == (0, "") and "nothing changed on the ERP side" in out


def test_a_conflict_exits_1_until_accepted(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "erp.xlsx"
    first, second = exported(capsys, db, path)
    exported_carrier = show(capsys, db, first)["header"]["carrier"]
    exported_po = show(capsys, db, first)["header"]["customer_po"]
    ok_json(capsys, db, "order", "set", first, "carrier=FedEx Priority")
    ok_json(capsys, db, "order", "set", second, "carrier=FedEx Priority")
    type_into(path, "Orders", first, "Carrier", "DB Schenker")
    type_into(path, "Orders", second, "Carrier", "DHL Express")
    type_into(path, "Orders", first, "Customer PO", "PO-ERP-1")

    code, out, err = run(capsys, db, "reimport", str(path), "--json")
    assert (code, err) == (1, "")
    result = json.loads(out)
    assert result["applied"] == [{"order": first, "field": "customer_po", "old": exported_po, "new": "PO-ERP-1"}]
    assert result["conflicts"] == [
        {"order": first, "field": "carrier", "exported": exported_carrier, "current": "FedEx Priority",
         "sheet": "DB Schenker"},
        {"order": second, "field": "carrier", "exported": result["conflicts"][1]["exported"],
         "current": "FedEx Priority", "sheet": "DHL Express"}]
    assert show(capsys, db, first)["header"]["carrier"] == "FedEx Priority"
    assert show(capsys, db, first)["header"]["customer_po"] == "PO-ERP-1"  # what did not conflict is applied

    code, out, _ = run(capsys, db, "reimport", str(path))
    assert code == 1 and f"CONFLICT {first} carrier" in out and f"--accept {first}:carrier" in out

    code, out, _ = run(capsys, db, "reimport", str(path), "--accept", f"{first.lower()}:carrier", "--json")
    result = json.loads(out)
    assert code == 1 and [c["order"] for c in result["conflicts"]] == [second]  # one still waits
    assert result["applied"] == [{"order": first, "field": "carrier", "old": "FedEx Priority", "new": "DB Schenker"}]
    assert show(capsys, db, first)["header"]["carrier"] == "DB Schenker"

    result = ok_json(capsys, db, "reimport", str(path), "--accept-all")
    assert result["applied"] == [{"order": second, "field": "carrier", "old": "FedEx Priority",
                                  "new": "DHL Express"}]
    assert result["conflicts"] == []
    assert show(capsys, db, second)["header"]["carrier"] == "DHL Express"


def test_a_refused_file_exits_1_with_errors_and_stores_nothing(capsys: pytest.CaptureFixture[str], db: str,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "erp.xlsx"
    first, second = exported(capsys, db, path)
    type_into(path, "Orders", first, "Carrier", "UPS Standard")
    type_into(path, "Orders", second, "Ship-to Country", "Germany")
    before = [show(capsys, db, number) for number in (first, second)]
    code, out, err = run(capsys, db, "reimport", str(path), "--json")
    assert (code, err) == (1, "")
    result = json.loads(out)
    assert (result["applied"], result["conflicts"]) == ([], [])
    [error] = result["errors"]
    assert set(error) == {"sheet", "row", "column", "message"}
    assert (error["sheet"], error["row"], error["column"]) == ("Orders", 3, "Ship-to Country")
    assert "'Germany' is not a two-letter country code" in error["message"]
    assert [show(capsys, db, number) for number in (first, second)] == before

    code, out, _ = run(capsys, db, "reimport", str(path))
    assert code == 1 and "ERROR sheet 'Orders', row 3, column 'Ship-to Country':" in out


def test_a_file_that_is_not_an_export_is_refused(capsys: pytest.CaptureFixture[str], db: str,
                                                 tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.save(tmp_path / "empty.xlsx")
    code, out, _ = run(capsys, db, "reimport", str(tmp_path / "empty.xlsx"), "--json", "--dry-run")
    result = json.loads(out)
    assert code == 1 and result["errors"][0]["message"].startswith("this is not a workbook exported by qtc-desktop")
    code, out, _ = run(capsys, db, "reimport", str(tmp_path / "missing.xlsx"))
    assert code == 1 and "ERROR missing.xlsx cannot be opened" in out


def test_reimport_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, "reimport"])
    assert exited.value.code == 2


def test_export_layouts_are_listed_saved_used_and_removed(capsys: pytest.CaptureFixture[str], db: str,
                                                          tmp_path: Path) -> None:
    code, out, _ = run(capsys, db, "export-layout", "columns")
    assert code == 0 and "erp_order_number" in out and "(taken back)" in out
    code, out, err = run(capsys, db, "export-layout", "set", "Pick list", "number=Auftrag", "product_code",
                         "quantity=Menge")
    assert (code, out, err) == (0, "", "")
    layouts = ok_json(capsys, db, "export-layout", "list")
    assert [layout["name"] for layout in layouts] == ["generic", "odoo", "erpnext", "Pick list"]
    assert layouts[-1]["sheets"] == [{"name": "Orders", "rows": "line", "columns": [
        ["number", "Auftrag"], ["product_code", "Product"], ["quantity", "Menge"]]}]
    code, out, _ = run(capsys, db, "export-layout", "list")
    assert code == 0 and "Pick list: Orders (3 columns)" in out

    ready = orders(capsys, db, "ready")[0]["number"]
    result = ok_json(capsys, db, "export", str(tmp_path / "pick.xlsx"), "--layout", "Pick list", "--orders", ready)
    book = openpyxl.load_workbook(tmp_path / "pick.xlsx")
    assert [cell.value for cell in book["Orders"][1]] == ["Auftrag", "Product", "Menge", "qtc key", "qtc version"]
    book.close()
    assert result["layout"] == "Pick list"

    code, _, err = run(capsys, db, "export-layout", "set", "Broken", "number", "colour=Farbe")
    assert code == 1 and "Layout not saved: unknown column(s) colour" in err
    code, _, err = run(capsys, db, "export-layout", "set", "odoo", "number")
    assert code == 1 and "'odoo' is a built-in layout" in err
    assert run(capsys, db, "export-layout", "remove", "Pick list")[0] == 0
    code, _, err = run(capsys, db, "export-layout", "remove", "Pick list")
    assert code == 1 and "There is no saved export layout 'Pick list'." in err
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, "export-layout"])
    assert exited.value.code == 2
