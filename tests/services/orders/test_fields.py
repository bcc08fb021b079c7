"""Every rule a typed value must follow, as a table: what is accepted, what is refused and why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qtc_desktop.domain import FulfillmentKind
from qtc_desktop.services.orders.fields import (
    HEADER_FIELDS,
    LINE_FIELDS,
    ValueRefused,
    format_value,
    parse_value,
)

FIELDS = {**HEADER_FIELDS, **LINE_FIELDS}

ACCEPTED = [
    # email
    ("contact_email", "einkauf@contoso.example", "einkauf@contoso.example"),
    ("contact_email", "  j.doe+orders@sub.example.co.uk ", "j.doe+orders@sub.example.co.uk"),
    ("activation_contact", "it-admin@northwind.example", "it-admin@northwind.example"),
    # phone
    ("contact_phone", "+49 89 123456", "+49 89 123456"),
    ("contact_phone", "(030) 1234-5678", "(030) 1234-5678"),
    ("contact_phone", "+1 555.010.4477", "+1 555.010.4477"),
    # country: ISO 3166-1 alpha-2, upper-cased
    ("ship_to_country", "DE", "DE"),
    ("bill_to_country", "gb", "GB"),
    ("ship_to_country", " us ", "US"),
    # incoterms 2020, upper-cased
    ("incoterms", "DAP", "DAP"),
    ("incoterms", "fca", "FCA"),
    ("incoterms", "EXW", "EXW"),
    # dates
    ("requested_date", "2026-07-15", dt.date(2026, 7, 15)),
    ("promised_date", "2000-01-01", dt.date(2000, 1, 1)),
    ("subscription_end", "2200-12-31", dt.date(2200, 12, 31)),
    # quantity: above zero, at most four decimal places, a decimal comma is fine
    ("quantity", "3", Decimal(3)),
    ("quantity", "1.5", Decimal("1.5")),
    ("quantity", "2,25", Decimal("2.25")),
    ("quantity", "0.0001", Decimal("0.0001")),
    ("quantity", "1.2500", Decimal("1.25")),
    ("quantity", "999999999", Decimal(999999999)),
    # kind
    ("kind", "ship", FulfillmentKind.SHIP),
    ("kind", "Provision", FulfillmentKind.PROVISION),
    ("kind", " PERFORM ", FulfillmentKind.PERFORM),
    # yes/no
    ("serialized", "yes", True), ("serialized", "Y", True), ("serialized", "true", True),
    ("serialized", "1", True), ("serialized", "no", False), ("serialized", "N", False),
    ("serialized", "false", False), ("serialized", "0", False), ("serialized", "", False),
    # serial numbers: commas, semicolons, new lines and tabs (a column pasted from Excel)
    ("serial_numbers", "SN-001, SN-002", ["SN-001", "SN-002"]),
    ("serial_numbers", "SN-001;SN-002\nSN-003\tSN-004", ["SN-001", "SN-002", "SN-003", "SN-004"]),
    ("serial_numbers", "SN-001,,  ,SN-002,", ["SN-001", "SN-002"]),
    ("serial_numbers", "", []),
    ("serial_numbers", "X" * 64, ["X" * 64]),
    # text: trimmed, blank clears, up to the column's length
    ("carrier", "  DHL Express ", "DHL Express"),
    ("carrier", "   ", None),
    ("requested_date", "", None),
    ("ship_to_country", "", None),
    ("contact_email", " ", None),
    ("ship_to_city", "M" * 128, "M" * 128),
    ("customer_po", "P" * 64, "P" * 64),
]

REFUSED = [
    ("contact_email", "einkauf.contoso.example", "not an email address"),
    ("contact_email", "einkauf@contoso", "not an email address"),
    ("contact_email", "ein kauf@contoso.example", "not an email address"),
    ("contact_email", "a@b@contoso.example", "not an email address"),
    ("activation_contact", "Jane Doe", "not an email address"),
    ("contact_email", "x" * 250 + "@a.example", "longer than 255 characters"),
    ("contact_phone", "12345", "not a phone number"),  # fewer than six digits
    ("contact_phone", "call Jane", "not a phone number"),
    ("contact_phone", "+49 89 123456 ext. 12", "not a phone number"),
    ("contact_phone", "+" + "1" * 64, "longer than 64 characters"),
    ("ship_to_country", "Germany", "not a two-letter country code"),
    ("ship_to_country", "UK", "not a two-letter country code"),  # GB is the ISO code
    ("bill_to_country", "DEU", "not a two-letter country code"),
    ("bill_to_country", "XX", "not a two-letter country code"),
    ("incoterms", "DDU", "not an Incoterm"),  # retired in 2010
    ("incoterms", "CIF Hamburg", "not an Incoterm"),
    ("requested_date", "15.07.2026", "not a date (YYYY-MM-DD)"),
    ("requested_date", "2026-02-30", "not a date"),
    ("promised_date", "next week", "not a date"),
    ("subscription_start", "1999-12-31", "not a plausible date"),
    ("subscription_end", "2201-01-01", "not a plausible date"),
    ("quantity", "0", "not a quantity above zero"),
    ("quantity", "-2", "not a quantity above zero"),
    ("quantity", "1000000000", "not a quantity above zero"),
    ("quantity", "Infinity", "not a quantity above zero"),
    ("quantity", "NaN", "not a quantity above zero"),
    ("quantity", "1.23456", "more than four decimal places"),
    ("quantity", "three", "not a number"),
    ("quantity", "", "is required"),
    ("kind", "deliver", "not ship, provision or perform"),
    ("kind", "", "is required"),
    ("serialized", "maybe", "not yes or no"),
    ("serial_numbers", "SN-001, SN-002, SN-001", "serial SN-001 appears twice"),
    ("serial_numbers", "S" * 65, "longer than 64 characters"),
    ("ship_to_city", "M" * 129, "longer than 128 characters"),
    ("ship_to_postal_code", "1" * 33, "longer than 32 characters"),
    ("customer_po", "P" * 65, "longer than 64 characters"),
    ("tenant", "t" * 256, "longer than 255 characters"),
    ("instructions", "i" * 4001, "longer than 4000 characters"),
]


@pytest.mark.parametrize(("name", "text", "expected"), ACCEPTED)
def test_accepted_values_and_what_they_become(name: str, text: str, expected: object) -> None:
    assert parse_value(FIELDS[name], text) == expected


def test_instructions_keep_their_line_breaks_up_to_4000_characters() -> None:
    note = "Deliver to loading dock B.\nCall ahead.\n"
    text = note + "x" * (4000 - len(note))
    assert parse_value(FIELDS["instructions"], text) == text


@pytest.mark.parametrize(("name", "text", "reason"), REFUSED)
def test_refused_values_say_why(name: str, text: str, reason: str) -> None:
    with pytest.raises(ValueRefused) as refused:
        parse_value(FIELDS[name], text)
    assert reason in str(refused.value)


def test_the_tables_cover_every_kind_of_field_both_ways() -> None:
    for table in (ACCEPTED, REFUSED):
        assert {FIELDS[name].kind for name, _, _ in table} == {field.kind for field in FIELDS.values()}


@pytest.mark.parametrize("name", [name for name, field in FIELDS.items() if field.max_length is not None])
def test_every_limited_field_refuses_one_character_too_many(name: str) -> None:
    # An email or phone that is too long is refused for its length before its shape.
    limit = FIELDS[name].max_length
    assert limit is not None
    text = "1" * (limit + 1) if FIELDS[name].kind != "email" else "a" * (limit - 9) + "@x.example"
    with pytest.raises(ValueRefused, match=f"longer than {limit} characters"):
        parse_value(FIELDS[name], text)


@pytest.mark.parametrize(("name", "value"), [
    ("quantity", Decimal("2.5000")), ("requested_date", dt.date(2026, 7, 15)), ("kind", FulfillmentKind.PERFORM),
    ("serialized", True), ("serialized", False), ("serial_numbers", ["SN-1", "SN-2"]), ("carrier", "UPS"),
    ("ship_to_country", "DE"), ("incoterms", "DAP"), ("contact_phone", "+49 89 123456"),
])
def test_a_shown_value_reads_back_as_the_same_value(name: str, value: object) -> None:
    assert parse_value(FIELDS[name], format_value(value)) == value
