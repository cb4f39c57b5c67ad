"""Sessions: opaque bearer tokens, expiry, refresh with rotation, revocation.

A session token is 256 random bits (``secrets.token_urlsafe(32)``); the database keeps
only its SHA-256 hash, so a copy of the table gives no usable token. A session ends at
its absolute expiry, after ``idle_timeout_s`` without a request, or when revoked.

Refresh (staff and members): a refresh token is single-use. ``refresh_session`` marks it
used, issues a new session token (the old one stops working at once) and a new refresh
token in the same family. A refresh token presented twice means a copy exists elsewhere:
every session of the family is revoked (OAuth 2.0 Security BCP, refresh token rotation
with reuse detection). Refreshing counts as activity but cannot revive an idle or
expired session, nor extend the absolute expiry.

Revocation (sign-out, admin action, reuse) is effective on the next request, since
``authenticate`` reads the session row every time, and is published as
``SessionRevoked`` on the broker topics ``sessions`` and ``session:<id>`` after commit,
so open WebSockets close at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import SessionRevoked, broker
from bankcore.events_relay import notify_other_instances, relay_active
from bankcore.identity.clock import hash_token, new_token, utcnow
from bankcore.models import (
    AuditOutcome,
    AuthSession,
    PrincipalKind,
    RefreshToken,
    StaffRole,
    StaffUser,
)

# ARCHITECTURE.md 4: staff idle 15 min, absolute 12 h. Members get the same: the portal
# moves money, and a phone left unlocked is the member's shared-computer case.
STAFF_IDLE_TIMEOUT_S = 15 * 60
STAFF_ABSOLUTE_TIMEOUT_S = 12 * 3600
MEMBER_IDLE_TIMEOUT_S = 15 * 60
MEMBER_ABSOLUTE_TIMEOUT_S = 12 * 3600
# Partner bearer tokens are short-lived; the client re-authenticates (no refresh token).
PARTNER_TOKEN_TTL_S = 15 * 60
# last_seen_at is written at most this often, so busy sessions do not write on every
# request. Idle expiry may therefore come up to this much early, never late.
TOUCH_INTERVAL_S = 30


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is behind a request, as ``authenticate`` found it.

    ``id`` is the staff user id, member id or API client row id according to ``kind``.
    ``role`` and ``branch_id`` are set for staff, ``member_id`` for members (and for partners bound to a member), ``scopes``
    for partners (the subset granted to this token); ``client_id`` is the partner's public
    client id. ``session_id`` identifies the session (for revocation and WebSocket close).
    """

    kind: PrincipalKind
    id: int
    session_id: int
    role: StaffRole | None = None
    branch_id: int | None = None
    member_id: int | None = None
    client_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # Staff after an admin's password reset: only changing the password is allowed.
    must_change_password: bool = False

    @property
    def actor(self) -> str:
        """How the audit log names this principal, e.g. ``staff:12``."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new or refreshed session. ``token`` is the bearer token; ``refresh_token`` is None for partners.

    Both are shown to the client once and never stored; ``expires_at`` is the absolute
    expiry, ``idle_timeout_s`` the seconds of inactivity after which the token stops working.
    """

    session_id: int
    token: str
    refresh_token: str | None
    expires_at: datetime
    idle_timeout_s: int
    principal_kind: PrincipalKind
    principal_id: int


def timeouts_for(kind: PrincipalKind) -> tuple[int, int]:
    """(idle, absolute) timeouts in seconds for a kind of principal."""
    if kind is PrincipalKind.STAFF:
        return STAFF_IDLE_TIMEOUT_S, STAFF_ABSOLUTE_TIMEOUT_S
    if kind is PrincipalKind.MEMBER:
        return MEMBER_IDLE_TIMEOUT_S, MEMBER_ABSOLUTE_TIMEOUT_S
    return PARTNER_TOKEN_TTL_S, PARTNER_TOKEN_TTL_S


def _alive(session: AuthSession, now: datetime) -> bool:
    return (
        session.revoked_at is None
        and now < session.expires_at
        and now < session.last_seen_at + timedelta(seconds=session.idle_timeout_s)
    )


async def open_session(
    *,
    kind: PrincipalKind,
    principal_id: int,
    now: datetime,
    scopes: frozenset[str] | None = None,
    with_refresh: bool = True,
) -> IssuedSession:
    """Create a session (and a refresh token, unless ``with_refresh=False``) with the kind's timeouts.

    Used by the sign-in services after both steps succeeded; it checks nothing itself.
    """
    idle_s, absolute_s = timeouts_for(kind)
    token = new_token()
    refresh = new_token() if with_refresh else None
    expires_at = now + timedelta(seconds=absolute_s)
    async with in_transaction():
        session = await AuthSession.create(
            token_hash=hash_token(token), principal_kind=kind, principal_id=principal_id,
            scopes=" ".join(sorted(scopes)) if scopes is not None else None,
            created_at=now, last_seen_at=now, expires_at=expires_at, idle_timeout_s=idle_s,
        )
        if refresh is not None:
            await RefreshToken.create(
                token_hash=hash_token(refresh), session=session, family=secrets.token_hex(16),
                created_at=now, expires_at=expires_at,
            )
    return IssuedSession(session.id, token, refresh, expires_at, idle_s, kind, principal_id)


