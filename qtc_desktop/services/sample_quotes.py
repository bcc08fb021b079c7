"""Sample quotes and companies, made up from a seeded random generator (see sample_data)."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qtc_desktop.domain import FulfillmentKind, QuoteType
from qtc_desktop.services import catalog

CENT = Decimal("0.01")


def company_name(rng: random.Random, country: str, used: set[str]) -> str:
    """A company name that sounds like the country's, unique among `used` (numbered after a few tries)."""
    native = catalog.NATIVE_NAMES.get(country)
    for attempt in range(50):
        if native and rng.random() < 0.5:
            name = f"{rng.choice(native)} {catalog.LEGAL_FORMS[country]}"
        else:
            name = (f"{rng.choice(catalog.COMPANY_STEMS)} {rng.choice(catalog.COMPANY_SUFFIXES)} "
                    f"{catalog.LEGAL_FORMS[country]}")
        if attempt > 5:
            name = f"{name} ({len(used) + 1})"
        if name not in used:
            used.add(name)
            return name
    raise AssertionError("unreachable: numbered names are unique")


def sample_quote(rng: random.Random, today: dt.date, now: dt.datetime, number: int,
                 account_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An accepted quote as rows for the quotes and quote_lines tables: 1 to 5 catalog products."""
    quote_date = today - dt.timedelta(days=rng.randint(0, 150))
    quote_type = rng.choices(
        (QuoteType.NEW, QuoteType.AMENDMENT, QuoteType.RENEWAL), (84, 10, 6))[0]
    currency = rng.choices(("USD", "EUR", "GBP"), (55, 35, 10))[0]
    products = rng.sample(catalog.PRODUCTS, rng.randint(1, 5))
    if quote_type is not QuoteType.NEW:
        products = [p for p in products if p.term_months] or [catalog.PRODUCTS[7]]
    lines: list[dict[str, Any]] = []
    total = Decimal("0.00")
    for line_no, product in enumerate(products, start=1):
        quantity = Decimal(line_quantity(rng, product))
        discount = Decimal(rng.choice((0, 0, 5, 10, 12.5, 15, 20)))
        net_price = (product.list_price * (100 - discount) / 100).quantize(Decimal("0.0001"))
        months = product.term_months
        net_total = (net_price * quantity * (Decimal(months) / 12 if months else 1)).quantize(CENT, ROUND_HALF_UP)
        total += net_total
        start = quote_date + dt.timedelta(days=rng.randint(7, 45)) if months else None
        lines.append({
            "line_no": line_no,
            "external_id": f"a0B{number:08d}{line_no:03d}",
            "product_code": product.code,
            "product_name": product.name,
            "product_family": product.family,
            "quantity": quantity,
            "prior_quantity": (max(Decimal(0), quantity - rng.randint(1, 5))
                               if quote_type is QuoteType.AMENDMENT else None),
            "list_price": product.list_price,
            "net_price": net_price,
            "discount_percent": discount,
            "net_total": net_total,
            "start_date": start,
            "end_date": add_months(start, months) - dt.timedelta(days=1) if start and months else None,
            "subscription_term": months,
            "billing_frequency": "Annual" if months else None,
            "extra": {},
        })
    starts: list[dt.date] = [line["start_date"] for line in lines if line["start_date"]]
    ends: list[dt.date] = [line["end_date"] for line in lines if line["end_date"]]
    terms: list[int] = [line["subscription_term"] or 0 for line in lines]
    quote = {
        "number": f"Q-{quote_date.year}-{number:06d}",
        "revision": 1,
        "type": quote_type,
        "account_id": account_id,
        "external_id": f"a0Q{number:012d}",
        "currency": currency,
        "quote_date": quote_date,
        "start_date": min(starts, default=None),
        "end_date": max(ends, default=None),
        "subscription_term": max(terms, default=0) or None,
        "original_quote_number": None,
        "contract_number": (f"C-{rng.randint(10000, 99999)}"
                            if quote_type is not QuoteType.NEW else None),
        "net_total": total,
        "line_count": len(lines),
        "content_hash": None,
        "source_file": "sample data",
        "imported_at": now,
        "superseded": False,
    }
    return quote, lines

def line_quantity(rng: random.Random, product: catalog.Product) -> int:
    if product.kind is FulfillmentKind.PROVISION:
        return rng.choice((1, 5, 10, 25, 50, 100))
    if product.kind is FulfillmentKind.PERFORM:
        return rng.randint(1, 8)
    return rng.choice((1, 1, 2, 2, 4, 6, 10, 12, 24))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
