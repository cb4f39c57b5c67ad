"""One validator per field of a member's particulars, shared by every service that takes them.

Registering a member, updating contact details and opening an account all pass their
input through these functions, so a field is accepted or refused the same way wherever it
enters. Each returns the normalised value or raises ``DomainError`` naming the field;
none touches the database. Control characters never reach here from the API (it refuses
them for every string argument before execution), but the CLI and imports call these too,
so the free-text validators refuse them as well.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bankcore.errors import DomainError, ErrorCode

FULL_NAME_MAX = 200
ADDRESS_MAX = 500
EMAIL_MAX = 254  # RFC 5321 path limit
# The oldest date of birth the bank accepts; anything earlier is a typing mistake.
EARLIEST_BIRTH = date(1900, 1, 1)

# Income Tax Department PAN format: 5 letters, 4 digits, 1 letter.
PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
# Indian mobile numbers (TRAI numbering plan): 10 digits starting 6-9, stored as +91XXXXXXXXXX.
MOBILE_RE = re.compile(r"^(?:\+91|91|0)?([6-9][0-9]{9})$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# Branch codes are 1-3 digits: they are the first three digits of every account number.
BRANCH_CODE_RE = re.compile(r"^[0-9]{1,3}$")


def has_control_characters(text: str) -> bool:
    """True if ``text`` holds a control character (C0 but tab, LF and CR; DEL; C1) or a lone surrogate."""
    return any(
        (unicodedata.category(ch) in ("Cc", "Cs")) and ch not in "\t\n\r"
        for ch in text
    )


def _free_text(value: str, *, field: str, label: str, maximum: int) -> str:
    if has_control_characters(value):
        raise DomainError(ErrorCode.INVALID_INPUT, f"{label} contains control characters", field=field)
    text = " ".join(value.split())
    if not 1 <= len(text) <= maximum:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{label} must be 1-{maximum} characters", field=field)
    return text


def normalise_full_name(full_name: str) -> str:
    """The name with runs of whitespace collapsed; 1-200 characters. Raises ``INVALID_INPUT`` (field ``full_name``)."""
    return _free_text(full_name, field="full_name", label="full name", maximum=FULL_NAME_MAX)


def normalise_address(address: str) -> str:
    """A postal address on one line (whitespace collapsed); 1-500 characters. Raises ``INVALID_INPUT`` (``address``)."""
    return _free_text(address, field="address", label="address", maximum=ADDRESS_MAX)


def normalise_branch_code(branch_code: str) -> str:
    """A branch code: 1-3 digits (the first digits of an account number). Raises ``INVALID_INPUT`` (``branch_code``)."""
    code = branch_code.strip()
    if not BRANCH_CODE_RE.match(code):
        raise DomainError(ErrorCode.INVALID_INPUT, "branch code must be 1-3 digits", field="branch_code")
    return code


def check_date_of_birth(date_of_birth: date, *, today: date) -> date:
    """A date of birth between 1900-01-01 and ``today`` (the business date), both inclusive.

    Raises ``INVALID_DATE`` (field ``date_of_birth``).
    """
    if date_of_birth > today:
        raise DomainError(ErrorCode.INVALID_DATE, "date of birth is in the future", field="date_of_birth")
    if date_of_birth < EARLIEST_BIRTH:
        raise DomainError(ErrorCode.INVALID_DATE, "date of birth is before 1900-01-01", field="date_of_birth")
    return date_of_birth


def check_opened_on(opened_on: date, *, business_date: date) -> date:
    """An account's opening date: never after the business date. Raises ``INVALID_DATE`` (``opened_on``)."""
    if opened_on > business_date:
        raise DomainError(ErrorCode.INVALID_DATE, "an account cannot be opened after the business date", field="opened_on")
    return opened_on


def normalise_pan(pan: str) -> str:
    """Upper-case ``pan`` and check it against ``[A-Z]{5}[0-9]{4}[A-Z]``; raises ``INVALID_PAN``."""
    value = pan.strip().upper()
    if not PAN_RE.match(value):
        raise DomainError(ErrorCode.INVALID_PAN, "PAN must look like ABCDE1234F", field="pan")
    return value


def normalise_mobile(mobile: str) -> str:
    """Return ``+91`` and the 10 digits of an Indian mobile number; raises ``INVALID_MOBILE``."""
    match = MOBILE_RE.match(re.sub(r"[\s-]", "", mobile))
    if not match:
        raise DomainError(ErrorCode.INVALID_MOBILE, "mobile must be a 10-digit Indian number", field="mobile")
    return "+91" + match.group(1)


def normalise_email(email: str) -> str:
    """The address, trimmed; at most 254 characters of ``local@domain.tld``. Raises ``INVALID_EMAIL``."""
    value = email.strip()
    if len(value) > EMAIL_MAX or not EMAIL_RE.match(value):
        raise DomainError(ErrorCode.INVALID_EMAIL, "e-mail address is not valid", field="email")
    return value
