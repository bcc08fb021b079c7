"""`qtc-desktop import`: the JSON shape, exit codes, and a bad file among good ones."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qtc_desktop.cli import main


def make_file(path: Path, quantity: object) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Quote Number", "Account Name", "Product Code", "Quantity", "Net Total"])
    sheet.append([f"Q-{path.stem}", "Acme Corp", "SKU-1", quantity, 1234.5])
    workbook.save(path)
    workbook.close()
    return path


def test_a_rejected_file_stores_nothing_while_the_others_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite3")
    good = make_file(tmp_path / "good.xlsx", 3)
    bad = make_file(tmp_path / "bad.xlsx", "three")
    assert main(["--db", db, "import", str(good), str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    first, second = report["files"]
    assert first["ok"] is True and first["errors"] == []
    assert first["quotes"] == [{"number": "Q-good", "revision": 1, "type": "new", "account": "Acme Corp",
                                "lines": 1, "net_total": "1234.50", "currency": "USD", "status": "created",
                                "changes": []}]
    assert second["ok"] is False
    assert second["errors"][0] == {"sheet": "Sheet", "row": 2, "column": "D",
                                   "message": "Quantity: 'three' is not a number"}
    assert main(["--db", db, "quotes", "--json"]) == 0
    assert [quote["number"] for quote in json.loads(capsys.readouterr().out)] == ["Q-good"]


def test_dry_run_stores_nothing_and_a_second_run_reports_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite3")
    good = make_file(tmp_path / "good.xlsx", 3)
    assert main(["--db", db, "import", str(good), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["quotes"][0]["status"] == "created"
    assert main(["--db", db, "quotes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", db, "import", str(good)]) == 0
    assert "created" in capsys.readouterr().out
    assert main(["--db", db, "import", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["quotes"][0]["status"] == "unchanged"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--db", str(tmp_path / "x.sqlite3"), "import"])
    assert raised.value.code == 2
    with pytest.raises(SystemExit) as raised:
        main(["--db", str(tmp_path / "x.sqlite3"), "import", "f.csv", "--date-order", "ydm"])
    assert raised.value.code == 2


def test_an_unknown_mapping_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_file(tmp_path / "good.xlsx", 3)
    assert main(["--db", str(tmp_path / "x.sqlite3"), "import", str(good), "--mapping", "Nope"]) == 1
    assert "no saved mapping named 'Nope'" in capsys.readouterr().err

