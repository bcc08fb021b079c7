"""Quotes as read from a file, checked but not yet stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from qtc_desktop.domain import QuoteType


@dataclass
class LineDraft:
    row: int  # the sheet row it came from, 1-based
    line_no: int
    product_code: str
    quantity: Decimal
    product_name: str = ""
    product_family: str | None = None
    external_id: str | None = None
    parent_external_id: str | None = None
    prior_quantity: Decimal | None = None
    list_price: Decimal | None = None
    net_price: Decimal | None = None
    discount_percent: Decimal | None = None
    net_total: Decimal = Decimal("0.00")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    subscription_term: int | None = None
    billing_frequency: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def content(self) -> dict[str, object]:
        """What makes two revisions' lines the same or different (not where they sat in a file)."""
        content = vars(self).copy()
        del content["row"]
        for key in _DECIMAL_KEYS:  # by their declared types; the others are str, int or None
            value = content[key]
            if value is not None:
                content[key] = format(value.normalize(), "f")
        for key in _DATE_KEYS:
            value = content[key]
            if value is not None:
                content[key] = value.isoformat()
        content["extra"] = _canonical(self.extra)
        return content


@dataclass
class QuoteDraft:
    number: str
    first_row: int
    type: QuoteType = QuoteType.NEW
    revision: int | None = None
    quote_date: dt.date | None = None
    account_name: str | None = None
    account_external_id: str | None = None
    currency: str = "USD"
    original_quote: str | None = None
    contract: str | None = None
    lines: list[LineDraft] = field(default_factory=list)

    @property
    def net_total(self) -> Decimal:
        return sum((line.net_total for line in self.lines), Decimal("0.00"))

    @property
    def account_label(self) -> str:
        return self.account_name or self.account_external_id or ""

    def content_hash(self) -> str:
        """A fingerprint of everything the quote says; equal hashes mean an unchanged quote."""
        content = {
            "type": self.type.value, "quote_date": _canonical(self.quote_date),
            "account": self.account_name, "account_id": self.account_external_id,
            "currency": self.currency, "original_quote": self.original_quote,
            "contract": self.contract,
            "lines": sorted((line.content() for line in self.lines), key=lambda c: str(c["line_no"])),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


_DECIMAL_KEYS = ("quantity", "prior_quantity", "list_price", "net_price", "discount_percent", "net_total")
_DATE_KEYS = ("start_date", "end_date")


def _canonical(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in sorted(value.items())}
    return value
