"""Types of the identity mutations and of staff users, API clients and audit events."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from bankcore.identity.sessions import IssuedSession
from bankcore.identity.totp import TotpEnrolment


@strawberry.enum(description="Who is signing in.")
class PrincipalKindInput(Enum):
    STAFF = "staff"
    MEMBER = "member"


@strawberry.type(name="SessionTokens", description="A signed-in session. Send `token` as `Authorization: Bearer <token>` (or in the WebSocket connection_init payload as `{\"authorization\": \"Bearer <token>\"}`).")
class SessionTokensType:
    token: str = strawberry.field(description="Bearer token; expires after idleTimeoutS of inactivity or at expiresAt.")
    refresh_token: str | None = strawberry.field(description="Use once with refreshSession to get new tokens; reuse revokes the session.")
    expires_at: datetime = strawberry.field(description="Absolute expiry (UTC).")
    idle_timeout_s: int = strawberry.field(description="Seconds of inactivity after which the token stops working.")
    must_change_password: bool = strawberry.field(default=False, description="Staff after an admin's reset: choose a new password (changePassword) before anything else.")

    @classmethod
    def of(cls, s: IssuedSession, must_change_password: bool = False) -> SessionTokensType:
        return cls(token=s.token, refresh_token=s.refresh_token, expires_at=s.expires_at, idle_timeout_s=s.idle_timeout_s,
                   must_change_password=must_change_password)


@strawberry.type(name="SessionInfo", description="A live session: where it was opened and when it was last used. Never its token.")
class SessionInfoType:
    id: strawberry.ID = strawberry.field(description="Session id (pass to endSession, or revokeSession for an admin).")
    device: str | None = strawberry.field(description="The browser or app that signed in.")
    client_address: str | None = strawberry.field(description="The IP address that signed in.")
    created_at: datetime = strawberry.field(description="Signed in at (UTC).")
    last_seen_at: datetime = strawberry.field(description="Last used at (UTC).")
    expires_at: datetime = strawberry.field(description="Ends at the latest at (UTC).")
    current: bool = strawberry.field(description="True for the session asking.")
    username: str | None = strawberry.field(default=None, description="staffSessions: the staff user's sign-in name.")

    @classmethod
    def of(cls, s, current_id: int | None, username: str | None = None) -> SessionInfoType:  # noqa: ANN001 - SessionInfo
        return cls(id=strawberry.ID(str(s.id)), device=s.device, client_address=s.client_address, created_at=s.created_at,
                   last_seen_at=s.last_seen_at, expires_at=s.expires_at, current=s.id == current_id, username=username)


@strawberry.type(name="TotpEnrolment", description="Authenticator-app setup: show once, each part lets anyone generate codes.")
class TotpEnrolmentType:
    secret: str = strawberry.field(description="Base32 secret, for typing into the app.")
    provisioning_uri: str = strawberry.field(description="otpauth:// URI.")
    qr_data_uri: str = strawberry.field(description="The URI as a QR code, an SVG data: URI for an <img src>.")

    @classmethod
    def of(cls, e: TotpEnrolment) -> TotpEnrolmentType:
        return cls(secret=e.secret, provisioning_uri=e.provisioning_uri, qr_data_uri=e.qr_data_uri)


@strawberry.type(name="StaffUser", description="A staff user of the bank.")
class StaffUserType:
    id: strawberry.ID = strawberry.field(description="Staff user id.")
    username: str = strawberry.field(description="Sign-in name.")
    full_name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(description="admin, manager, accountant, clerk, cashier or auditor.")
    active: bool = strawberry.field(description="Whether the user may sign in.")
    totp_enrolled: bool = strawberry.field(description="Whether an authenticator app is set up.")
    locked_until: datetime | None = strawberry.field(description="Locked out after repeated failures until this time (UTC).")
    must_change_password: bool = strawberry.field(default=False, description="A temporary password was set by an admin; the user must choose a new one.")

    @classmethod
    def of(cls, u) -> StaffUserType:  # noqa: ANN001 - a StaffUser row
        return cls(
            id=strawberry.ID(str(u.id)), username=u.username, full_name=u.full_name, role=str(u.role),
            active=u.active, totp_enrolled=bool(u.totp_secret), locked_until=u.locked_until,
            must_change_password=bool(getattr(u, "must_change_password", False)),
        )


@strawberry.type(name="ApiClient", description="A partner application allowed to call the API with client credentials.")
class ApiClientType:
    client_id: str = strawberry.field(description="Public client id.")
    name: str = strawberry.field(description="Name of the partner application.")
    scopes: list[str] = strawberry.field(description="Scopes the client may request.")
    active: bool = strawberry.field(description="Whether it may obtain tokens.")
    member_number: str | None = strawberry.field(description="The member on whose behalf it acts; it sees only that member's accounts.")

    @classmethod
    def of(cls, c, member_number: str | None) -> ApiClientType:  # noqa: ANN001 - an ApiClient row
        return cls(client_id=c.client_id, name=c.name, scopes=sorted(c.scopes.split()), active=c.active, member_number=member_number)


@strawberry.type(name="AuditEvent", description="One row of the hash-chained audit log.")
class AuditEventType:
    id: strawberry.ID = strawberry.field(description="Sequence number.")
    occurred_at: datetime = strawberry.field(description="When (UTC).")
    actor: str = strawberry.field(description="Who: staff:3, member:7, partner:2, anonymous, cli.")
    action: str = strawberry.field(description="What, e.g. staff.sign_in, graphql.transferFunds.")
    outcome: str = strawberry.field(description="ok, denied or failed.")
    object_type: str | None = strawberry.field(description="Kind of object concerned.")
    object_id: str | None = strawberry.field(description="Its id.")
    details: str | None = strawberry.field(description="Details as JSON text (never secrets).")
    hash: str | None = strawberry.field(
        description="SHA-256 over the previous row's hash and this row; null until the background sealer has chained the row."
    )
