"""Who may sign in, and how: staff users, members' portal credentials, partner API clients,
sessions, refresh tokens, sign-in challenges and one-time codes.

Secrets are never stored as given: passwords as argon2id hashes, session, refresh and
challenge tokens and partner secrets as SHA-256 hashes of high-entropy random values,
one-time codes as an HMAC keyed by the challenge token (see bankcore/identity).
"""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class StaffRole(StrEnum):
    """What a staff user does at the bank (ARCHITECTURE.md 1)."""

    ADMIN = "admin"
    MANAGER = "manager"
    ACCOUNTANT = "accountant"
    CLERK = "clerk"
    CASHIER = "cashier"
    AUDITOR = "auditor"


class PrincipalKind(StrEnum):
    """Who holds a session: a staff user, a member (portal) or a partner API client."""

    STAFF = "staff"
    MEMBER = "member"
    PARTNER = "partner"


class SecondFactor(StrEnum):
    """How a sign-in challenge is answered: an authenticator app code or a code sent to the member."""

    TOTP = "totp"
    CODE = "code"


class StaffUser(Model):
    """A member of staff who signs in with a password and a TOTP code.

    ``totp_last_step`` is the last 30-second time step whose code was accepted, so a code
    is usable once (RFC 6238 section 5.2). ``failed_attempts`` and ``locked_until`` carry the
    lockout (10 failures lock for 30 minutes).
    """

    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=60, unique=True, description="Lower-case sign-in name")
    full_name = fields.CharField(max_length=200)
    role = fields.CharEnumField(StaffRole, max_length=12)
    branch = fields.ForeignKeyField(
        "bankcore.Branch", related_name="staff_users", null=True, on_delete=fields.RESTRICT,
        description="Home branch, null for head-office staff",
    )
    password_hash = fields.CharField(max_length=255, description="argon2id PHC string")
    totp_secret = fields.CharField(
        max_length=200, null=True,
        description="TOTP secret sealed with AES-GCM (bankcore.identity.secretbox), null until enrolled",
    )
    totp_key_id = fields.CharField(max_length=16, null=True, description="Id of the key that sealed totp_secret")
    totp_last_step = fields.BigIntField(null=True, description="Last accepted TOTP time step (unix time divided by 30)")
    active = fields.BooleanField(default=True)
    must_change_password = fields.BooleanField(
        default=False, db_default=False, description="Set by an admin's reset: the next sign-in must choose a new password",
    )
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_sign_in_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_user"
        indexes = (
            Index(fields=("branch_id",), name="staff_user_branch_idx"),
            Index(fields=("role",), name="staff_user_role_idx"),
        )


class MemberCredential(Model):
    """A member's portal sign-in: a password and, optionally, a TOTP app.

    Without a TOTP secret the member's second factor is a 6-digit code sent through the
    notification outbox to the mobile (or e-mail) on the member record.
    """

    id = fields.BigIntField(primary_key=True)
    member = fields.OneToOneField("bankcore.Member", related_name="credential", on_delete=fields.RESTRICT)
    password_hash = fields.CharField(
        max_length=255, description="argon2id PHC string; '!' while portal access is granted but no password is set yet",
    )
    totp_secret = fields.CharField(
        max_length=200, null=True, description="TOTP secret sealed with AES-GCM, null for sent codes",
    )
    totp_key_id = fields.CharField(max_length=16, null=True, description="Id of the key that sealed totp_secret")
    totp_last_step = fields.BigIntField(null=True, description="Last accepted TOTP time step (unix time divided by 30)")
    active = fields.BooleanField(default=True)
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_sign_in_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member_credential"


class ApiClient(Model):
    """A partner application calling the API with the client-credentials grant.

    ``scopes`` is a space-separated list (as OAuth 2.0 writes scopes). The secret is shown
    once at creation and kept only as its SHA-256 hash.
    """

    id = fields.BigIntField(primary_key=True)
    client_id = fields.CharField(max_length=40, unique=True, description="Public identifier, e.g. pc_1a2b3c4d5e6f7a8b")
    secret_hash = fields.CharField(max_length=64, description="SHA-256 hex of the client secret")
    name = fields.CharField(max_length=100)
    scopes = fields.CharField(max_length=200, description="Space-separated scopes the client may request")
    active = fields.BooleanField(default=True)
    created_by = fields.ForeignKeyField(
        "bankcore.StaffUser", related_name="api_clients", on_delete=fields.RESTRICT,
    )
    member = fields.ForeignKeyField(
        "bankcore.Member", related_name="api_clients", null=True, on_delete=fields.RESTRICT,
        description="The member the partner acts for (it sees only their accounts), null for none",
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_client"
        indexes = (
            Index(fields=("created_by_id",), name="api_client_created_by_idx"),
            Index(fields=("member_id",), name="api_client_member_idx"),
        )


class AuthSession(Model):
    """A signed-in session: the bearer token is stored only as its SHA-256 hash.

    ``principal_id`` is a staff user id, a member id or an API client id according to
    ``principal_kind`` (no foreign key: it points at one of three tables). A session ends at
    ``expires_at`` (absolute), after ``idle_timeout_s`` without use, or when revoked.
    """

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex of the bearer token")
    principal_kind = fields.CharEnumField(PrincipalKind, max_length=10)
    principal_id = fields.BigIntField()
    scopes = fields.CharField(max_length=200, null=True, description="Partner sessions only: granted scopes")
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(description="Absolute expiry")
    idle_timeout_s = fields.IntField(description="Seconds without use after which the session ends")
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=100, null=True)
    device = fields.CharField(max_length=200, null=True, description="The browser or app that signed in (User-Agent, cut short)")
    client_address = fields.CharField(max_length=64, null=True, description="The IP address that signed in")

    class Meta:
        table = "auth_session"
        indexes = (Index(fields=("principal_kind", "principal_id"), name="auth_session_principal_idx"),)


