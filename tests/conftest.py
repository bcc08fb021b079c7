"""Fixtures shared by the tests that need no Qt: a migrated store in a temporary file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sqlalchemy.engine import URL

from qtc_desktop.services.sample_data import SampleSummary, load_sample_data
from qtc_desktop.store import OpenedStore, open_store, resolve_url
from databases import PostgresDatabases, postgres_or_skip, postgresql_required, postgresql_url

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


def pytest_configure(config: pytest.Config) -> None:
    if postgresql_required() and postgresql_url() is None:
        raise pytest.UsageError("QTC_TEST_REQUIRE_POSTGRESQL is set but QTC_TEST_POSTGRESQL_URL is not: "
                                "start a server with `eval \"$(bash .ci/postgres.sh)\"`")


@pytest.fixture(scope="session")
def engine_name() -> str:
    """SQLite, unless the test folder's conftest runs its tests on both engines."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    base = postgresql_url()
    if base is None:
        yield None
        return
    databases = PostgresDatabases(base)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture(scope="session")
def db_template() -> str | None:
    """The PostgreSQL template a test's database is copied from (None: empty and migrated)."""
    return None


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.sqlite3"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, engine_name: str,
           postgres_databases: PostgresDatabases | None) -> Iterator[URL]:
    """The test's own database: a new SQLite file, or a new PostgreSQL database."""
    if engine_name == "sqlite":
        yield resolve_url(str(request.getfixturevalue("db_path")))
        return
    databases = postgres_or_skip(postgres_databases)
    url = databases.create(request.getfixturevalue("db_template"))
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture
def new_db_url(tmp_path: Path, engine_name: str,
               postgres_databases: PostgresDatabases | None) -> Iterator[Callable[[str], URL]]:
    """Makes more databases of the test's engine, e.g. for a second store; named for SQLite."""
    made: list[URL] = []

    def make(name: str) -> URL:
        if engine_name == "sqlite":
            return resolve_url(str(tmp_path / f"{name}.sqlite3"))
        made.append(postgres_or_skip(postgres_databases).create())
        return made[-1]

    yield make
    for url in made:
        assert postgres_databases is not None
        postgres_databases.drop(url)


@pytest.fixture
def store(db_url: URL) -> Iterator[OpenedStore]:
    """A freshly migrated, empty database, locked as the running app would hold it."""
    opened = open_store(db_url)
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
