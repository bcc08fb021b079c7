"""A quote's revisions side by side: lines added, removed and changed between two of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import Quote
from qtc_desktop.services.errors import NotFound
from qtc_desktop.services.importing.storing import LineChange, diff_lines, stored_lines


@dataclass(frozen=True)
class RevisionDiff:
    number: str
    old_revision: int
    new_revision: int
    changes: tuple[LineChange, ...]

    def as_json(self) -> dict[str, Any]:
        return {"quote": self.number, "from_revision": self.old_revision, "to_revision": self.new_revision,
                "changes": [{"kind": change.kind, "line": change.line_no, "product": change.product_code,
                             "fields": [{"field": name, "old": old or None, "new": new or None}
                                        for name, old, new in change.fields]} for change in self.changes]}


def revisions_of(session: Session, number: str) -> list[int]:
    """The stored revision numbers of a quote, oldest first."""
    return list(session.execute(select(Quote.revision).where(Quote.number == number)
                                .order_by(Quote.revision)).scalars())


def revision_diff(session: Session, number: str, old: int | None = None, new: int | None = None) -> RevisionDiff:
    """Revision `old` against `new`; by default the newest against the one before it."""
    revisions = revisions_of(session, number)
    if not revisions:
        raise NotFound(f"There is no quote {number}.")
    new = revisions[-1] if new is None else new
    if old is None:
        earlier = [revision for revision in revisions if revision < new]
        old = earlier[-1] if earlier else new
    for wanted in (old, new):
        if wanted not in revisions:
            raise NotFound(f"Quote {number} has no revision {wanted} "
                           f"(revisions: {', '.join(map(str, revisions))}).")
    rows = session.execute(select(Quote.revision, Quote.id).where(Quote.number == number,
                                                                 Quote.revision.in_((old, new)))).all()
    ids = {revision: quote_id for revision, quote_id in rows}
    changes = diff_lines(stored_lines(session, ids[old]), stored_lines(session, ids[new]))
    return RevisionDiff(number, old, new, tuple(changes))