async def authenticate(token: str | None, *, now: datetime | None = None) -> Principal | None:
    """The principal holding ``token``, or None if the token is unknown, revoked, idle or expired.

    Touches ``last_seen_at`` (at most every ``TOUCH_INTERVAL_S``). For staff, reads the user
    row too, so a deactivated user or a changed role takes effect on the next request.
    Never raises for a bad token: the caller answers "not signed in".
    """
    if not token:
        return None
    now = now or utcnow()
    session = await AuthSession.get_or_none(token_hash=hash_token(token))
    if session is None or not _alive(session, now):
        return None
    if (now - session.last_seen_at).total_seconds() >= TOUCH_INTERVAL_S:
        await AuthSession.filter(id=session.id).update(last_seen_at=now)
    return await _principal_of(session)


async def _principal_of(session: AuthSession) -> Principal | None:
    """The principal a live session stands for; None when its staff user or API client is inactive."""
    kind = PrincipalKind(session.principal_kind)
    if kind is PrincipalKind.STAFF:
        user = await StaffUser.get_or_none(id=session.principal_id).only(
            "id", "role", "branch_id", "active", "must_change_password")
        if user is None or not user.active:
            return None
        return Principal(kind, user.id, session.id, role=StaffRole(user.role), branch_id=user.branch_id,
                         must_change_password=user.must_change_password)
    if kind is PrincipalKind.MEMBER:
        return Principal(kind, session.principal_id, session.id, member_id=session.principal_id)
    from bankcore.models import ApiClient

    client = await ApiClient.get_or_none(id=session.principal_id).only("id", "client_id", "active", "member_id")
    if client is None or not client.active:
        return None
    scopes = frozenset((session.scopes or "").split())
    return Principal(kind, client.id, session.id, client_id=client.client_id, scopes=scopes, member_id=client.member_id)


async def refresh_session(*, refresh_token: str, now: datetime | None = None) -> IssuedSession:
    """Rotate: a new session token and refresh token for a live session; the used refresh token dies.

    Raises ``DomainError``: ``INVALID_CREDENTIALS`` (unknown refresh token),
    ``SESSION_EXPIRED`` (the session is revoked, idle or past its absolute expiry),
    ``REFRESH_REUSED`` (the token was already used: every session of its family is now
    revoked and ``SessionRevoked`` published; the client must sign in again).
    """
    now = now or utcnow()
    digest = hash_token(refresh_token)
    outcome = "ok"
    issued: IssuedSession | None = None
    async with in_transaction():
        # Claim the token first: of two concurrent refreshes with one token, exactly one wins.
        claimed = await RefreshToken.filter(token_hash=digest, used_at__isnull=True).update(used_at=now)
        row = await RefreshToken.get_or_none(token_hash=digest)
        if row is None:
            outcome = "unknown"
        elif claimed == 0:
            outcome = "reused"
        else:
            session = await AuthSession.filter(id=row.session_id).select_for_update().first()
            if session is None or not _alive(session, now) or now >= row.expires_at:
                outcome = "expired"
            else:
                token, refresh = new_token(), new_token()
                session.token_hash = hash_token(token)
                session.last_seen_at = now
                await session.save(update_fields=["token_hash", "last_seen_at"])
                await RefreshToken.create(
                    token_hash=hash_token(refresh), session=session, family=row.family,
                    created_at=now, expires_at=row.expires_at,
                )
                issued = IssuedSession(
                    session.id, token, refresh, session.expires_at, session.idle_timeout_s,
                    PrincipalKind(session.principal_kind), session.principal_id,
                )
    if outcome == "unknown":
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "unknown refresh token")
    if outcome == "expired":
        raise DomainError(ErrorCode.SESSION_EXPIRED, "session expired, please sign in again")
    if outcome == "reused":
        assert row is not None
        session_ids = set(await RefreshToken.filter(family=row.family).values_list("session_id", flat=True))
        for session_id in sorted(session_ids):
            await revoke_session(session_id=session_id, reason="refresh token reused", actor="system", now=now)
        await append_audit(
            actor="anonymous", action="session.refresh", outcome=AuditOutcome.DENIED, object_type="session",
            object_id=row.session_id, details={"reason": "refresh token reused", "family_sessions": sorted(session_ids)},
            now=now,
        )
        raise DomainError(ErrorCode.REFRESH_REUSED, "this sign-in was ended for safety, please sign in again")
    assert issued is not None
    return issued


