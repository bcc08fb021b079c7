"""Fixtures shared by the tests that need no Qt: a migrated store in a temporary file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from qtc_desktop.services.sample_data import SampleSummary, load_sample_data
from qtc_desktop.store import OpenedStore, open_store, resolve_url

# A fixed "today" so sample data (quote numbers carry the year) is the same on every run.
SAMPLE_TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def own_preferences(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test reads and writes preferences of its own, never the user's."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("QTC_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def sample_today() -> dt.date:
    return SAMPLE_TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[OpenedStore]:
    """A freshly migrated, empty database, locked as the running app would hold it."""
    opened = open_store(resolve_url(str(db_path)))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sample_summary(store: OpenedStore, sample_today: dt.date) -> SampleSummary:
    with store.transaction() as session:
        return load_sample_data(session, orders=90, seed=2026, today=sample_today)


@pytest.fixture
def sample_store(store: OpenedStore, sample_summary: SampleSummary) -> OpenedStore:
    """The store holding 90 committed sample orders (and their quotes and accounts)."""
    return store
