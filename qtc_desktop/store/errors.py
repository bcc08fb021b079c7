"""Store errors a person can act on, as opposed to bugs."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database the user can do something about (path, lock, server)."""


class DatabaseInUse(StoreError):
    """Another running qtc-desktop holds the same database file."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer qtc-desktop than this one."""
