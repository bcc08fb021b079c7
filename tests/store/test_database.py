"""Which database is used, how SQLite is set up, and optimistic locking of orders."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from qtc_desktop.domain import Account, ChangeSource, FulfillmentOrder
from qtc_desktop.store import OpenedStore, StoreError, describe, open_store, resolve_url
from qtc_desktop.store.database import (
    CONNECT_TIMEOUT_SECONDS,
    ENV_DATABASE_URL,
    PG_KEEPALIVES,
    default_database_path,
    sqlite_file,
)
from qtc_desktop.store.journal import bulk_writes, recording


@pytest.fixture(autouse=True)
def no_env_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)


def test_explicit_db_beats_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DATABASE_URL, f"sqlite:///{tmp_path / 'env.sqlite3'}")
    url = resolve_url(f"sqlite:///{tmp_path / 'arg.sqlite3'}")
    assert sqlite_file(url) == tmp_path / "arg.sqlite3"


def test_environment_beats_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DATABASE_URL, f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert sqlite_file(resolve_url(None)) == tmp_path / "env.sqlite3"
    assert sqlite_file(resolve_url("")) == tmp_path / "env.sqlite3"  # an empty --db is no choice


def test_default_is_a_file_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    calls = []

    def fake_user_data_path(appname: str, appauthor: object = None) -> Path:
        calls.append((appname, appauthor))
        return tmp_path / "data" / appname

    monkeypatch.setattr(platformdirs, "user_data_path", fake_user_data_path)
    expected = tmp_path / "data" / "qtc-desktop" / "qtc-desktop.sqlite3"
    assert default_database_path() == expected
    url = resolve_url(None)
    assert url.get_backend_name() == "sqlite"
    assert sqlite_file(url) == expected
    assert calls and calls[0][0] == "qtc-desktop"
    assert not expected.exists()  # resolving a URL creates nothing


def test_bare_path_becomes_a_sqlite_url(tmp_path: Path) -> None:
    url = resolve_url(str(tmp_path / "orders.sqlite3"))
    assert url.drivername == "sqlite+pysqlite"
    assert sqlite_file(url) == tmp_path / "orders.sqlite3"


def test_bare_path_with_tilde_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert sqlite_file(resolve_url("~/orders.sqlite3")) == tmp_path / "orders.sqlite3"


def test_postgresql_url_is_kept_and_described_without_password() -> None:
    url = resolve_url("postgresql+psycopg://coordinator:s3cret@db.example/qtc")
    assert url.get_backend_name() == "postgresql"
    assert sqlite_file(url) is None
    assert "s3cret" not in describe(url)
    assert "db.example/qtc" in describe(url)


def test_unparseable_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="Not a database URL"):
        resolve_url("://nowhere")


@pytest.mark.parametrize("raw", ["foo://bar", "postgresql://user@host:notaport/qtc"])
def test_garbage_url_is_a_store_error_with_a_readable_message(raw: str) -> None:
    # Whether resolve_url or open_store notices, the user must get a StoreError (exit 1 and
    # a sentence), not a driver exception that the command line reports as an internal error.
    with pytest.raises(StoreError) as raised:
        open_store(resolve_url(raw))
    message = str(raised.value)
    assert raw.split("://")[0] in message
    assert "Traceback" not in message


@pytest.mark.sqlite_only
def test_sqlite_pragmas_are_on(store: OpenedStore) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 5000


def test_foreign_keys_are_enforced(store: OpenedStore) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.engine.begin() as connection, bulk_writes("a raw insert"):
        connection.execute(text(
            "INSERT INTO quotes (number, revision, type, account_id, currency, net_total, "
            "line_count, imported_at, superseded) "
            "VALUES ('Q-2026-000001', 1, 'new', 4242, 'USD', 0, 0, '2026-06-15 00:00:00', FALSE)"
        ))


def test_transaction_rolls_back_on_error(store: OpenedStore) -> None:
    with pytest.raises(RuntimeError), store.transaction(who="test setup") as session:
        session.add(Account(name="Tailspin Airlines Inc."))
        session.flush()
        raise RuntimeError("the user's action failed half-way")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM accounts")).scalar_one() == 0


def test_second_save_of_a_stale_order_is_refused(sample_store: OpenedStore) -> None:
    number = "FO-000001"
    by_number = select(FulfillmentOrder).where(FulfillmentOrder.number == number)
    with sample_store.session() as first, sample_store.session() as second:
        mine = first.scalars(by_number).one()
        theirs = second.scalars(by_number).one()
        assert mine.version == theirs.version == 1
        with recording(first, who="maria", source=ChangeSource.USER_EDIT):
            mine.carrier = "DHL"
        first.commit()
        with pytest.raises(StaleDataError), recording(second, who="jo", source=ChangeSource.USER_EDIT):
            theirs.carrier = "FedEx"
            second.commit()
        second.rollback()
    with sample_store.session() as session:
        order = session.scalars(by_number).one()
        assert order.carrier == "DHL"
        assert order.version == 2


@pytest.mark.postgresql_only
def test_a_server_that_vanishes_mid_query_is_noticed_within_a_minute(store: OpenedStore) -> None:
    with store.engine.connect() as connection:
        parameters = connection.connection.driver_connection.info.get_parameters()  # type: ignore[union-attr]
        (name,) = connection.execute(text("SELECT application_name FROM pg_stat_activity WHERE pid = "
                                          "pg_backend_pid()")).one()
    assert {key: parameters.get(key) for key in PG_KEEPALIVES} == {
        "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5", "keepalives_count": "3",
        "tcp_user_timeout": "30000"}
    assert (parameters.get("connect_timeout"), name) == (str(CONNECT_TIMEOUT_SECONDS), "qtc-desktop")

