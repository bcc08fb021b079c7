"""A stored value as a person reads it: the one spelling fields, history and exports share."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal


def show(value: object) -> str:
    """"" for nothing, yes/no, "a, b" for lists, plain decimals, ISO dates, enum values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)
