"""The refusals every posting path applies, in one place: a value date after the business date
or in a closed year, an account not open for the posting, money below an account's floor, a
control account or a foreign currency."""

from __future__ import annotations

from datetime import date

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.account_facts import AccountFacts
from bankcore.models import AccountStatus, EntryType
from bankcore.money import Money

# Statuses that refuse every posting, and those that refuse only money going out.
CLOSED_TO_ALL = {AccountStatus.PENDING.value, AccountStatus.CLOSED.value}
CLOSED_TO_OUTFLOW = {AccountStatus.FROZEN.value, AccountStatus.DORMANT.value, AccountStatus.INOPERATIVE.value}


def value_date_refusal(value_date: date, today: date, closed_through: date | None, entry_type: EntryType) -> DomainError | None:
    if value_date > today:
        return DomainError(
            ErrorCode.VALUE_DATE_IN_FUTURE,
            f"value date {value_date.isoformat()} is after the business date {today.isoformat()}",
            field="value_date",
        )
    if closed_through is not None and value_date <= closed_through and entry_type is not EntryType.YEAR_END:
        return DomainError(
            ErrorCode.PERIOD_CLOSED,
            f"the books are closed through {closed_through.isoformat()} (financial year closed); "
            f"value date {value_date.isoformat()} is refused",
            field="value_date",
        )
    return None


def not_active(fact: AccountFacts, status: str) -> DomainError:
    return DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {fact.code} is {status}", field="account_number")


def below_floor(fact: AccountFacts, floor: int, may_take: int) -> DomainError:
    if floor > 0:
        # A minimum balance, not a lack of money: say so, and how much may be taken.
        return DomainError(
            ErrorCode.MIN_BALANCE,
            f"account {fact.code} keeps a minimum balance of {Money(floor, fact.currency)}: "
            f"at most {Money(may_take, fact.currency)} may be taken",
            field="amount",
        )
    return DomainError(ErrorCode.INSUFFICIENT_FUNDS, f"account {fact.code} has insufficient funds", field="amount")


def check_postable(postings, facts) -> None:  # noqa: ANN001 - PostingDraft list, {ledger_account_id: facts}
    """Refuse postings to a control account (``NOT_POSTABLE``) or in another currency than their
    account's (``CURRENCY_MISMATCH``): the one check for every posting path (single, batch, group commit)."""
    for p in postings:
        fact = facts[p.ledger_account_id]
        if fact.is_control:
            raise DomainError(ErrorCode.NOT_POSTABLE, f"{fact.code} is a control account and takes no postings")
        if fact.currency != p.currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"account {fact.code} is in {fact.currency}, not {p.currency}")
