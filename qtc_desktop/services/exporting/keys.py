"""Row keys: which order (and line) a row is, at which version, signed so a forged or damaged
key is refused. The secret is the export batch's token, which never leaves the database."""

from __future__ import annotations

import functools
import hmac
import re

_KEY = re.compile(r"^(\d+)-(\d+)-([0-9a-f]{16})$")


def row_key(secret: str, order_id: int, line_id: int | None, version: int) -> str:
    return f"{order_id}-{line_id or 0}-{_signature(secret, order_id, line_id or 0, version)}"


def read_key(secret: str, text: str, version: int) -> tuple[int, int | None] | None:
    """(order id, line id or None) of a genuine key for this version; None for anything else."""
    match = _KEY.match(text.strip())
    if match is None:
        return None
    order_id, line_id = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(match.group(3), _signature(secret, order_id, line_id, version)):
        return None
    return order_id, line_id or None


def _signature(secret: str, order_id: int, line_id: int, version: int) -> str:
    # hmac.digest: the HMAC-SHA256 of hmac.new(...).hexdigest() in one call; an export signs every row,
    # a re-import checks every row. Its first 8 bytes are the first 16 hex digits.
    return hmac.digest(_encoded(secret), b"%d:%d:%d" % (order_id, line_id, version), "sha256")[:8].hex()


@functools.lru_cache(maxsize=8)
def _encoded(secret: str) -> bytes:
    return secret.encode()