async def revoke_session(*, session_id: int, reason: str, actor: str, now: datetime | None = None) -> bool:
    """End session ``session_id`` now; True if it was live (False: unknown or already revoked).

    Publishes ``SessionRevoked`` after commit and writes ``session.revoke`` to the audit log.
    ``reason`` is short text (``sign-out``, ``revoked by admin``), never a secret.
    """
    now = now or utcnow()
    changed = await AuthSession.filter(id=session_id, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason[:100]
    )
    if not changed:
        return False
    session = await AuthSession.get(id=session_id)
    await append_audit(
        actor=actor, action="session.revoke", outcome=AuditOutcome.OK, object_type="session", object_id=session_id,
        details={"reason": reason, "principal": f"{session.principal_kind}:{session.principal_id}"}, now=now,
    )
    event = SessionRevoked(session_id, str(session.principal_kind), session.principal_id, reason)
    await notify_other_instances(event)
    if not relay_active():  # with a relay, the notification comes back to this process too
        broker.publish(event)
    return True


async def revoke_sessions_of(
    *, kind: PrincipalKind, principal_id: int, reason: str, actor: str, now: datetime | None = None
) -> int:
    """End every live session of one principal, everywhere, at once: the hook for every change
    that must (deactivation, role or scope change, password reset, "sign out everywhere").

    Call it after committing the change. Each session is revoked in the database (HTTP
    requests stop at once) and ``SessionRevoked`` is published on this instance and, on
    PostgreSQL, on every other one, so each open WebSocket of the principal is closed
    (code 4403) within a second. ``reason`` is short text for the audit log
    (``role changed``), never a secret. Returns how many were ended.
    """
    now = now or utcnow()
    ids = await AuthSession.filter(
        principal_kind=kind, principal_id=principal_id, revoked_at__isnull=True, expires_at__gt=now
    ).values_list("id", flat=True)
    count = 0
    for session_id in sorted(ids):
        count += await revoke_session(session_id=session_id, reason=reason, actor=actor, now=now)
    return count


async def sign_out(*, token: str, now: datetime | None = None) -> bool:
    """End the session holding ``token``; True if there was a live one. Never raises for a bad token."""
    session = await AuthSession.get_or_none(token_hash=hash_token(token)).only("id", "principal_kind", "principal_id")
    if session is None:
        return False
    actor = f"{session.principal_kind}:{session.principal_id}"
    return await revoke_session(session_id=session.id, reason=SIGN_OUT_REASON, actor=actor, now=now)


# --- for long-lived connections (WebSockets): when does a session end? -----------------------

SIGN_OUT_REASON = "sign-out"


@dataclass(frozen=True, slots=True)
class SessionCheck:
    """What ``check_session`` found.

    ``principal`` is None when the session no longer authenticates anyone; ``ended`` then
    says why: ``signed-out``, ``expired`` (absolute expiry, a partner token's end),
    ``idle``, ``revoked`` (an admin, reuse detection, a password change), or ``inactive``
    (the staff user or API client was deactivated). For a live session, ``ends_at`` is
    when it will end by itself unless a request comes first (idle or absolute, whichever
    is sooner).
    """

    principal: Principal | None
    ends_at: datetime | None = None
    ended: str | None = None


async def check_session(session_id: int, *, now: datetime | None = None) -> SessionCheck:
    """Whether session ``session_id`` is still live, without counting as activity.

    For a connection that stays open (a WebSocket) to re-check its session on a timer: it
    reads the session row and the staff user or API client, but never touches
    ``last_seen_at``, so watching a session cannot keep it alive.
    """
    now = now or utcnow()
    session = await AuthSession.get_or_none(id=session_id)
    if session is None:
        return SessionCheck(None, ended="revoked")
    if session.revoked_at is not None:
        return SessionCheck(None, ended="signed-out" if session.revoked_reason == SIGN_OUT_REASON else "revoked")
    idle_end = session.last_seen_at + timedelta(seconds=session.idle_timeout_s)
    if now >= session.expires_at:
        return SessionCheck(None, ended="expired")
    if now >= idle_end:
        return SessionCheck(None, ended="idle")
    principal = await _principal_of(session)
    if principal is None:
        return SessionCheck(None, ended="inactive")
    return SessionCheck(principal, ends_at=min(session.expires_at, idle_end))



async def note_session_origin(*, session_id: int, device: str | None, client_address: str | None) -> None:
    """Record where a new session was opened (the browser or app, the IP address) for its holder to see."""
    device = " ".join((device or "").split())[:200] or None
    address = (client_address or "").strip()[:64] or None
    if device or address:
        await AuthSession.filter(id=session_id).update(device=device, client_address=address)
