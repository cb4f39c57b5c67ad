"""Keyset pagination for connections: cursors are opaque, stable under inserts."""

from __future__ import annotations

import base64

from bankcore.errors import DomainError, ErrorCode

MAX_PAGE = 100


def encode_cursor(kind: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The key inside ``cursor`` (None when no cursor). Raises DomainError(INVALID_INPUT)."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeError):
        raise DomainError(ErrorCode.INVALID_INPUT, "cursor is not valid", field="after") from None
    prefix, _, key = text.partition(":")
    if prefix != kind or not key:
        raise DomainError(ErrorCode.INVALID_INPUT, "cursor is not valid", field="after")
    return key


def page_size(first: int | None) -> int:
    if first is None:
        return 50
    if not 1 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"first must be 1-{MAX_PAGE}", field="first")
    return first
