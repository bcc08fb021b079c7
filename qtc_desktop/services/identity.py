"""Which database this is: the id every export carries and every re-import checks."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import DatabaseIdentity


def database_id(session_or_connection: Session | Connection) -> str:
    """The id migration 0002 gave this database; the same for its lifetime, copies included."""
    value = session_or_connection.execute(
        select(DatabaseIdentity.database_id).order_by(DatabaseIdentity.id).limit(1)
    ).scalar_one_or_none()
    if value is None:  # pragma: no cover - the migration always writes the row
        raise RuntimeError("the database has no identity row; was migration 0002 applied?")
    return value
