"""Member and account numbers, each with a Luhn check digit (ISO/IEC 7812-1).

The check digit catches every single-digit typo and most adjacent transpositions at the
counter, before a deposit lands in the wrong account. python-stdnum does the arithmetic.
"""

from __future__ import annotations

from stdnum import luhn
from stdnum.exceptions import ValidationError

from bankcore.errors import DomainError, ErrorCode

ACCOUNT_SERIAL_DIGITS = 8
MEMBER_SERIAL_DIGITS = 7


def account_number(*, branch_code: str, serial: int) -> str:
    """12-digit account number: 3-digit branch code, 8-digit serial, Luhn check digit.

    ``branch_code`` must be 1-3 digits (zero-padded); ``serial`` 0..99,999,999.
    Raises ``DomainError(INVALID_INPUT)`` otherwise.
    """
    if not branch_code.isdigit() or len(branch_code) > 3 or not (0 <= serial < 10**ACCOUNT_SERIAL_DIGITS):
        raise DomainError(ErrorCode.INVALID_INPUT, "branch code must be 1-3 digits and serial fit 8 digits")
    body = f"{int(branch_code):03d}{serial:0{ACCOUNT_SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def member_number(*, serial: int) -> str:
    """8-digit member number: 7-digit serial and a Luhn check digit."""
    if not (0 < serial < 10**MEMBER_SERIAL_DIGITS):
        raise DomainError(ErrorCode.INVALID_INPUT, "member serial must fit 7 digits")
    body = f"{serial:0{MEMBER_SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def validate_account_number(number: str) -> str:
    """Return ``number`` stripped of spaces if it is a well-formed account number.

    Raises ``DomainError(INVALID_ACCOUNT_NUMBER)`` when the length or check digit is wrong.
    """
    compact = number.replace(" ", "").replace("-", "")
    if len(compact) != 3 + ACCOUNT_SERIAL_DIGITS + 1 or not compact.isascii() or not compact.isdigit():
        raise DomainError(ErrorCode.INVALID_ACCOUNT_NUMBER, "an account number has 12 digits", field="account_number")
    try:
        luhn.validate(compact)
    except ValidationError:
        raise DomainError(
            ErrorCode.INVALID_ACCOUNT_NUMBER, "account number check digit is wrong", field="account_number"
        ) from None
    return compact
