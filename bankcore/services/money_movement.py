"""Cash deposits and withdrawals, internal transfers, and reversals."""

from __future__ import annotations

from datetime import date

from bankcore.chart import CASH
from bankcore.counter import rules
from bankcore.counter.drawer import require_open_drawer
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.group_commit import group_committer
from bankcore.ledger.posting import Effects, PostedEntry, post_entry
from bankcore.models import EntryType, JournalEntry, Posting, Side
from bankcore.money import Money
from bankcore.services._lookup import get_account, get_account_keys, gl_account_id

MAX_KEY_LENGTH = 100


def _check_amount(amount: Money, currency: str) -> None:
    if amount.amount_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount must be greater than zero", field="amount")
    if amount.currency != currency:
        raise DomainError(
            ErrorCode.CURRENCY_MISMATCH, f"account is in {currency}, amount in {amount.currency}", field="amount"
        )


def _check_key(key: str | None) -> None:
    if key is not None and not (1 <= len(key) <= MAX_KEY_LENGTH and key.isprintable()):
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-100 printable characters", field="idempotency_key")


def _narration(text: str | None, default: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > 255:
        raise DomainError(ErrorCode.INVALID_INPUT, "narration is longer than 255 characters", field="narration")
    return text or default


async def deposit_cash(
    *,
    account_number: str,
    amount: Money,
    initiator: str,
    narration: str | None = None,
    value_date: date | None = None,
    idempotency_key: str | None = None,
    form60: bool = False,
) -> PostedEntry:
    """Cash paid in at the counter: Dr cash in hand, Cr the member's account.

    ``amount`` must be positive and in the account's currency. ``form60`` records that the
    depositor, who has no PAN on record, signed a Form 60 declaration (rule 114B). The
    counter's rules apply (``bankcore.counter.rules``). Raises ``DomainError``
    (``INVALID_AMOUNT``, ``CURRENCY_MISMATCH``, ``NOT_FOUND``, ``ACCOUNT_NOT_ACTIVE``,
    ``LOAN_ACCOUNT_CASH``, ``PAN_REQUIRED``, ``CASH_LIMIT_EXCEEDED``, ``DRAWER_NOT_OPEN``,
    ``IDEMPOTENCY_CONFLICT`` and the rest of ``post_entry``'s codes).
    """
    return await _cash_at_counter(
        EntryType.CASH_DEPOSIT, account_number=account_number, amount=amount, initiator=initiator,
        narration=narration, value_date=value_date, idempotency_key=idempotency_key, form60=form60,
    )


async def withdraw_cash(
    *,
    account_number: str,
    amount: Money,
    initiator: str,
    narration: str | None = None,
    value_date: date | None = None,
    idempotency_key: str | None = None,
) -> PostedEntry:
    """Cash paid out at the counter: Dr the member's account, Cr cash in hand.

    Refused with ``INSUFFICIENT_FUNDS`` (or ``MIN_BALANCE``) if it would take the account
    below its floor, ``LOAN_ACCOUNT_CASH`` on a loan account (cash never leaves a loan);
    other codes as ``deposit_cash``.
    """
    return await _cash_at_counter(
        EntryType.CASH_WITHDRAWAL, account_number=account_number, amount=amount, initiator=initiator,
        narration=narration, value_date=value_date, idempotency_key=idempotency_key,
    )


async def _cash_at_counter(
    entry_type: EntryType,
    *,
    account_number: str,
    amount: Money,
    initiator: str,
    narration: str | None,
    value_date: date | None,
    idempotency_key: str | None,
    form60: bool = False,
) -> PostedEntry:
    """Cash in (Dr cash, Cr account) or out (Dr account, Cr cash) of a member's account."""
    _check_key(idempotency_key)
    account = await get_account(account_number)
    currency = account.currency
    _check_amount(amount, currency)
    paid_in = entry_type is EntryType.CASH_DEPOSIT
    depositor = await rules.depositor_of(account.id)
    rules.refuse_loan_cash(depositor.product_kind, paid_in=paid_in)
    await require_open_drawer(initiator)
    effects = None
    if paid_in:
        on_form60 = await rules.check_pan(depositor, amount, form60=form60)
        handler = rules.loan_cash_repayment()
        if depositor.product_kind == "loan" and handler is not None:
            return await handler(account_number=account.number, amount=amount, initiator=initiator,
                                 narration=narration, idempotency_key=idempotency_key)
        effects = rules.per_person_limit_effect(depositor.member_id, currency)
        if on_form60:
            narration = f"{_narration(narration, 'Cash deposit')} (Form 60)"
    cash = await gl_account_id(CASH, currency)
    debit_id, credit_id = (cash, account.ledger_account_id) if paid_in else (account.ledger_account_id, cash)
    draft = EntryDraft(
        entry_type=entry_type,
        value_date=value_date,
        narration=_narration(narration, "Cash deposit" if paid_in else "Cash withdrawal"),
        initiator=initiator,
        postings=(debit(debit_id, amount.amount_minor, currency), credit(credit_id, amount.amount_minor, currency)),
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint(
            {"op": entry_type.value, "account": account.number, "amount": amount.amount_minor, "currency": currency}
        ),
    )
    return await post_entry(draft, effects=effects)


async def transfer_funds(
    *,
    from_account_number: str,
    to_account_number: str,
    amount: Money,
    initiator: str,
    narration: str | None = None,
    value_date: date | None = None,
    idempotency_key: str | None = None,
    effects: Effects | None = None,
) -> PostedEntry:
    """Move ``amount`` between two accounts of the bank: Dr payer, Cr payee.

    ``narration`` is a remark: it is added to, never replaces, the narration both sides
    see (``Transfer <payer> to <payee>: <remark>``), so a payer cannot dress a transfer up
    as something else on the receiver's statement. ``effects`` run in the posting's
    transaction (e.g. a member's limits, ``bankcore.transfers.member``). Without
    ``effects`` the entry goes through group commit when it is on
    (``bankcore.ledger.group_commit``: the same checks and result, batched with the
    process's concurrent transfers).
    Raises ``DomainError``: ``SAME_ACCOUNT``, ``CURRENCY_MISMATCH`` (accounts or amount
    in different currencies), ``INSUFFICIENT_FUNDS``, ``ACCOUNT_NOT_ACTIVE``,
    ``NOT_FOUND``, ``INVALID_ACCOUNT_NUMBER``, ``IDEMPOTENCY_CONFLICT``, and whatever
    ``effects`` raise.
    """
    _check_key(idempotency_key)
    found = await get_account_keys({"from_account_number": from_account_number, "to_account_number": to_account_number})
    payer, payee = found["from_account_number"], found["to_account_number"]
    if payer.id == payee.id:
        raise DomainError(ErrorCode.SAME_ACCOUNT, "cannot transfer to the same account", field="to_account_number")
    currency = payer.currency
    if payee.currency != currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, "accounts are in different currencies", field="to_account_number")
    _check_amount(amount, currency)
    draft = EntryDraft(
        entry_type=EntryType.TRANSFER,
        value_date=value_date,
        narration=_transfer_narration(payer.number, payee.number, narration),
        initiator=initiator,
        postings=(
            debit(payer.ledger_account_id, amount.amount_minor, currency),
            credit(payee.ledger_account_id, amount.amount_minor, currency),
        ),
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint(
            {
                "op": "transfer_funds",
                "from": payer.number,
                "to": payee.number,
                "amount": amount.amount_minor,
                "currency": currency,
            }
        ),
    )
    if effects is None and group_committer.enabled():
        return await group_committer.post(draft)
    return await post_entry(draft, effects=effects)


