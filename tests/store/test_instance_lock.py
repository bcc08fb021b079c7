"""One running qtc-desktop per database file: the OS lock keeps a second one out."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from qtc_desktop.store import DatabaseInUse, OpenedStore, open_store, resolve_url
from qtc_desktop.store.instance_lock import InstanceLock


def test_second_open_of_the_same_file_is_refused(store: OpenedStore, db_path: Path) -> None:
    with pytest.raises(DatabaseInUse) as raised:
        open_store(resolve_url(str(db_path)))
    message = str(raised.value)
    assert str(db_path.resolve()) in message
    assert f"pid {os.getpid()}" in message
    assert "--db" in message  # says what to do about it
    # The refused attempt must not have taken the lock away from the holder.
    assert store.lock is not None and store.lock.held
    with pytest.raises(DatabaseInUse):
        open_store(resolve_url(str(db_path)))


def test_same_file_by_another_spelling_is_refused(store: OpenedStore, db_path: Path) -> None:
    other_spelling = db_path.parent / "." / db_path.name
    with pytest.raises(DatabaseInUse):
        open_store(resolve_url(f"sqlite:///{other_spelling}"))


def test_file_opens_again_after_close(db_path: Path) -> None:
    first = open_store(resolve_url(str(db_path)))
    first.close()
    second = open_store(resolve_url(str(db_path)))
    try:
        assert second.lock is not None and second.lock.held
        with second.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM accounts")).scalar_one() == 0
    finally:
        second.close()
    assert not second.lock.held


def test_other_files_are_not_blocked(store: OpenedStore, tmp_path: Path) -> None:
    other = open_store(resolve_url(str(tmp_path / "other.sqlite3")))
    other.close()


def test_non_exclusive_open_works_beside_the_holder(sample_store: OpenedStore, db_path: Path) -> None:
    reader = open_store(resolve_url(str(db_path)), exclusive=False)
    try:
        assert reader.lock is None
        with reader.engine.connect() as connection:
            orders = connection.execute(text("SELECT count(*) FROM fulfillment_orders")).scalar_one()
        assert orders == 90
    finally:
        reader.close()
    assert sample_store.lock is not None and sample_store.lock.held  # the reader left it alone


def test_lock_context_manager_names_its_holder(tmp_path: Path) -> None:
    database = tmp_path / "orders.sqlite3"
    with InstanceLock(database) as lock:
        assert lock.path == tmp_path / "orders.sqlite3.lock"
        assert lock.path.read_text(encoding="utf-8").startswith(f"pid {os.getpid()} on ")
        with pytest.raises(DatabaseInUse), InstanceLock(database):
            pass
    assert not lock.held
    assert lock.path.read_text(encoding="utf-8") == ""  # no stale holder named once released
    with InstanceLock(database):
        pass


HOLDER = textwrap.dedent(
    """
    import sys
    from qtc_desktop.store import open_store, resolve_url
    store = open_store(resolve_url(sys.argv[1]))
    print("locked", flush=True)
    sys.stdin.readline()
    store.close()
    print("released", flush=True)
    """
)


@pytest.fixture
def holder(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another qtc-desktop process holding the database, until told to stop or killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"  # blocks until the lock is held
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def test_lock_held_by_another_process_blocks_this_one(
    holder: subprocess.Popen[str], db_path: Path
) -> None:
    with pytest.raises(DatabaseInUse) as raised:
        open_store(resolve_url(str(db_path)))
    assert f"pid {holder.pid}" in str(raised.value)
    assert str(db_path.resolve()) in str(raised.value)


def test_lock_is_free_once_the_other_process_closes(
    holder: subprocess.Popen[str], db_path: Path
) -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "released"
    assert holder.wait(timeout=60) == 0
    open_store(resolve_url(str(db_path))).close()


def test_lock_is_free_once_the_other_process_is_killed(
    holder: subprocess.Popen[str], db_path: Path
) -> None:
    with pytest.raises(DatabaseInUse):
        open_store(resolve_url(str(db_path)))
    holder.kill()  # SIGKILL (TerminateProcess on Windows): no clean-up runs in the holder
    holder.wait(timeout=60)
    # The OS dropped the lock with the process; the lock file still names the dead holder.
    assert f"pid {holder.pid}" in (db_path.parent / (db_path.name + ".lock")).read_text("utf-8")
    reopened = open_store(resolve_url(str(db_path)))
    try:
        assert reopened.lock is not None and reopened.lock.held
    finally:
        reopened.close()
