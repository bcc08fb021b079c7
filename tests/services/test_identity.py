"""Every database knows its own id, from its first migration on."""

from __future__ import annotations

from pathlib import Path

from qtc_desktop.services.identity import database_id
from qtc_desktop.store import open_store, resolve_url


def test_each_database_has_its_own_lasting_id(tmp_path: Path) -> None:
    first = open_store(resolve_url(str(tmp_path / "a.sqlite3")))
    second = open_store(resolve_url(str(tmp_path / "b.sqlite3")))
    try:
        with first.session() as session:
            first_id = database_id(session)
        with second.engine.connect() as connection:
            second_id = database_id(connection)
    finally:
        first.close()
        second.close()
    assert len(first_id) == 36 and first_id != second_id
    reopened = open_store(resolve_url(str(tmp_path / "a.sqlite3")))
    try:
        with reopened.session() as session:
            assert database_id(session) == first_id
    finally:
        reopened.close()
