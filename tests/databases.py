"""Databases for the tests on both engines: SQLite files, and PostgreSQL databases made from templates.

The store and service tests run once on SQLite and once on PostgreSQL. PostgreSQL needs a
server: QTC_TEST_POSTGRESQL_URL names a database on it whose role may create databases
(`.ci/postgres.sh` starts one and prints the URL; `python3 dev.py test` runs it itself).
Every test gets a database of its own, made with CREATE DATABASE ... TEMPLATE from one
that was migrated (and, for some test folders, filled) once per run, and dropped after
the test: as isolated as a new SQLite file, and about as quick.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from qtc_desktop.store import OpenedStore, open_store

ENV_URL = "QTC_TEST_POSTGRESQL_URL"
ENV_REQUIRED = "QTC_TEST_REQUIRE_POSTGRESQL"
ENGINES = ("sqlite", "postgresql")


def postgresql_url() -> URL | None:
    raw = os.environ.get(ENV_URL)
    return make_url(raw) if raw else None


def postgresql_required() -> bool:
    return os.environ.get(ENV_REQUIRED, "") not in ("", "0")


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """Run a test on SQLite and on PostgreSQL, unless it is about the SQLite file itself
    (it uses db_path, or is marked sqlite_only).

    Called by the conftest.py of the store and service tests.
    """
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        metafunc.parametrize("engine_name", ["postgresql"], scope="module")
        return
    if "engine_name" in metafunc.fixturenames and "db_path" not in metafunc.fixturenames:
        metafunc.parametrize("engine_name", ENGINES, scope="module")


def postgres_or_skip(databases: PostgresDatabases | None) -> PostgresDatabases:
    """The server's databases; without a server (never in CI, see QTC_TEST_REQUIRE_POSTGRESQL), a skip."""
    if databases is None:
        pytest.skip("no PostgreSQL server: set QTC_TEST_POSTGRESQL_URL (see README, Team mode)")
    return databases


class PostgresDatabases:
    """Makes and drops the test databases on one server, named after this test process."""

    def __init__(self, base: URL) -> None:
        self.base = base
        self._admin: Engine = create_engine(base, isolation_level="AUTOCOMMIT")
        self._names = (f"qtc_t{os.getpid()}_{n}" for n in itertools.count(1))
        self._templates: dict[str, str] = {}
        self._made: set[str] = set()

    def url(self, name: str) -> URL:
        return self.base.set(database=name)

    def create(self, template: str | None = None) -> URL:
        """A new database: a copy of `template` (a name from `template_named`), else empty and migrated."""
        source = template or self.template_named("migrated", _migrate_only)
        name = next(self._names)
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
        self._made.add(name)
        # A copy would share its template's identity; each test database is a database of its own.
        engine = create_engine(self.url(name))
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE database_identity SET database_id = :id"), {"id": str(uuid.uuid4())})
        finally:
            engine.dispose()
        return self.url(name)

    def template_named(self, label: str, fill: Callable[[OpenedStore], None]) -> str:
        """A database made once per run by `fill` (given the migrated store), to copy tests' databases from."""
        if label not in self._templates:
            name = next(self._names) + "_" + label
            self._execute(f'CREATE DATABASE "{name}"')
            self._made.add(name)
            store = open_store(self.url(name))
            try:
                fill(store)
            finally:
                store.close()  # a template may have no connections while it is copied
            self._templates[label] = name
        return self._templates[label]

    def drop(self, url: URL) -> None:
        name = url.database
        assert name is not None and name in self._made, f"not a test database: {name}"
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.discard(name)

    def close(self) -> None:
        for name in sorted(self._made):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.clear()
        self._admin.dispose()

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))


def _migrate_only(_store: OpenedStore) -> None:
    """open_store has migrated it; an empty template needs nothing more."""
