"""The store: engine, sessions, migrations and the instance lock. No Qt."""

from qtc_desktop.store.database import Store, describe, resolve_url
from qtc_desktop.store.errors import DatabaseInUse, DatabaseTooNew, StoreError
from qtc_desktop.store.migrate import OpenedStore, open_store

__all__ = [
    "DatabaseInUse",
    "DatabaseTooNew",
    "OpenedStore",
    "Store",
    "StoreError",
    "describe",
    "open_store",
    "resolve_url",
]
