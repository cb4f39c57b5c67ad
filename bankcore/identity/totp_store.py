"""Where TOTP secrets live: sealed in ``staff_user`` and ``member_credential`` (see ``secretbox``).

Everything that writes or reads a TOTP secret goes through these functions, so no code
path handles the stored column as if it were the secret itself.
"""

from __future__ import annotations

from bankcore.identity import secretbox
from bankcore.models import MemberCredential, StaffUser

Holder = type[StaffUser] | type[MemberCredential]


def _aad(model: Holder, row_id: int) -> str:
    return secretbox.totp_aad(model._meta.db_table, row_id)


async def store_totp_secret(model: Holder, row_id: int, secret: str) -> None:
    """Seal ``secret`` (base32) for row ``row_id`` under the current key and forget the last used step."""
    key_id, sealed = secretbox.seal(secret, aad=_aad(model, row_id))
    await model.filter(id=row_id).update(totp_secret=sealed, totp_key_id=key_id, totp_last_step=None)


def totp_secret_of(row: StaffUser | MemberCredential) -> str | None:
    """The base32 secret of ``row``, or None when no authenticator is enrolled.

    Raises ``secretbox.SecretKeyError`` when the key it was sealed with is not configured.
    """
    if not row.totp_secret:
        return None
    return secretbox.open_secret(row.totp_key_id, row.totp_secret, aad=_aad(type(row), row.id))


async def reseal_all(*, ring: secretbox.Keyring | None = None) -> int:
    """Re-seal every stored TOTP secret not yet under the current key (plain legacy rows included).

    Each row is updated only if it still holds the value read (a concurrent enrolment wins).
    Returns how many rows were re-sealed. Raises ``SecretKeyError`` when a row's key is
    missing from the configuration (nothing is lost: that row is left as it was).
    """
    ring = ring or secretbox.keyring()
    done = 0
    for model in (StaffUser, MemberCredential):
        rows = await model.filter(totp_secret__isnull=False).only("id", "totp_secret", "totp_key_id")
        for row in rows:
            if row.totp_key_id == ring.current:
                continue
            aad = _aad(model, row.id)
            plain = secretbox.open_secret(row.totp_key_id, row.totp_secret, aad=aad, ring=ring)
            key_id, sealed = secretbox.seal(plain, aad=aad, ring=ring)
            query = model.filter(id=row.id, totp_secret=row.totp_secret)
            done += await query.update(totp_secret=sealed, totp_key_id=key_id)
    return done
