"""Fixtures for GUI tests: an isolated QSettings file and stores for the window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from qtc_desktop.services.sample_data import load_sample_data  # noqa: E402
from qtc_desktop.store import OpenedStore, open_store, resolve_url  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A settings file of the test's own, so no test sees another's window state."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[OpenedStore]:
    store = open_store(resolve_url(str(tmp_path / "gui.sqlite3")))
    yield store
    store.close()


@pytest.fixture
def filled_store(empty_store: OpenedStore) -> OpenedStore:
    with empty_store.transaction() as session:
        load_sample_data(session, orders=90, seed=11)
    return empty_store
