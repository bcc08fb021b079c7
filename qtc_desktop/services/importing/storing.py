"""Recognising quotes already stored (unchanged, or a new revision) and storing the rest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from qtc_desktop.domain import Account, ChangeRecord, ChangeSource, Quote, QuoteLine
from qtc_desktop.domain.base import utc_now
from qtc_desktop.services.importing.drafts import QuoteDraft
from qtc_desktop.services.importing.problems import Problem
from qtc_desktop.services.text_search import casefold
from qtc_desktop.store.journal import bulk_writes

Status = Literal["created", "revised", "unchanged"]
_LINE_CHUNK = 5000  # lines per executemany: bounds the parameter sets held at once
_CHUNK = 500  # ids per IN (...) list, well under every engine's parameter limit
_COMPARED = ("product_code", "product_name", "quantity", "prior_quantity", "list_price", "net_price",
             "discount_percent", "net_total", "start_date", "end_date", "subscription_term",
             "billing_frequency")


@dataclass(frozen=True)
class LineChange:
    """How a line differs from the previous revision of its quote."""

    kind: Literal["added", "removed", "changed"]
    line_no: int
    product_code: str
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, before, after) when changed

    def __str__(self) -> str:
        if self.kind != "changed":
            return f"line {self.line_no} {self.product_code} {self.kind}"
        detail = ", ".join(f"{name.replace('_', ' ')} {old or '(blank)'} → {new or '(blank)'}"
                           for name, old, new in self.fields)
        return f"line {self.line_no} {self.product_code}: {detail}"


@dataclass(frozen=True)
class QuotePlan:
    draft: QuoteDraft
    status: Status
    revision: int
    previous_id: int | None = None
    changes: tuple[LineChange, ...] = ()
    previous_revision: int | None = None
    digest: str = ""  # draft.content_hash(), computed once in plan_quotes


def plan_quotes(session: Session, drafts: Sequence[QuoteDraft], sheet: str) -> tuple[list[QuotePlan], list[Problem]]:
    """Decide for each quote whether it is new, a new revision, or already stored as it is."""
    stored = _stored_revisions(session, [draft.number for draft in drafts])
    plans: list[QuotePlan] = []
    problems: list[Problem] = []
    for draft in drafts:
        revisions = stored.get(draft.number, {})
        digest = draft.content_hash()
        if not revisions:
            plans.append(QuotePlan(draft, "created", draft.revision or 1, digest=digest))
            continue
        latest = max(revisions)
        wanted = draft.revision or latest
        if wanted in revisions and revisions[wanted][1] == digest:
            plans.append(QuotePlan(draft, "unchanged", wanted, revisions[wanted][0]))
        elif draft.revision is not None and draft.revision <= latest:
            problems.append(Problem(sheet, draft.first_row, None, (
                f"quote {draft.number} revision {draft.revision} is already stored with other "
                f"content (the latest is revision {latest}); give this one a new revision")))
        else:
            previous_id = revisions[latest][0]
            revision = draft.revision if draft.revision is not None else latest + 1
            changes = tuple(diff_lines(stored_lines(session, previous_id), [vars(line) for line in draft.lines]))
            plans.append(QuotePlan(draft, "revised", revision, previous_id, changes, latest, digest))
    return plans, problems


def diff_lines(before: Iterable[dict[str, Any]], after: Iterable[dict[str, Any]]) -> list[LineChange]:
    """Lines added, removed and changed, matched by CPQ line id, else by product and position.

    Each line is a dict of its fields (a stored line's, or a draft's `vars`).
    """
    old = {_line_key(line["external_id"], line["product_code"], line["line_no"]): line for line in before}
    new = {_line_key(line["external_id"], line["product_code"], line["line_no"]): line for line in after}
    changes = []
    for key, line in new.items():
        previous = old.get(key)
        if previous is None:
            changes.append(LineChange("added", line["line_no"], line["product_code"]))
            continue
        fields = tuple((name, _show(previous.get(name)), _show(line.get(name))) for name in _COMPARED
                       if _same(previous.get(name)) != _same(line.get(name)))
        if fields:
            changes.append(LineChange("changed", line["line_no"], line["product_code"], fields))
    changes += [LineChange("removed", line["line_no"], line["product_code"])
                for key, line in old.items() if key not in new]
    return sorted(changes, key=lambda change: change.line_no)


def store_quotes(session: Session, plans: Sequence[QuotePlan], *, source_file: str, who: str) -> None:
    """Write the created and revised quotes, their lines and accounts, in the caller's transaction.

    Written in bulk around the ORM for speed, so the change records are written here too: a
    record per new quote and account, and one per line added, removed or changed by a revision.
    """
    to_write = [plan for plan in plans if plan.status != "unchanged"]
    if not to_write:
        return
    with bulk_writes("quote import"):
        _store(session, to_write, source_file, who)


def _store(session: Session, to_write: Sequence[QuotePlan], source_file: str, who: str) -> None:
    connection = session.connection()
    now = utc_now()
    accounts, new_accounts = _account_ids(session, [plan.draft for plan in to_write], now)
    superseded = [plan.previous_id for plan in to_write if plan.previous_id is not None]
    for chunk in _chunks(superseded):
        connection.execute(update(Quote).where(Quote.id.in_(chunk)).values(superseded=True))
    quote_rows = [{
        "number": plan.draft.number, "revision": plan.revision, "type": plan.draft.type,
        "account_id": accounts[_account_key(plan.draft)], "currency": plan.draft.currency,
        "quote_date": plan.draft.quote_date,
        "start_date": min((l.start_date for l in plan.draft.lines if l.start_date), default=None),
        "end_date": max((l.end_date for l in plan.draft.lines if l.end_date), default=None),
        "subscription_term": max((l.subscription_term or 0 for l in plan.draft.lines), default=0) or None,
        "original_quote_number": plan.draft.original_quote, "contract_number": plan.draft.contract,
        "net_total": plan.draft.net_total, "line_count": len(plan.draft.lines),
        "content_hash": plan.digest, "source_file": source_file,
        "imported_at": now, "superseded": False, "external_id": None,
    } for plan in to_write]
    quote_table = cast(Table, Quote.__table__)
    quote_ids = list(connection.execute(
        insert(quote_table).returning(quote_table.c.id, sort_by_parameter_order=True), quote_rows).scalars())
    line_table = cast(Table, QuoteLine.__table__)
    line_rows: list[dict[str, Any]] = []
    for index, (quote_id, plan) in enumerate(zip(quote_ids, to_write)):
        for line in plan.draft.lines:
            line_rows.append({
                "quote_id": quote_id, "line_no": line.line_no, "external_id": line.external_id,
                "parent_line_id": None, "product_code": line.product_code,
                "product_name": line.product_name, "product_family": line.product_family,
                "quantity": line.quantity, "prior_quantity": line.prior_quantity,
                "list_price": line.list_price, "net_price": line.net_price,
                "discount_percent": line.discount_percent, "net_total": line.net_total,
                "start_date": line.start_date, "end_date": line.end_date,
                "subscription_term": line.subscription_term,
                "billing_frequency": line.billing_frequency, "extra": line.extra,
            })
        if len(line_rows) >= _LINE_CHUNK or index == len(to_write) - 1:
            # A plain executemany: SQLAlchemy cannot batch an ordered RETURNING on SQLite,
            # so ids are read back by (quote, line number), and only when bundles need them.
            connection.execute(insert(line_table), line_rows)
            line_rows = []
    if any(line.parent_external_id for plan in to_write for line in plan.draft.lines):
        by_key: dict[tuple[int, int], int] = {}
        for chunk in _chunks(quote_ids):
            by_key.update(((quote_id, line_no), line_id) for quote_id, line_no, line_id in connection.execute(
                select(line_table.c.quote_id, line_table.c.line_no, line_table.c.id)
                .where(line_table.c.quote_id.in_(chunk))))
        line_ids = [by_key[quote_id, line.line_no] for quote_id, plan in zip(quote_ids, to_write)
                    for line in plan.draft.lines]
        _link_bundles(connection, to_write, iter(line_ids))
    record = {"at": now, "who": who, "source": ChangeSource.IMPORT, "reason": f"Imported from {source_file}",
              "order_id": None, "export_batch_id": None}
    records = [{**record, "entity_type": "account", "entity_id": account_id, "account_id": account_id,
                "subject": name, "field": "created", "old_value": None, "new_value": name}
               for account_id, name in new_accounts]
    for quote_id, plan in zip(quote_ids, to_write):
        quote = {**record, "entity_type": "quote", "entity_id": quote_id,
                 "account_id": accounts[_account_key(plan.draft)],
                 "subject": f"{plan.draft.number} rev {plan.revision}"}
        records.append({**quote, "field": "revision", "old_value": _previous_revision(plan),
                        "new_value": str(plan.revision)})
        records += [{**quote, **fields} for change in plan.changes for fields in _change_fields(change)]
    connection.execute(insert(cast(Table, ChangeRecord.__table__)), records)


def _change_fields(change: LineChange) -> list[dict[str, Any]]:
    """The record fields of one line a revision added, removed or changed."""
    subject = f"line {change.line_no} {change.product_code}"
    if change.kind == "added":
        return [{"subject": subject, "field": "added", "old_value": None, "new_value": change.product_code}]
    if change.kind == "removed":
        return [{"subject": subject, "field": "removed", "old_value": change.product_code, "new_value": None}]
    return [{"subject": subject, "field": name, "old_value": old or None, "new_value": new or None}
            for name, old, new in change.fields]


def _previous_revision(plan: QuotePlan) -> str | None:
    return None if plan.previous_revision is None else str(plan.previous_revision)


def _link_bundles(connection: Any, plans: Sequence[QuotePlan], line_ids: Any) -> None:
    """Point bundle children at their parent line, by the CPQ line ids within each quote."""
    links = []
    for plan in plans:
        ids: dict[str, int] = {}
        by_line = []
        for line in plan.draft.lines:
            line_id = next(line_ids)
            by_line.append((line, line_id))
            if line.external_id:
                ids[line.external_id] = line_id
        links += [{"line": line_id, "parent": ids[line.parent_external_id]}
                  for line, line_id in by_line if line.parent_external_id in ids]
    if links:
        table = cast(Table, QuoteLine.__table__)
        connection.execute(
            update(table).where(table.c.id == bindparam("line")).values(parent_line_id=bindparam("parent")),
            links)


def _stored_revisions(session: Session, numbers: Sequence[str]) -> dict[str, dict[int, tuple[int, str | None]]]:
    found: dict[str, dict[int, tuple[int, str | None]]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        rows = session.execute(
            select(Quote.number, Quote.revision, Quote.id, Quote.content_hash).where(Quote.number.in_(chunk)))
        for number, revision, quote_id, digest in rows:
            found.setdefault(number, {})[revision] = (quote_id, digest)
    return found


def stored_lines(session: Session, quote_id: int) -> list[dict[str, Any]]:
    lines = session.execute(select(QuoteLine).where(QuoteLine.quote_id == quote_id)).scalars()
    return [{column: getattr(line, column) for column in ("external_id", "line_no", *_COMPARED)}
            for line in lines]


def _account_ids(session: Session, drafts: Sequence[QuoteDraft],
                 now: Any) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Match accounts by external id, then by name (ignoring case); create the rest.

    Returns the id for each draft's account key, and the (id, name) of the accounts created.
    """
    keys = {_account_key(draft): draft for draft in drafts}
    result: dict[str, int] = {}
    external = sorted({d.account_external_id for d in drafts if d.account_external_id})
    by_external: dict[str, int] = {}
    for chunk in _chunks(external):
        for external_id, found_id in session.execute(
                select(Account.external_id, Account.id).where(Account.external_id.in_(chunk))):
            by_external[str(external_id)] = found_id
    names = sorted({d.account_name.casefold() for d in drafts if d.account_name})
    by_name: dict[str, int] = {}
    for chunk in _chunks(names):
        for name, found_id in session.execute(
                select(Account.name, Account.id).where(casefold(Account.name).in_(list(chunk)))
                .order_by(Account.id)):
            by_name.setdefault(name.casefold(), found_id)
    new_rows: list[tuple[str, dict[str, Any]]] = []
    for key, draft in keys.items():
        account_id: int | None = by_external.get(draft.account_external_id or "")
        if account_id is None and draft.account_name and not draft.account_external_id:
            account_id = by_name.get(draft.account_name.casefold())
        if account_id is not None:
            result[key] = account_id
        else:
            new_rows.append((key, {"external_id": draft.account_external_id,
                                   "name": draft.account_name or draft.account_external_id,
                                   "created_at": now, "updated_at": now}))
    created: list[tuple[int, str]] = []
    if new_rows:
        table = cast(Table, Account.__table__)
        ids = list(session.connection().execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), [row for _, row in new_rows]).scalars())
        result.update(zip([key for key, _ in new_rows], ids))
        created = [(account_id, row["name"]) for account_id, (_, row) in zip(ids, new_rows)]
    return result, created


def _account_key(draft: QuoteDraft) -> str:
    if draft.account_external_id:
        return "id:" + draft.account_external_id
    return "name:" + (draft.account_name or "").casefold()


def _line_key(external_id: str | None, product_code: str, line_no: int) -> tuple[str, ...]:
    return ("id", external_id) if external_id else ("line", product_code, str(line_no))


def _same(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
