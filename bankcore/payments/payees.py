"""Saved payees (beneficiaries at other banks): format checks and the member's list.

IFSC: 11 characters, 4 letters (the bank), ``0``, 6 letters or digits (the branch)
(RBI). A UPI address (VPA) is ``name@handle``: 2-256 characters of letters, digits,
dot, hyphen and underscore, then ``@`` and a handle of letters (NPCI's VPA format).
Adding a payee needs a step-up code (checked by the caller, see ``step_up``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Payee, PayeeKind

IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
VPA_RE = re.compile(r"^[a-zA-Z0-9.\-_]{2,256}@[a-zA-Z][a-zA-Z0-9]{1,63}$")
ACCOUNT_RE = re.compile(r"^[0-9]{6,18}$")
MAX_PAYEES = 50


def normalise_ifsc(ifsc: str) -> str:
    """``ifsc`` upper-cased without spaces; ``DomainError(INVALID_IFSC)`` unless it has the RBI format."""
    value = "".join((ifsc or "").split()).upper()
    if not IFSC_RE.match(value):
        raise DomainError(ErrorCode.INVALID_IFSC, "an IFSC has 11 characters: 4 letters, 0, then 6 letters or digits",
                          field="ifsc")
    return value


def normalise_vpa(vpa: str) -> str:
    """``vpa`` trimmed and lower-cased; ``DomainError(INVALID_VPA)`` unless it looks like name@handle."""
    value = (vpa or "").strip().lower()
    if not VPA_RE.match(value):
        raise DomainError(ErrorCode.INVALID_VPA, "a UPI address looks like name@bank", field="vpa")
    return value


def normalise_bank_account(number: str) -> str:
    value = "".join((number or "").split())
    if not ACCOUNT_RE.match(value):
        raise DomainError(ErrorCode.INVALID_INPUT, "an account number at another bank has 6 to 18 digits",
                          field="bank_account_number")
    return value


async def add_payee(*, member_id: int, name: str, ifsc: str | None = None, bank_account_number: str | None = None,
                    vpa: str | None = None) -> Payee:
    """Save a payee for ``member_id``: a bank account (``ifsc`` + ``bank_account_number``) or a UPI ``vpa``.

    Returns the existing payee when the same one is saved again. Raises ``DomainError``:
    ``INVALID_INPUT`` (no name, both or neither destination, too many payees),
    ``INVALID_IFSC``, ``INVALID_VPA``.
    """
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "the payee's name has 2 to 100 characters", field="name")
    if bool(vpa) == bool(ifsc or bank_account_number):
        raise DomainError(ErrorCode.INVALID_INPUT, "give either a UPI address or an IFSC and account number", field="vpa")
    if vpa:
        fields = {"kind": PayeeKind.VPA, "vpa": normalise_vpa(vpa), "ifsc": None, "account_number": None}
    else:
        fields = {"kind": PayeeKind.BANK_ACCOUNT, "ifsc": normalise_ifsc(ifsc or ""),
                  "account_number": normalise_bank_account(bank_account_number or ""), "vpa": None}
    existing = await Payee.filter(member_id=member_id, active=True, **fields).first()
    if existing is not None:
        return existing
    if await Payee.filter(member_id=member_id, active=True).count() >= MAX_PAYEES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"at most {MAX_PAYEES} payees; remove one first", field="name")
    return await Payee.create(member_id=member_id, name=name, created_at=datetime.now(UTC), **fields)


async def remove_payee(*, member_id: int, payee_id: int) -> bool:
    """Hide a payee from the member's list (kept for the payouts that name it). False if not theirs."""
    return bool(await Payee.filter(id=payee_id, member_id=member_id, active=True).update(active=False))
