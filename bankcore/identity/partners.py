"""Partner API clients: the OAuth 2.0 client-credentials grant, with scopes.

A client gets a ``client_id`` and a secret once (``create_api_client``) and trades them
for a 15-minute bearer token limited to the scopes it asks for (``issue_client_token``).

Why SHA-256 and not argon2 for the client secret: argon2 is there to make guessing a
human-chosen password slow. A client secret is 256 random bits made by the bank
(``secrets.token_urlsafe(32)``): no guess reaches it however fast the hash, so a slow
hash buys nothing, while it would cost 0.2 s of CPU on every token request and hand
anyone who can reach the token endpoint a cheap way to exhaust the server. RFC 6749
section 10.3 asks for secrets that cannot be guessed; OWASP's password storage guidance
treats high-entropy machine secrets the same way. Comparison is constant-time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.clock import hash_token, utcnow
from bankcore.identity.sessions import open_session, revoke_sessions_of
from bankcore.models import ApiClient, AuditOutcome, PrincipalKind, StaffUser

# Scopes a partner may be granted (resource:verb).
KNOWN_SCOPES: tuple[str, ...] = ("accounts:read", "transfers:write", "entries:read", "webhooks:manage")
_DUMMY_SECRET_HASH = hash_token("no client has this secret")


@dataclass(frozen=True, slots=True)
class NewApiClient:
    """A created client and its secret. The secret is shown this once and never again."""

    client: ApiClient
    client_secret: str


@dataclass(frozen=True, slots=True)
class PartnerToken:
    """A bearer token for a partner: valid until ``expires_at`` (15 min), for ``scopes`` only."""

    token: str
    expires_at: datetime
    scopes: frozenset[str]
    session_id: int


def validate_scopes(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes as a set, if every one is in ``KNOWN_SCOPES`` and there is at least one.

    Raises ``DomainError(INVALID_SCOPE, field="scopes")`` naming the unknown scope.
    """
    wanted = frozenset(s.strip() for s in scopes if s.strip())
    unknown = sorted(wanted - set(KNOWN_SCOPES))
    if unknown:
        raise DomainError(ErrorCode.INVALID_SCOPE, f"unknown scope {unknown[0]}", field="scopes")
    if not wanted:
        raise DomainError(ErrorCode.INVALID_SCOPE, "at least one scope is needed", field="scopes")
    return wanted


async def create_api_client(
    *, name: str, scopes: Iterable[str], created_by: int, member_number: str | None = None
) -> NewApiClient:
    """Register a partner application allowed ``scopes``; returns it with its secret (shown once).

    ``created_by`` is the id of the staff user (an admin) doing it. ``member_number`` binds
    the client to the member it acts for (their consent is the bank's business): it will
    see and move only that member's money; a client bound to nobody sees no accounts.
    Raises ``DomainError``: ``INVALID_INPUT`` (name), ``INVALID_SCOPE``, ``NOT_FOUND``
    (staff user or member).
    """
    label = " ".join(name.split())
    if not 1 <= len(label) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "name must be 1-100 characters", field="name")
    granted = validate_scopes(scopes)
    if not await StaffUser.filter(id=created_by).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="created_by")
    member_id = None
    if member_number is not None:
        from bankcore.models import Member

        member = await Member.get_or_none(member_number=member_number).only("id")
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
        member_id = member.id
    secret = secrets.token_urlsafe(32)
    client = await ApiClient.create(
        client_id=f"pc_{secrets.token_hex(8)}", secret_hash=hash_token(secret), name=label,
        scopes=" ".join(sorted(granted)), created_by_id=created_by, member_id=member_id,
    )
    await append_audit(
        actor=f"staff:{created_by}", action="api_client.create", outcome=AuditOutcome.OK, object_type="api_client",
        object_id=client.client_id, details={"name": label, "scopes": sorted(granted)},
    )
    return NewApiClient(client, secret)


async def issue_client_token(
    *, client_id: str, client_secret: str, scopes: Iterable[str] | None = None, now: datetime | None = None
) -> PartnerToken:
    """Trade client credentials for a 15-minute bearer token limited to ``scopes``.

    ``scopes`` must be a subset of the client's scopes (None: all of them), as RFC 6749
    section 3.3 lets a client ask for less than it may have. Raises ``DomainError``:
    ``INVALID_CREDENTIALS`` (unknown client, wrong secret, inactive client: one answer),
    ``INVALID_SCOPE`` (unknown scope or one the client was not granted). Audited as
    ``partner.token``.
    """
    now = now or utcnow()
    client = await ApiClient.get_or_none(client_id=client_id.strip())
    stored = client.secret_hash if client is not None and client.active else _DUMMY_SECRET_HASH
    if not hmac.compare_digest(stored, hash_token(client_secret)) or client is None or not client.active:
        await append_audit(
            actor="anonymous", action="partner.token", outcome=AuditOutcome.DENIED, object_type="api_client",
            object_id=client_id.strip()[:60], details={"reason": "bad client credentials"}, now=now,
        )
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong client id or secret")
    allowed = frozenset(client.scopes.split())
    wanted = allowed if scopes is None else validate_scopes(scopes)
    if not wanted <= allowed:
        await append_audit(
            actor=f"partner:{client.id}", action="partner.token", outcome=AuditOutcome.DENIED,
            object_type="api_client", object_id=client.client_id,
            details={"reason": "scope not granted", "requested": sorted(wanted)}, now=now,
        )
        raise DomainError(ErrorCode.INVALID_SCOPE, f"scope {min(wanted - allowed)} is not granted", field="scopes")
    session = await open_session(kind=PrincipalKind.PARTNER, principal_id=client.id, now=now, scopes=wanted,
                                 with_refresh=False)
    await append_audit(
        actor=f"partner:{client.id}", action="partner.token", outcome=AuditOutcome.OK, object_type="session",
        object_id=session.session_id, details={"scopes": sorted(wanted)}, now=now,
    )
    return PartnerToken(session.token, session.expires_at, wanted, session.session_id)


async def deactivate_api_client(*, client_id: str, actor: str, now: datetime | None = None) -> int:
    """Stop a client: no new tokens, and its live tokens end now. Returns how many tokens ended.

    Raises ``DomainError(NOT_FOUND)``.
    """
    client = await ApiClient.get_or_none(client_id=client_id)
    if client is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such API client", field="client_id")
    await ApiClient.filter(id=client.id).update(active=False)
    await append_audit(actor=actor, action="api_client.deactivate", outcome=AuditOutcome.OK, object_type="api_client",
                       object_id=client.client_id)
    return await revoke_sessions_of(kind=PrincipalKind.PARTNER, principal_id=client.id, reason="client deactivated",
                                    actor=actor, now=now)


async def rotate_client_secret(*, client_id: str, actor: str, now: datetime | None = None) -> NewApiClient:
    """Give a client a new secret (shown once); the old secret stops working and its live tokens end.

    Raises ``DomainError(NOT_FOUND)``.
    """
    client = await ApiClient.get_or_none(client_id=client_id)
    if client is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such API client", field="client_id")
    secret = secrets.token_urlsafe(32)
    await ApiClient.filter(id=client.id).update(secret_hash=hash_token(secret))
    client.secret_hash = hash_token(secret)
    await append_audit(actor=actor, action="api_client.rotate_secret", outcome=AuditOutcome.OK,
                       object_type="api_client", object_id=client.client_id, now=now)
    await revoke_sessions_of(kind=PrincipalKind.PARTNER, principal_id=client.id, reason="client secret rotated",
                             actor=actor, now=now)
    return NewApiClient(client, secret)