class RefreshToken(Model):
    """A single-use refresh token. All tokens rotated from one sign-in share a ``family``.

    Presenting a token whose ``used_at`` is set means it was stolen or replayed: the whole
    family and its session are revoked (OAuth 2.0 Security BCP, refresh token rotation).
    """

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex of the refresh token")
    session = fields.ForeignKeyField("bankcore.AuthSession", related_name="refresh_tokens", on_delete=fields.RESTRICT)
    family = fields.CharField(max_length=32, description="Random id shared by every rotation of one sign-in")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
        indexes = (
            Index(fields=("session_id",), name="refresh_token_session_idx"),
            Index(fields=("family",), name="refresh_token_family_idx"),
        )


class SignInChallenge(Model):
    """The state between a correct password and the second factor.

    The challenge token is returned to the client and stored only as its SHA-256 hash. It
    expires after a few minutes and dies after a few wrong codes.
    """

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex of the challenge token")
    principal_kind = fields.CharEnumField(PrincipalKind, max_length=10)
    principal_id = fields.BigIntField(description="Staff user id or member id")
    method = fields.CharEnumField(SecondFactor, max_length=10)
    purpose = fields.CharField(
        max_length=12, default="sign-in", db_default="sign-in",
        description="sign-in, step-up, contact or password: a challenge answers only its own purpose",
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0, description="Code attempts taken (each check takes one first)")
    consumed_at = fields.DatetimeField(null=True, description="Set when used or given up")

    class Meta:
        table = "sign_in_challenge"
        indexes = (Index(fields=("principal_kind", "principal_id"), name="sign_in_challenge_principal_idx"),)


class OneTimeCode(Model):
    """A 6-digit code sent to a member for one sign-in challenge.

    Stored as HMAC-SHA256 keyed by the challenge token, which the database never holds, so
    a copy of the table does not yield the code by trying all million values.
    """

    id = fields.BigIntField(primary_key=True)
    challenge = fields.ForeignKeyField(
        "bankcore.SignInChallenge", related_name="codes", on_delete=fields.RESTRICT,
    )
    member = fields.ForeignKeyField("bankcore.Member", related_name="one_time_codes", on_delete=fields.RESTRICT)
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_code"
        indexes = (
            Index(fields=("challenge_id",), name="one_time_code_challenge_idx"),
            Index(fields=("member_id",), name="one_time_code_member_idx"),
        )


class ContactChange(Model):
    """A member's request to change the mobile number or e-mail that codes are sent to.

    The new value takes effect only when the code sent *to it* comes back
    (``bankcore.identity.contact_change``). ``deliverable`` is False when no code was sent
    (the number is another member's): the member gets the same answer either way, and the
    change can never be confirmed.
    """

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("bankcore.Member", related_name="contact_changes", on_delete=fields.RESTRICT)
    challenge = fields.ForeignKeyField(
        "bankcore.SignInChallenge", related_name="contact_changes", on_delete=fields.RESTRICT,
    )
    field = fields.CharField(max_length=10, description="mobile or email")
    new_value = fields.CharField(max_length=254, description="The normalised new mobile (E.164) or e-mail")
    deliverable = fields.BooleanField(description="False when no code was sent (the mobile is another member's)")
    requested_by = fields.CharField(max_length=120, description="Actor, e.g. member:42")
    created_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "contact_change"
        indexes = (
            Index(fields=("member_id", "created_at"), name="contact_change_member_idx"),
            Index(fields=("challenge_id",), name="contact_change_challenge_idx"),
        )


class KnownDevice(Model):
    """A device a staff user or member has signed in from (issue 14: sign-in from a new device).

    ``fingerprint`` is the SHA-256 of the browser's User-Agent with its version numbers
    taken out (a browser update is not a new device) and the device id the client keeps
    (the web app's long-lived ``coopbank_device`` cookie, or an app's ``X-Device-Id``).
    ``label`` is what the holder reads ("Chrome on Android"). No foreign key on the
    principal, as for sessions: it points at one of two tables.
    """

    id = fields.BigIntField(primary_key=True)
    principal_kind = fields.CharEnumField(PrincipalKind, max_length=10)
    principal_id = fields.BigIntField()
    fingerprint = fields.CharField(max_length=64)
    label = fields.CharField(max_length=100)
    first_seen_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    last_address = fields.CharField(max_length=64, null=True, description="IP address of the last sign-in from it")

    class Meta:
        table = "known_device"
        unique_together = (("principal_kind", "principal_id", "fingerprint"),)
