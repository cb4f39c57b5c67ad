"""Keyset pagination for connections: cursors are opaque, stable under inserts."""

from __future__ import annotations

import base64
import binascii
import re

from bankcore.errors import DomainError, ErrorCode

MAX_PAGE = 100
DEFAULT_PAGE = 50
MAX_CURSOR_CHARS = 64
# What a key inside each kind of cursor looks like: member and account numbers are digit
# strings, entry and audit ids positive integers that fit a BIGINT (18 digits do).
_KEYS = {
    "member": re.compile(r"^[0-9]{1,20}$"),
    "account": re.compile(r"^[0-9]{1,20}$"),
    "entry": re.compile(r"^[1-9][0-9]{0,17}$"),
    "audit": re.compile(r"^[1-9][0-9]{0,17}$"),
}


def encode_cursor(kind: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The key inside ``cursor`` (None when no cursor).

    Only cursors this API made pass: strict base64 of ``<kind>:<key>`` with the key in the
    shape of its kind. Anything else (another connection's cursor, a hand-made one, an id
    too large for the database) raises ``DomainError(INVALID_INPUT)`` naming ``after``.
    """
    if cursor is None:
        return None
    invalid = DomainError(ErrorCode.INVALID_INPUT, "cursor is not valid", field="after")
    if len(cursor) > MAX_CURSOR_CHARS or not cursor.isascii():
        raise invalid
    try:
        text = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode("ascii")
    except (ValueError, UnicodeError, binascii.Error):
        raise invalid from None
    prefix, _, key = text.partition(":")
    pattern = _KEYS.get(kind)
    if prefix != kind or pattern is None or not pattern.match(key):
        raise invalid
    return key


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"first must be 1-{MAX_PAGE}", field="first")
    return first
