"""Preferences in one file that the window writes and the command line reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qtc_desktop.cli import main
from qtc_desktop.services.preferences import Preferences, load_preferences, os_user, save_preferences


def test_saved_preferences_load_back_and_name_who_changed_things(own_preferences: Path) -> None:
    assert load_preferences() == Preferences()
    assert load_preferences().who == os_user()
    save_preferences(Preferences("  Dana Coordinator ", "Letter", "Acme Fulfilment"))
    loaded = load_preferences()
    assert loaded == Preferences("Dana Coordinator", "Letter", "Acme Fulfilment")
    assert loaded.who == "Dana Coordinator"
    assert (own_preferences / "preferences.json").is_file()


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"paper_size": "A0", "coordinator_name": 7}'])
def test_a_damaged_file_gives_the_defaults_not_a_crash(own_preferences: Path, content: str) -> None:
    (own_preferences / "preferences.json").write_text(content, encoding="utf-8")
    assert load_preferences() == Preferences()


def test_the_command_line_names_the_coordinator_in_change_records(tmp_path: Path, own_preferences: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    save_preferences(Preferences(coordinator_name="Dana Coordinator"))
    import openpyxl

    path = tmp_path / "q.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Quote Number", "Account Name", "Product Code", "Quantity"])
    workbook.active.append(["Q-1", "Acme", "SKU-1", 1])
    workbook.save(path)
    db = str(tmp_path / "who.sqlite3")
    assert main(["--db", db, "import", str(path)]) == 0
    assert main(["--db", db, "order", "create", "Q-1", "--json"]) == 0
    capsys.readouterr()
    from sqlalchemy import select

    from qtc_desktop.domain import ChangeRecord
    from qtc_desktop.store import open_store, resolve_url

    store = open_store(resolve_url(db))
    try:
        with store.session() as session:
            assert set(session.execute(select(ChangeRecord.who)).scalars()) == {"Dana Coordinator"}
    finally:
        store.close()
    assert json.loads((own_preferences / "preferences.json").read_text())["coordinator_name"] == "Dana Coordinator"
