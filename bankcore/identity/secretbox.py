"""Secrets at rest: AES-256-GCM with keys from the environment, and a key id beside each ciphertext.

TOTP secrets (staff and members) are stored sealed, never as the base32 text an
authenticator app needs, so a copy of the database (a backup, a replica, a SQL injection
elsewhere) does not let anyone generate sign-in codes.

Keys: ``COOPBANK_SECRET_KEYS`` holds one or more ``id:key`` pairs separated by commas, each
key 32 random bytes in URL-safe base64 (``coopbank rotate-keys --generate`` prints one).
The first pair seals new secrets; the others can still open what they sealed. To rotate:
put a new pair first, keep the old one after it, run ``coopbank rotate-keys`` (re-seals
every secret under the first key), then drop the old pair. Without the variable a fixed
development key (id ``dev``) is used, and ``coopbank serve`` refuses to run on PostgreSQL
with it unless told ``--insecure-dev-keys``.

Each ciphertext is bound to its row by the associated data (``staff_user:7:totp``), so a
sealed secret copied onto another row does not open. Rows written before encryption
(``key_id`` null) hold the plain base32 secret; ``open_secret`` still reads them and
``coopbank rotate-keys`` seals them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV = "COOPBANK_SECRET_KEYS"
DEV_KEY_ID = "dev"
# Development only: derived from a public string, so it protects nothing.
_DEV_KEY = hashlib.sha256(b"coopbank-development-secret-key").digest()
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_NONCE_BYTES = 12


class SecretKeyError(RuntimeError):
    """The key configuration is malformed, or a stored secret's key is not configured (or does not open it)."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """The configured keys: ``current`` seals, every key in ``keys`` opens."""

    current: str
    keys: dict[str, bytes]

    @property
    def is_development(self) -> bool:
        return self.current == DEV_KEY_ID


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_keys(value: str) -> Keyring:
    """Parse ``id:key,id:key``; raises ``SecretKeyError`` naming what is wrong (never the key)."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not _KEY_ID_RE.match(key_id):
            raise SecretKeyError(f"{ENV}: each entry is id:key, the id 1-16 of A-Z a-z 0-9 _ -")
        try:
            key = _b64decode(encoded.strip())
        except ValueError:
            raise SecretKeyError(f"{ENV}: key {key_id} is not URL-safe base64") from None
        if len(key) != 32:
            raise SecretKeyError(f"{ENV}: key {key_id} must be 32 bytes (AES-256), it is {len(key)}")
        if key_id in keys:
            raise SecretKeyError(f"{ENV}: key id {key_id} appears twice")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise SecretKeyError(f"{ENV} is set but holds no key")
    return Keyring(order[0], keys)


def keyring() -> Keyring:
    """The keys from ``COOPBANK_SECRET_KEYS`` (read each time, so tests and rotations see changes),
    or the development key when it is unset."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return Keyring(DEV_KEY_ID, {DEV_KEY_ID: _DEV_KEY})
    ring = parse_keys(value)
    # Secrets sealed under the development key stay readable after real keys are configured,
    # until `coopbank rotate-keys` re-seals them.
    ring.keys.setdefault(DEV_KEY_ID, _DEV_KEY)
    return ring


def using_development_key() -> bool:
    """True when secrets would be sealed with the public development key."""
    return keyring().is_development


def generate_key(key_id: str | None = None) -> str:
    """A fresh ``id:key`` pair for ``COOPBANK_SECRET_KEYS`` (32 random bytes)."""
    key_id = key_id or f"k{secrets.token_hex(3)}"
    if not _KEY_ID_RE.match(key_id):
        raise SecretKeyError("a key id is 1-16 of A-Z a-z 0-9 _ -")
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('=')}"


def seal(plaintext: str, *, aad: str, ring: Keyring | None = None) -> tuple[str, str]:
    """Encrypt ``plaintext`` under the current key; returns ``(key_id, ciphertext)``.

    ``ciphertext`` is URL-safe base64 of a 12-byte random nonce followed by the AES-GCM
    output; ``aad`` (e.g. ``member_credential:42:totp``) must be given again to open it.
    """
    ring = ring or keyring()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current]).encrypt(nonce, plaintext.encode(), aad.encode())
    return ring.current, base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_secret(key_id: str | None, ciphertext: str, *, aad: str, ring: Keyring | None = None) -> str:
    """Decrypt what ``seal`` returned. ``key_id=None`` marks a row from before encryption:
    its text is returned as it is.

    Raises ``SecretKeyError`` when the key id is not configured or the ciphertext does not
    open under it with ``aad`` (a wrong key, a tampered or moved value).
    """
    if key_id is None:
        return ciphertext
    ring = ring or keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise SecretKeyError(f"secret sealed with key {key_id}, which is not in {ENV}")
    raw = _b64decode(ciphertext)
    try:
        return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], aad.encode()).decode()
    except (InvalidTag, ValueError):
        raise SecretKeyError(f"a secret sealed with key {key_id} does not open ({aad})") from None


def totp_aad(table: str, row_id: int) -> str:
    """The associated data binding a TOTP secret to its row."""
    return f"{table}:{row_id}:totp"
