"""A member's transfer to another account of the bank: check the payee, then pay within limits.

``check_payee`` answers, before the confirmation, whether the number is well formed (Luhn
check digit), exists and can take money, with the holder's name masked (``R**** K****``)
so the member sees they have the right person without learning who holds any account.

``member_transfer`` posts through ``transfer_funds`` and checks, inside the posting's
transaction (after the paying account is locked, so two transfers from one account
cannot both slip under a limit):

* the member's transfers to others in the business date stay within
  ``transfers.member_daily_limit_minor`` (``TRANSFER_DAILY_LIMIT``);
* to a payee not saved at least ``transfers.new_payee_cooling_hours`` ago (or never
  saved), the day's transfers to that account stay within
  ``transfers.new_payee_limit_minor`` (``NEW_PAYEE_LIMIT``).

Transfers between the member's own accounts are not limited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.posting import PostedEntry
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import AccountHolder, AccountStatus, HolderRole, Payee, PayeeKind
from bankcore.money import Money
from bankcore.services._lookup import get_account, get_accounts
from bankcore.services.money_movement import transfer_funds
from bankcore.transfers.settings import MEMBER_DAILY_LIMIT, NEW_PAYEE_COOLING_HOURS, NEW_PAYEE_LIMIT

_OWN = (HolderRole.OWNER.value, HolderRole.JOINT.value)


def mask_name(full_name: str) -> str:
    """Each word's first letter and a star per further letter: ``Rahul Kumar`` -> ``R**** K****``."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in full_name.split())


@dataclass(frozen=True, slots=True)
class PayeeCheck:
    """What a member may know of an account before paying it."""

    account_number: str
    masked_name: str
    own_account: bool


async def check_payee(*, account_number: str, member_id: int | None = None) -> PayeeCheck:
    """Check ``account_number`` can receive a transfer; the holder's name comes back masked.

    Raises ``DomainError``: ``INVALID_ACCOUNT_NUMBER`` (length or check digit),
    ``NOT_FOUND`` (no such account), ``ACCOUNT_NOT_ACTIVE`` (pending or closed).
    """
    ref = await get_account(account_number, field="to_account_number")
    if ref.status in (AccountStatus.PENDING.value, AccountStatus.CLOSED.value):
        raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {ref.number} cannot take money", field="to_account_number")
    holder = await AccountHolder.filter(account_id=ref.id, role=HolderRole.OWNER).order_by("id").select_related("member").first()
    name = mask_name(holder.member.full_name) if holder is not None else ""
    own = member_id is not None and await AccountHolder.exists(account_id=ref.id, member_id=member_id, role__in=_OWN)
    return PayeeCheck(ref.number, name, own)


async def _is_own(member_id: int, account_id: int) -> bool:
    return await AccountHolder.exists(account_id=account_id, member_id=member_id, role__in=_OWN)


async def _established_payee(member_id: int, account_number: str) -> bool:
    """Whether the member saved this account as a payee before the cooling period."""
    hours = await NEW_PAYEE_COOLING_HOURS.get()
    cutoff = datetime.now(UTC) - timedelta(hours=hours)  # a period of hours, not a banking date
    return await Payee.exists(member_id=member_id, kind=PayeeKind.INTERNAL, account_number=account_number,
                              active=True, created_at__lte=cutoff)


def _limits_effect(*, member_id: int, actor: str, payee_ledger_id: int, currency: str, new_payee: bool):  # noqa: ANN202
    async def check(conn: BaseDBAsyncClient, entry_id: int) -> None:
        m = placeholders(conn, 5)
        rows = await fetch(
            conn,
            "SELECT COALESCE(SUM(p.amount_minor), 0) AS total, "
            f"COALESCE(SUM(CASE WHEN c.ledger_account_id = {m[0]} THEN p.amount_minor ELSE 0 END), 0) AS to_payee "
            "FROM journal_entry je JOIN posting p ON p.entry_id = je.id AND p.side = 'D' "
            "JOIN posting c ON c.entry_id = je.id AND c.side = 'C' "
            f"WHERE je.initiator = {m[1]} AND je.entry_type = 'transfer' AND p.currency = {m[2]} "
            f"AND je.value_date = (SELECT value_date FROM journal_entry WHERE id = {m[3]}) "
            "AND NOT EXISTS (SELECT 1 FROM account a JOIN account_holder h ON h.account_id = a.id "
            f"  WHERE a.ledger_account_id = c.ledger_account_id AND h.member_id = {m[4]} AND h.role IN ('owner', 'joint'))",
            [payee_ledger_id, actor, currency, entry_id, member_id],
        )
        total, to_payee = int(rows[0]["total"] or 0), int(rows[0]["to_payee"] or 0)
        daily = await MEMBER_DAILY_LIMIT.get()
        if total > daily:
            raise DomainError(
                ErrorCode.TRANSFER_DAILY_LIMIT,
                f"Your transfers today would come to {Money(total, currency)}, above your daily limit of "
                f"{Money(daily, currency)}", field="amount")
        if new_payee:
            limit = await NEW_PAYEE_LIMIT.get()
            if to_payee > limit:
                hours = await NEW_PAYEE_COOLING_HOURS.get()
                raise DomainError(
                    ErrorCode.NEW_PAYEE_LIMIT,
                    f"To a payee saved less than {hours} hours ago (or not saved) you may send at most "
                    f"{Money(limit, currency)} a day", field="amount")

    return check


async def member_transfer(
    *,
    member_id: int,
    actor: str,
    from_account_number: str,
    to_account_number: str,
    amount: Money,
    remark: str | None = None,
    idempotency_key: str | None = None,
) -> PostedEntry:
    """A member's transfer, within the member's limits (see the module docstring).

    ``actor`` is how the ledger names the member (``member:7``); the member must hold the
    paying account (the caller checks). Raises ``DomainError``: ``TRANSFER_DAILY_LIMIT``,
    ``NEW_PAYEE_LIMIT`` and the codes of ``transfer_funds``.
    """
    found = await get_accounts({"from_account_number": from_account_number, "to_account_number": to_account_number})
    payee = found["to_account_number"]
    effect = None
    if not await _is_own(member_id, payee.id):
        new_payee = not await _established_payee(member_id, payee.number)
        effect = _limits_effect(member_id=member_id, actor=actor, payee_ledger_id=payee.ledger_account_id,
                                currency=payee.currency, new_payee=new_payee)
    return await transfer_funds(
        from_account_number=from_account_number, to_account_number=to_account_number, amount=amount,
        initiator=actor, narration=remark, idempotency_key=idempotency_key, effects=effect,
    )


async def add_internal_payee(*, member_id: int, name: str, account_number: str) -> Payee:
    """Save an account of this bank as the member's payee under ``name`` (their own label).

    The account must pass ``check_payee``. Saving the same account again returns the saved
    payee (its cooling period is not restarted). Raises ``DomainError``: ``INVALID_INPUT``
    (name), ``SAME_ACCOUNT`` (their own account), and ``check_payee``'s codes.
    """
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "the payee's name has 2 to 100 characters", field="name")
    check = await check_payee(account_number=account_number, member_id=member_id)
    if check.own_account:
        raise DomainError(ErrorCode.SAME_ACCOUNT, "your own accounts are always listed; no need to save them",
                          field="account_number")
    existing = await Payee.filter(member_id=member_id, kind=PayeeKind.INTERNAL, account_number=check.account_number,
                                  active=True).first()
    if existing is not None:
        return existing
    return await Payee.create(member_id=member_id, name=name, kind=PayeeKind.INTERNAL,
                              account_number=check.account_number, created_at=datetime.now(UTC))

