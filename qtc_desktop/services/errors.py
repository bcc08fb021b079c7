"""Errors a coordinator can act on; anything else reaching the top is a bug."""

from __future__ import annotations

from qtc_desktop.store.errors import StoreError


class QtcError(Exception):
    """A problem with what the user asked for, said so that they can fix it."""


class NotFound(QtcError):
    """The quote, order or account named does not exist."""


class DatabaseNotEmpty(QtcError):
    """Sample data goes only into an empty database."""


USER_ERRORS: tuple[type[Exception], ...] = (QtcError, StoreError)