def _transfer_narration(payer: str, payee: str, remark: str | None) -> str:
    base = f"Transfer {payer} to {payee}"
    remark = " ".join((remark or "").split())
    if len(remark) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "a remark has at most 200 characters", field="narration")
    return f"{base}: {remark}" if remark else base


async def reverse_entry(
    *,
    entry_id: int,
    reason: str,
    initiator: str,
    value_date: date | None = None,
    idempotency_key: str | None = None,
) -> PostedEntry:
    """Post the mirror image of entry ``entry_id`` (every debit a credit and back).

    The original stays as it was (the ledger is append-only); the reversal points at it
    and an entry can be reversed once. Floors still apply: reversing a deposit whose money
    was already withdrawn is refused with ``INSUFFICIENT_FUNDS``.
    Raises ``DomainError``: ``NOT_FOUND``, ``ALREADY_REVERSED``,
    ``CANNOT_REVERSE_REVERSAL``, ``INVALID_INPUT`` (empty reason).
    """
    _check_key(idempotency_key)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(ErrorCode.INVALID_INPUT, "a reversal needs a reason", field="reason")
    original = await JournalEntry.get_or_none(id=entry_id)
    if original is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no journal entry {entry_id}", field="entry_id")
    if original.reverses_id is not None:
        raise DomainError(ErrorCode.CANNOT_REVERSE_REVERSAL, "a reversal cannot itself be reversed", field="entry_id")
    if await JournalEntry.exists(reverses_id=entry_id):
        raise DomainError(ErrorCode.ALREADY_REVERSED, "this entry has already been reversed", field="entry_id")
    legs = await Posting.filter(entry_id=entry_id).order_by("id")
    draft = EntryDraft(
        entry_type=EntryType.REVERSAL,
        value_date=value_date,
        narration=_narration(f"Reversal of entry {entry_id}: {reason}", "Reversal"),
        initiator=initiator,
        postings=tuple(
            (credit if Side(p.side) is Side.DEBIT else debit)(p.ledger_account_id, p.amount_minor, p.currency)
            for p in legs
        ),
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint({"op": "reverse_entry", "entry": entry_id, "reason": reason}),
        reverses_id=entry_id,
    )
    return await post_entry(draft)
