from datetime import date

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint, validate_entry
from bankcore.models import EntryType
from bankcore.numbering import account_number, member_number, validate_account_number


def draft(*postings) -> EntryDraft:
    return EntryDraft(EntryType.TRANSFER, date(2026, 1, 1), "test", "test", tuple(postings))


def test_balanced_entry_passes() -> None:
    validate_entry(draft(debit(1, 100, "INR"), credit(2, 60, "INR"), credit(3, 40, "INR")))


def test_balanced_per_currency_not_overall() -> None:
    # 100 INR against 100 EUR sums to zero overall but balances in neither currency.
    with pytest.raises(DomainError) as err:
        validate_entry(draft(debit(1, 100, "INR"), credit(2, 100, "EUR")))
    assert err.value.code is ErrorCode.UNBALANCED_ENTRY


@pytest.mark.parametrize(
    ("postings", "code"),
    [
        ((debit(1, 100, "INR"),), ErrorCode.TOO_FEW_POSTINGS),
        ((debit(1, 100, "INR"), credit(2, 99, "INR")), ErrorCode.UNBALANCED_ENTRY),
        ((debit(1, 0, "INR"), credit(2, 0, "INR")), ErrorCode.NON_POSITIVE_AMOUNT),
        ((debit(1, -5, "INR"), credit(2, -5, "INR")), ErrorCode.NON_POSITIVE_AMOUNT),
        ((debit(1, 5, "XXX"), credit(2, 5, "XXX")), ErrorCode.UNSUPPORTED_CURRENCY),
    ],
)
def test_invalid_entries(postings, code) -> None:
    with pytest.raises(DomainError) as err:
        validate_entry(draft(*postings))
    assert err.value.code is code


def test_fingerprint_is_order_independent_and_discriminating() -> None:
    assert request_fingerprint({"a": 1, "b": 2}) == request_fingerprint({"b": 2, "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_numbers_carry_a_luhn_check_digit() -> None:
    number = account_number(branch_code="1", serial=1234)
    assert len(number) == 12 and number.startswith("00100001234")
    assert validate_account_number(number) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(DomainError) as err:
        validate_account_number(wrong)
    assert err.value.code is ErrorCode.INVALID_ACCOUNT_NUMBER
    swapped = number[:4] + number[5] + number[4] + number[6:]
    if swapped != number:
        with pytest.raises(DomainError):
            validate_account_number(swapped)
    assert len(member_number(serial=42)) == 8
