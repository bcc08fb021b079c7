"""`qtc-desktop history ORDER_ID --json`: every change to an order, with who, what and from where."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from qtc_desktop.cli import main
from qtc_desktop.services.preferences import Preferences, save_preferences


def test_history_lists_creation_edits_and_status_changes_in_order(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    save_preferences(Preferences(coordinator_name="Dana Coordinator"))
    path = tmp_path / "q.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Quote Number", "Account Name", "Product Code", "Quantity"])
    workbook.active.append(["Q-H1", "Acme Corp", "SVC-INSTALL", 2])
    workbook.save(path)
    db = str(tmp_path / "history.sqlite3")
    for command in (["import", str(path)], ["order", "create", "Q-H1"],
                    ["order", "set", "FO-000001", "requested_date=2026-12-01", "line.1.quantity=1"],
                    ["order", "status", "FO-000001", "on_hold", "--reason", "Credit check"]):
        assert main(["--db", db, *command]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["--db", db, "history", "FO-000001", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["subject"], r["field"], r["old"], r["new"]) for r in records] == [
        ("FO-000001", "created", None, "Q-H1 rev 1"), ("FO-000001", "requested_date", None, "2026-12-01"),
        ("line 1", "quantity", "2", "1"), ("FO-000001", "status", "draft", "on_hold")]
    assert {r["who"] for r in records} == {"Dana Coordinator"}
    assert {r["order"] for r in records} == {"FO-000001"}
    assert records[-1]["reason"] == "Credit check" and records[-1]["source"] == "user_edit"
    assert main(["--db", db, "history", "FO-999999", "--json"]) == 1
