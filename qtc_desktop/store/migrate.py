"""Open the database: take the instance lock, back up, and migrate to the current schema.

Starting the app must stay fast, so the common case (schema already current) reads the
revision with one query and never imports Alembic.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import URL

from qtc_desktop.store.database import Store, create_store_engine, driver_message, sqlite_file
from qtc_desktop.store.errors import DatabaseTooNew, StoreError
from qtc_desktop.store.instance_lock import InstanceLock

log = logging.getLogger(__name__)

# The newest migration in store/migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0004_change_order_version"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass
class OpenedStore(Store):
    """A store the app may write, with the lock that keeps a second instance out."""

    lock: InstanceLock | None = None
    backup_path: Path | None = field(default=None)

    def close(self) -> None:
        self.dispose()
        if self.lock is not None:
            self.lock.release()


def open_store(url: URL, *, exclusive: bool = True) -> OpenedStore:
    """Connect, lock (SQLite files, when `exclusive`), migrate, and hand back the store.

    Read-only commands pass exclusive=False so a report can run beside the open window.
    """
    path = sqlite_file(url)
    lock = InstanceLock(path) if path is not None and exclusive else None
    if lock is not None:
        lock.acquire()
    engine = None
    try:
        engine = create_store_engine(url)
        store = OpenedStore(url=url, engine=engine, lock=lock)
        store.backup_path = _migrate(store, path)
        return store
    except BaseException:
        if engine is not None:
            engine.dispose()
        if lock is not None:
            lock.release()
        raise


def _migrate(store: Store, path: Path | None) -> Path | None:
    try:
        with store.engine.connect() as connection:
            revision = current_revision(connection)
    except Exception as exc:  # noqa: BLE001 - any driver error means we cannot open it
        raise StoreError(f"Cannot open the database {store.location}: {driver_message(exc)}") from exc
    if revision == HEAD_REVISION:
        return None
    backup = None
    if revision is not None:
        known = _known_revisions()
        if revision not in known:
            raise DatabaseTooNew(
                f"The database {store.location} has schema {revision}, which this version "
                "of qtc-desktop does not know. It was written by a newer qtc-desktop."
            )
        if path is not None:
            backup = backup_sqlite(path, label=f"before-{HEAD_REVISION}")
            log.info("Backed up %s to %s before migrating", path, backup)
    upgrade(store)
    return backup


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(store: Store, revision: str = "head") -> None:
    from alembic import command

    with store.engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def downgrade(store: Store, revision: str) -> None:
    from alembic import command

    with store.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def _alembic_config(connection: Connection | None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def backup_sqlite(path: Path, *, label: str) -> Path:
    """Copy a live SQLite file with the online backup API (safe while others read it)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".sqlite3"
    target = path.with_name(f"{path.stem}.{label}.{stamp}{suffix}")
    counter = 1
    while target.exists():  # two backups within a second must not overwrite each other
        counter += 1
        target = path.with_name(f"{path.stem}.{label}.{stamp}-{counter}{suffix}")
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target
