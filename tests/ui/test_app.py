"""Starting the real app: a clean offscreen start, and a second instance kept out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from qtc_desktop.store import open_store, resolve_url
from qtc_desktop.ui import app as app_module


def _env(tmp_path: Path) -> dict[str, str]:
    # A home of the test's own: QSettings and the default database stay out of the user's.
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
                XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))


def test_app_starts_shows_the_orders_list_and_closes_without_a_warning(tmp_path) -> None:
    db = tmp_path / "start.sqlite3"
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "qtc_desktop", "--db", str(db), "sample-data"],
                   check=True, env=env, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "qtc_desktop", "--db", str(db), "--quit-after", "0"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == ""
    settings = tmp_path / "config" / "qtc-desktop" / "qtc-desktop.conf"
    assert "window" in settings.read_text()  # the window saved its state on the way out


def test_default_database_is_created_in_the_user_data_directory(tmp_path) -> None:
    env = _env(tmp_path)
    env.pop("QTC_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "qtc_desktop", "--quit-after", "0"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "qtc-desktop" / "qtc-desktop.sqlite3").is_file()


def test_a_second_instance_is_told_the_database_is_in_use(qapp, tmp_path, monkeypatch) -> None:
    db = tmp_path / "locked.sqlite3"
    first = open_store(resolve_url(str(db)))
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    try:
        assert app_module.run_app(db=str(db)) == 1
    finally:
        first.close()
    assert len(messages) == 1
    assert str(db) in messages[0] and "open in another qtc-desktop" in messages[0]
    assert f"pid {os.getpid()}" in messages[0]


def test_an_unreachable_server_at_start_is_said_in_a_sentence(qapp, monkeypatch) -> None:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert app_module.run_app(db="postgresql+psycopg://dana@127.0.0.1:9/qtc") == 1
    assert len(messages) == 1
    assert messages[0].startswith("Cannot open the database postgresql+psycopg://dana@127.0.0.1:9/qtc")


def test_a_connection_lost_in_a_slot_is_a_warning_not_a_crash(qapp, monkeypatch, tmp_path) -> None:
    from sqlalchemy.exc import OperationalError

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(("warning", text)))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(("critical", text)))
    monkeypatch.setattr(app_module, "write_crash_log", lambda exc: pytest.fail("a lost connection is no crash"))
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    lost.connection_invalidated = True
    app_module._show_unexpected_error("db.example/qtc", OperationalError, lost, None)
    assert len(shown) == 1 and shown[0][0] == "warning"
    assert "The connection to the database db.example/qtc was lost" in shown[0][1]
    assert "Open windows keep what you typed" in shown[0][1]
