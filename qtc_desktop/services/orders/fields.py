"""The order and line fields a coordinator fills in, and the rule each value must follow."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from qtc_desktop.domain import FulfillmentKind
from qtc_desktop.domain.values import show

Kind = Literal["text", "email", "phone", "country", "date", "incoterms", "quantity", "kind", "flag", "serials"]

INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
# ISO 3166-1 alpha-2: the two letters addresses and customs papers use.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
""".split())
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_SERIAL_SPLIT = re.compile(r"[,;\n\t]+")


@dataclass(frozen=True)
class OrderField:
    name: str  # the attribute on FulfillmentOrder or FulfillmentOrderLine
    label: str
    kind: Kind = "text"
    max_length: int | None = None


def _text(name: str, label: str, length: int) -> OrderField:
    return OrderField(name, label, "text", length)


HEADER_FIELDS: dict[str, OrderField] = {field.name: field for field in (
    _text("ship_to_name", "Ship-to name", 255), _text("ship_to_street", "Ship-to street", 255),
    _text("ship_to_city", "Ship-to city", 128), _text("ship_to_postal_code", "Ship-to postal code", 32),
    _text("ship_to_region", "Ship-to region", 128), OrderField("ship_to_country", "Ship-to country", "country"),
    _text("bill_to_name", "Bill-to name", 255), _text("bill_to_street", "Bill-to street", 255),
    _text("bill_to_city", "Bill-to city", 128), _text("bill_to_postal_code", "Bill-to postal code", 32),
    _text("bill_to_region", "Bill-to region", 128), OrderField("bill_to_country", "Bill-to country", "country"),
    _text("contact_name", "Contact", 255), OrderField("contact_email", "Contact email", "email", 255),
    OrderField("contact_phone", "Contact phone", "phone", 64), _text("customer_po", "Customer PO", 64),
    OrderField("requested_date", "Requested date", "date"), OrderField("promised_date", "Promised date", "date"),
    _text("carrier", "Carrier", 64), _text("service_level", "Service level", 64),
    OrderField("incoterms", "Incoterms", "incoterms"), _text("warehouse", "Warehouse", 64),
    OrderField("instructions", "Instructions", "text", 4000),
    _text("erp_order_number", "ERP order number", 64),
)}

LINE_FIELDS: dict[str, OrderField] = {field.name: field for field in (
    OrderField("quantity", "Quantity to fulfil", "quantity"), OrderField("kind", "Fulfillment", "kind"),
    OrderField("serialized", "Serialized", "flag"), OrderField("serial_numbers", "Serial numbers", "serials"),
    _text("location", "Bin location", 64), _text("tenant", "Tenant", 255),
    _text("licence_key", "Licence key", 255), OrderField("activation_contact", "Activation contact", "email", 255),
    OrderField("subscription_start", "Subscription start", "date"),
    OrderField("subscription_end", "Subscription end", "date"),
)}


class ValueRefused(ValueError):
    """A value a field cannot take; the message says why in a few words."""


def parse_value(field: OrderField, text: str) -> object:
    """The typed value of what was typed into a field; blank text clears the field."""
    raw = text.strip()
    if field.kind == "serials":
        return _serials(raw)
    if field.kind == "flag":
        if raw.lower() in ("", "0", "no", "false", "n"):
            return False
        if raw.lower() in ("1", "yes", "true", "y"):
            return True
        raise ValueRefused(f"'{raw}' is not yes or no")
    if not raw:
        if field.kind in ("quantity", "kind"):
            raise ValueRefused("is required")
        return None
    if field.max_length is not None and len(raw) > field.max_length:
        raise ValueRefused(f"is longer than {field.max_length} characters")
    if "\x00" in raw:  # PostgreSQL's text cannot hold it; refused alike on every engine
        raise ValueRefused("contains a NUL character (U+0000)")
    if field.kind == "email" and not _EMAIL.match(raw):
        raise ValueRefused(f"'{raw}' is not an email address")
    if field.kind == "phone" and (not _PHONE.match(raw) or sum(ch.isdigit() for ch in raw) < 6):
        raise ValueRefused(f"'{raw}' is not a phone number")
    if field.kind == "country":
        if raw.upper() not in COUNTRIES:
            raise ValueRefused(f"'{raw}' is not a two-letter country code (ISO 3166, e.g. DE, US)")
        return raw.upper()
    if field.kind == "incoterms":
        if raw.upper() not in INCOTERMS:
            raise ValueRefused(f"'{raw}' is not an Incoterm ({', '.join(INCOTERMS)})")
        return raw.upper()
    if field.kind == "date":
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueRefused(f"'{raw}' is not a date (YYYY-MM-DD)") from None
        if not 2000 <= value.year <= 2200:
            raise ValueRefused(f"{raw} is not a plausible date")
        return value
    if field.kind == "quantity":
        try:
            quantity = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValueRefused(f"'{raw}' is not a number") from None
        if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e9"):
            raise ValueRefused(f"{raw} is not a quantity above zero")
        if quantity != quantity.quantize(Decimal("0.0001")):
            raise ValueRefused(f"{raw} has more than four decimal places")
        return quantity
    if field.kind == "kind":
        try:
            return FulfillmentKind(raw.lower())
        except ValueError:
            raise ValueRefused(f"'{raw}' is not ship, provision or perform") from None
    return raw


def format_value(value: object) -> str:
    """A stored value as a field shows it, the inverse of parse_value."""
    return show(value)


def _serials(raw: str) -> list[str]:
    serials = [part.strip() for part in _SERIAL_SPLIT.split(raw) if part.strip()]
    seen: set[str] = set()
    for serial in serials:
        if len(serial) > 64:
            raise ValueRefused(f"serial '{serial[:20]}…' is longer than 64 characters")
        if serial in seen:
            raise ValueRefused(f"serial {serial} appears twice")
        seen.add(serial)
    return serials
