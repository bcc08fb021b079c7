"""Where the database lives, how to connect to it, and one transaction per user action."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qtc_desktop.store.errors import StoreError
from qtc_desktop.domain import ChangeSource
from qtc_desktop.store.journal import JournalledSession, guard_statements, recording

ENV_DATABASE_URL = "QTC_DATABASE_URL"
APP_NAME = "qtc-desktop"
CONNECT_TIMEOUT_SECONDS = 8
# A server that vanishes in the middle of a query (a dropped network, a VPN gone with a
# sleeping laptop) is noticed in about half a minute, not after the system's two hours:
# TCP keepalives while waiting for an answer, and a limit on unacknowledged sends (libpq
# ignores tcp_user_timeout where the system lacks it). A slow query is not cut short.
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
                 "tcp_user_timeout": 30_000}


def default_database_path() -> Path:
    """The single-user default: one SQLite file in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "qtc-desktop.sqlite3"


def resolve_url(explicit: str | None = None, preferred: str | None = None) -> URL:
    """`--db URL` wins, then QTC_DATABASE_URL, then the one in the preferences, then the default file."""
    raw = explicit or os.environ.get(ENV_DATABASE_URL) or (preferred or "").strip() or None
    if raw is None:
        return URL.create("sqlite+pysqlite", database=str(default_database_path()))
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        # A bare path is a friendlier way to name a SQLite file than a URL.
        if "://" not in raw:
            return URL.create("sqlite+pysqlite", database=str(Path(raw).expanduser()))
        raise StoreError(f"Not a database URL: {raw!r} (e.g. sqlite:///path/to/file.sqlite3 "
                         "or postgresql+psycopg://user@host/dbname)") from None
    return url


def sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for another engine or an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser().resolve()


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL is durable across application crashes, and much faster.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()
    # SQLite's lower() folds only A-Z; searches for Köln or Αθήνα need Unicode case folding
    # (see services/text_search.py, which calls this only for terms that are not ASCII).
    dbapi_connection.create_function("qtc_casefold", 1, _casefold, deterministic=True)


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def create_store_engine(url: URL, **kwargs: Any) -> Engine:
    """An engine for any supported URL; SQLite-only settings stay behind the dialect check."""
    path = sqlite_file(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for the database {path}: {exc}") from exc
    if url.get_backend_name() == "postgresql":
        # An unreachable server is said within seconds, not after the system's TCP timeout;
        # the server's own view (pg_stat_activity) names the program.
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": APP_NAME, **PG_KEEPALIVES}
        kwargs["connect_args"] = {**connect_args, **kwargs.get("connect_args", {})}
    try:
        engine = create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite", **kwargs)
    except NoSuchModuleError:
        raise StoreError(
            f"Unknown kind of database {url.drivername!r}: use sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    except ModuleNotFoundError as exc:
        advice = ("this build of qtc-desktop does not include it" if getattr(sys, "frozen", False)
                  else "for PostgreSQL: pip install 'qtc-desktop[postgresql]'")
        raise StoreError(f"No driver for {url.drivername}: {exc.name} is not installed ({advice})") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def describe(url: URL) -> str:
    """The database as a person would name it: a file path, or the URL without password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    return url.render_as_string(hide_password=True)


@dataclass
class Store:
    """The open database: an engine and the session factory every use case draws from."""

    url: URL
    engine: Engine

    def __post_init__(self) -> None:
        # Every session records its changes, and nothing writes recorded tables around it.
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, class_=JournalledSession)
        guard_statements(self.engine)

    @property
    def location(self) -> str:
        return describe(self.url)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self, *, who: str | None = None, source: ChangeSource = ChangeSource.SYSTEM,
                    reason: str | None = None) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, always close.

        With `who`, changes made in it are recorded as theirs (see journal.recording).
        """
        session = self._sessions()
        try:
            with session.begin():
                if who is None:
                    yield session
                else:
                    with recording(session, who=who, source=source, reason=reason):
                        yield session
        except DBAPIError as exc:
            problem = connection_problem(exc, self.location)
            if problem is None:
                raise
            raise StoreError(problem) from exc
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def connection_problem(exc: BaseException, location: str) -> str | None:
    """What a person needs to know when the database could not be reached or written, else None.

    A transaction that failed this way was rolled back whole: nothing of it was stored.
    """
    if not isinstance(exc, DBAPIError):
        return None
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return (f"The connection to the database {location} was lost ({driver_message(exc)}). "
                "Nothing of this change was stored; try again when the server is back.")
    if isinstance(exc, OperationalError):
        return f"The database {location} could not be written: {driver_message(exc)}. Nothing of this change was stored."
    return None


def driver_message(exc: BaseException) -> str:
    """The driver's own words (first line), without SQLAlchemy's wrapping and links."""
    original = getattr(exc, "orig", None) or exc
    return " ".join(str(original).split("\n")[0].split()) or type(original).__name__
