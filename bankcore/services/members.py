"""Registering members and their contact details (KYC has moved to ``bankcore.members.kyc``)."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.in_ import aadhaar as aadhaar_number
from tortoise.exceptions import IntegrityError
from tortoise.functions import Max
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.members.particulars import (
    check_date_of_birth,
    normalise_address,
    normalise_branch_code,
    normalise_email,
    normalise_full_name,
    normalise_mobile,
    normalise_pan,
)
from bankcore.models import Branch, Gender, Member
from bankcore.numbering import member_number as make_member_number
# Moved to the members domain; still importable from here for existing callers.
from bankcore.members.kyc import mask_reference, member_for_update, record_kyc_document, verify_kyc  # noqa: F401

# Development fallback only; production sets COOPBANK_PII_KEY.
_DEV_PII_KEY = b"coopbank-development-pii-key"


def aadhaar_digest(aadhaar: str) -> tuple[str, str]:
    """Validate an Aadhaar number (12 digits, Verhoeff check) and return (keyed hash, last four).

    The number itself is never stored: the HMAC-SHA256 under ``COOPBANK_PII_KEY`` lets the
    bank refuse a second member with the same Aadhaar, and the last four digits are all
    that can be shown (UIDAI's masked-Aadhaar practice). Raises ``INVALID_AADHAAR``.
    """
    try:
        digits = aadhaar_number.validate(aadhaar)
    except ValidationError:
        raise DomainError(ErrorCode.INVALID_AADHAAR, "Aadhaar must be 12 valid digits", field="aadhaar") from None
    key = os.environ.get("COOPBANK_PII_KEY", "").encode() or _DEV_PII_KEY
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest(), digits[-4:]


async def _next_member_serial() -> int:
    result = await Member.annotate(top=Max("member_number")).first().values("top")
    top = result["top"] if result else None
    return int(top[:-1]) + 1 if top else 1


async def register_member(
    *,
    full_name: str,
    branch_code: str,
    date_of_birth: date | None = None,
    gender: Gender | None = None,
    mobile: str | None = None,
    email: str | None = None,
    address: str | None = None,
    pan: str | None = None,
    aadhaar: str | None = None,
    registered_by: str | None = None,
) -> Member:
    """Register a member with KYC status ``pending`` and a new Luhn-checked member number.

    Raises ``DomainError``: ``INVALID_INPUT`` (name, address, branch code), ``INVALID_DATE``
    (birth date after the business date or before 1900), ``INVALID_PAN``,
    ``INVALID_AADHAAR``, ``INVALID_MOBILE``, ``INVALID_EMAIL``,
    ``NOT_FOUND`` (branch), ``DUPLICATE_MEMBER`` (PAN, Aadhaar or mobile already
    registered). ``registered_by`` names the staff actor, who may not approve the KYC.
    """
    name = normalise_full_name(full_name)
    if date_of_birth is not None:
        check_date_of_birth(date_of_birth, today=await business_date())
    fields: dict[str, object] = {
        "full_name": name,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "address": normalise_address(address) if address else None,
        "pan": normalise_pan(pan) if pan else None,
        "mobile": normalise_mobile(mobile) if mobile else None,
        "registered_by": registered_by,
    }
    if email:
        fields["email"] = normalise_email(email)
    if aadhaar:
        fields["aadhaar_hash"], fields["aadhaar_last4"] = aadhaar_digest(aadhaar)
    code = normalise_branch_code(branch_code)
    branch = await Branch.get_or_none(code=code)
    if branch is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no branch {code}", field="branch_code")
    for key, label in (("pan", "PAN"), ("aadhaar_hash", "Aadhaar"), ("mobile", "mobile number")):
        if fields.get(key) and await Member.exists(**{key: fields[key]}):
            raise DomainError(ErrorCode.DUPLICATE_MEMBER, f"a member with this {label} exists", field=key)
    # Serials come from max + 1; a concurrent registration may take the same one, so retry.
    for _ in range(5):
        try:
            async with in_transaction():
                return await Member.create(
                    member_number=make_member_number(serial=await _next_member_serial()), branch=branch, **fields
                )
        except IntegrityError:
            continue
    raise DomainError(ErrorCode.DUPLICATE_MEMBER, "member could not be registered, try again")


async def update_contact_details(
    *, member_number: str, mobile: str | None = None, email: str | None = None, address: str | None = None
) -> Member:
    """Change a member's mobile, e-mail or address; ``None`` leaves a field unchanged.

    Raises ``DomainError``: ``NOT_FOUND``, ``INVALID_MOBILE``, ``INVALID_EMAIL``,
    ``INVALID_INPUT`` (address over 500 characters), ``DUPLICATE_MEMBER`` (mobile in use).
    """
    changes: dict[str, str] = {}
    if mobile is not None:
        changes["mobile"] = normalise_mobile(mobile)
    if email is not None:
        changes["email"] = normalise_email(email)
    if address is not None:
        changes["address"] = normalise_address(address)
    async with in_transaction():
        member = await member_for_update(member_number)
        if "mobile" in changes and await Member.exists(mobile=changes["mobile"]) and member.mobile != changes["mobile"]:
            raise DomainError(ErrorCode.DUPLICATE_MEMBER, "this mobile number belongs to another member", field="mobile")
        for key, value in changes.items():
            setattr(member, key, value)
        if changes:
            await member.save(update_fields=[*changes, "updated_at"])
    return member
