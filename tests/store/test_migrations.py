"""Opening a database migrates it to the current schema, backs it up first, and refuses the future."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from qtc_desktop.domain import Base
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import DatabaseInUse, DatabaseTooNew, OpenedStore, open_store, resolve_url
from qtc_desktop.store import migrate
from qtc_desktop.store.journal import bulk_writes
from qtc_desktop.store.migrate import HEAD_REVISION, backup_sqlite, downgrade, script_head

COUNTED_TABLES = ("accounts", "quotes", "quote_lines", "fulfillment_orders", "shipments")


def revisions_newest_first() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in COUNTED_TABLES
        }


def sqlite_revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def sqlite_dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_fresh_file_is_migrated_to_head(store: OpenedStore, db_path: Path) -> None:
    assert db_path.is_file()
    assert store.backup_path is None  # nothing to lose in a new file
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert sqlite_revision(db_path) == HEAD_REVISION


def test_head_constant_matches_the_newest_migration() -> None:
    # The fast path compares with HEAD_REVISION; a new migration must move it too.
    assert HEAD_REVISION == script_head()
    assert revisions_newest_first()[0] == HEAD_REVISION


def test_migrations_build_exactly_the_schema_the_models_describe(store: OpenedStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_compare_metadata_notices_a_missing_column(store: OpenedStore) -> None:
    # Guards the test above: a schema drift must be seen, or "no differences" proves nothing.
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE accounts DROP COLUMN phone"))
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "accounts", "phone")]


PROBE = textwrap.dedent(
    """
    import sys
    from qtc_desktop.store import open_store, resolve_url
    store = open_store(resolve_url(sys.argv[1]))
    store.close()
    print("alembic" in sys.modules)
    """
)


def run_probe(path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    return result.stdout.strip()


def test_opening_a_current_database_does_not_import_alembic(store: OpenedStore, tmp_path: Path) -> None:
    existing = tmp_path / "current.sqlite3"
    assert run_probe(existing) == "True"  # a new file is migrated, so Alembic is needed
    assert run_probe(existing) == "False"  # the second start takes the fast path


def test_database_from_a_newer_app_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    open_store(resolve_url(str(path))).close()
    set_revision(path, "ffff_future")
    before = sqlite_dump(path)

    with pytest.raises(DatabaseTooNew) as raised:
        open_store(resolve_url(str(path)))
    message = str(raised.value)
    assert str(path) in message and "ffff_future" in message and "newer" in message

    assert sqlite_dump(path) == before
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == ["newer.sqlite3"]  # no backup
    # The lock was given back: a second try meets the same refusal, not "in use".
    with pytest.raises(DatabaseTooNew):
        open_store(resolve_url(str(path)))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists open files through /proc")
def test_refused_database_is_not_left_open(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    open_store(resolve_url(str(path))).close()
    set_revision(path, "ffff_future")
    with pytest.raises(DatabaseTooNew):
        open_store(resolve_url(str(path)))
        # (the engine behind the refused store must be disposed, not left to the garbage collector)
    open_files = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            open_files.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    assert str(path) not in open_files


def test_known_older_revision_is_backed_up_before_migrating(
    sample_store: OpenedStore, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend this build's head is one step past the file's: the file's revision is known,
    # so open_store must take a backup before it migrates (here a no-op upgrade).
    counts = sqlite_counts(db_path)
    sample_store.close()
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999_next")
    reopened = open_store(resolve_url(str(db_path)))
    try:
        backup = reopened.backup_path
        assert backup is not None and backup.is_file()
        assert backup.parent == db_path.parent and backup != db_path
        assert "before-9999_next" in backup.name
        assert sqlite_counts(backup) == counts
        assert sqlite_revision(backup) == HEAD_REVISION
    finally:
        reopened.close()


OLDER_REVISIONS = revisions_newest_first()[1:]


@pytest.mark.parametrize("older", OLDER_REVISIONS or [None], ids=lambda rev: str(rev))
def test_database_from_an_older_revision_keeps_its_data(
    db_path: Path, sample_today: dt.date, older: str | None
) -> None:
    assert older is not None, (
        f"only one migration ({migrate.HEAD_REVISION}) exists, so no upgrade with data can be tested; "
        "this test passes once the second migration lands"
    )
    url = resolve_url(str(db_path))
    store = open_store(url)
    try:
        with store.transaction() as session:
            load_sample_data(session, orders=30, today=sample_today)
        downgrade(store, older)
        # A customer the older app added after the downgrade, through its own schema
        # (and so around this app's change journal).
        with store.engine.begin() as connection, bulk_writes("the older app"):
            connection.execute(text(
                "INSERT INTO accounts (name, created_at, updated_at) "
                "VALUES ('Wingtip Energy Ltd (old app)', '2026-01-05 10:00:00', '2026-01-05 10:00:00')"
            ))
    finally:
        store.close()
    before = sqlite_counts(db_path)
    assert sqlite_revision(db_path) == older

    reopened = open_store(url)
    try:
        assert sqlite_revision(db_path) == migrate.HEAD_REVISION
        assert sqlite_counts(db_path) == before
        backup = reopened.backup_path
        assert backup is not None and backup.is_file()
        assert sqlite_revision(backup) == older
        assert sqlite_counts(backup) == before
        with reopened.engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM accounts")).scalars().all()
        assert "Wingtip Energy Ltd (old app)" in names
    finally:
        reopened.close()


def test_backup_copies_a_live_database(sample_store: OpenedStore, db_path: Path) -> None:
    # The store is still open with its WAL: the backup API must copy what is committed.
    target = backup_sqlite(db_path, label="manual")
    assert target.is_file() and target != db_path
    assert target.parent == db_path.parent
    assert ".manual." in target.name and target.suffix == ".sqlite3"
    counts = sqlite_counts(db_path)
    assert counts["quotes"] > 0
    assert sqlite_counts(target) == counts
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        quotes = connection.execute("SELECT number, net_total FROM quotes ORDER BY id").fetchall()
    with sample_store.engine.connect() as connection:
        assert connection.execute(text("SELECT number, net_total FROM quotes ORDER BY id")).all() == quotes


def test_backup_is_a_database_this_app_opens(sample_store: OpenedStore, db_path: Path, tmp_path: Path) -> None:
    target = backup_sqlite(db_path, label="manual")
    restored = open_store(resolve_url(str(target)))
    try:
        assert restored.backup_path is None  # already current: no migration, no second backup
        with restored.engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM fulfillment_orders")).scalar_one()
        assert count == 90
    finally:
        restored.close()
    # The backup has its own lock: it does not block the original.
    with pytest.raises(DatabaseInUse):
        open_store(resolve_url(str(db_path)))
