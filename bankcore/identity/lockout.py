"""Account lockout: 10 failed sign-in steps lock the account for 30 minutes (ARCHITECTURE.md 4).

Failures are counted per principal (a staff user or a member's credential), for wrong
passwords and wrong second-factor codes alike. While locked, no password is checked: the
sign-in answers ``INVALID_CREDENTIALS``, exactly as for an unknown user, so the lock
tells an attacker nothing about whether the account exists or which password is right.
(Answering ``ACCOUNT_LOCKED`` to a correct password during the lock would turn the lock
into a password oracle.) ``ACCOUNT_LOCKED`` is answered only in the second step, to a
caller who has just proved the password, when the account is or becomes locked. The
lock is written to the audit log, where staff can see and lift it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from bankcore.models import MemberCredential, StaffUser

MAX_FAILED_ATTEMPTS = 10
LOCKOUT_S = 30 * 60

Lockable = type[StaffUser] | type[MemberCredential]


def masked_login(typed: str) -> str:
    """What the audit log keeps of a login typed into a failed sign-in: its first two characters
    (when it has eight or more), ``***``, and a keyed digest to tell repeats of the same text apart.

    People type passwords into the login field; the audit log must not learn them (issue 8
    item 7), nor even their length. The digest is an HMAC under ``COOPBANK_PII_KEY``, so it
    cannot be reversed by trying candidate passwords without the key.
    """
    import hashlib
    import hmac
    import os

    from bankcore.services.members import _DEV_PII_KEY

    text = typed.strip()
    key = os.environ.get("COOPBANK_PII_KEY", "").encode() or _DEV_PII_KEY
    digest = hmac.new(key, b"login:" + text.casefold().encode(), hashlib.sha256).hexdigest()[:12]
    return f"{text[:2] if len(text) >= 8 else ''}***#{digest}"


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """True while ``now`` is before ``locked_until``."""
    return locked_until is not None and now < locked_until


async def record_failure(model: Lockable, row_id: int, *, now: datetime) -> bool:
    """Count a failed step for row ``row_id`` of ``model``; return True if the account is now locked.

    The tenth failure sets ``locked_until = now + LOCKOUT_S`` and restarts the count; a
    lock that has run out restarts the count too. Failures during a lock are not counted
    (they would let an attacker extend the lock forever). The row is locked for the update
    so concurrent failures are all counted.
    """
    async with in_transaction():
        row = await model.filter(id=row_id).select_for_update().first()
        if row is None:
            return False
        if is_locked(row.locked_until, now):
            return True
        if row.locked_until is not None:
            row.locked_until = None
            row.failed_attempts = 0
        row.failed_attempts += 1
        locked = row.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            row.locked_until = now + timedelta(seconds=LOCKOUT_S)
            row.failed_attempts = 0
        await row.save(update_fields=["failed_attempts", "locked_until"])
        return locked


async def record_success(model: Lockable, row_id: int, *, now: datetime) -> None:
    """A completed sign-in: clear the failure count and note the time."""
    await model.filter(id=row_id).update(failed_attempts=0, locked_until=None, last_sign_in_at=now)


async def unlock(model: Lockable, row_id: int) -> None:
    """Lift a lock early (staff action) and clear the failure count."""
    await model.filter(id=row_id).update(failed_attempts=0, locked_until=None)


async def refuse_password(
    model: Lockable, row: StaffUser | MemberCredential | None, password: str, *, now: datetime, missing: str
) -> str | None:
    """The password step shared by staff and members: why it fails (for the audit log), or None.

    ``row`` is the credential found for the login (None: ``missing`` is the reason). An
    inactive or locked row is refused without checking its password, but a hash is always
    verified (a dummy one if need be) so every refusal takes as long as a wrong password.
    A wrong password counts toward the lockout; a right one is rehashed if the stored
    hash uses outdated argon2 parameters.
    """
    from bankcore.identity.passwords import hash_password, verify_password

    if row is None:
        reason: str | None = missing
    elif row.password_hash == "!":  # portal access granted, no password chosen yet
        reason = "no password set"
    elif not row.active:
        reason = "inactive"
    elif is_locked(row.locked_until, now):
        reason = "locked"
    else:
        reason = None
    check = await verify_password(row.password_hash if reason is None and row is not None else None, password)
    if reason is None and not check.ok:
        reason = "wrong password"
        if await record_failure(model, row.id, now=now):
            reason = "wrong password, account now locked"
    if reason is None and check.needs_rehash:
        await model.filter(id=row.id).update(password_hash=await hash_password(password))
    return reason
