"""The identity services' clock and token helpers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, aware, in UTC. Services take ``now=`` to override it in tests."""
    return datetime.now(UTC)


def new_token() -> str:
    """An opaque bearer token: 32 random bytes, URL-safe base64 (256 bits, not guessable)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex of ``token``: what the database keeps instead of the token.

    A plain hash is enough (no salt, no argon2) because tokens carry 256 random bits: no
    dictionary or brute force reaches them, and lookup by hash stays one index probe.
    """
    return hashlib.sha256(token.encode()).hexdigest()
