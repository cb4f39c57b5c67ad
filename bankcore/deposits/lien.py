"""Liens on term deposits: a loan against a deposit marks a lien; while any lien is active
the deposit cannot be closed, and is not paid out at maturity.

The loans package calls ``mark_lien`` when it disburses a loan against a deposit and
``release_lien`` when that loan is repaid; ``lien_capacity`` says how much more can be
lent against a deposit (``deposits.lien_max_bps`` of its current value, 90 % by
default, less the liens already on it). Amounts in minor units of the deposit's currency.
The deposit's row is locked for the change, so a lien and a closure never interleave.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.deposits.service import active_lien_minor, get_deposit
from bankcore.deposits.settings import LIEN_MAX_BPS
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositLien, DepositStatus, LedgerAccount, LienStatus, TermDeposit


async def _capacity(deposit: TermDeposit) -> int:
    balance = (await LedgerAccount.get(id=deposit.ledger_account_id)).balance_minor
    limit = balance * await LIEN_MAX_BPS.get() // 10_000
    return max(0, limit - await active_lien_minor(deposit.id))


async def lien_capacity(*, deposit_number: str) -> int:
    """How much more may be liened on the deposit now (minor units; 0 when it is not active)."""
    deposit = await get_deposit(deposit_number)
    if deposit.status != DepositStatus.ACTIVE:
        return 0
    return await _capacity(deposit)


async def mark_lien(*, deposit_number: str, amount_minor: int, reference: str, marked_by: str) -> DepositLien:
    """Mark a lien of ``amount_minor`` on an active deposit for ``reference`` (e.g. the loan account number).

    Marking the same reference again returns the lien already marked (idempotent).
    Raises ``DomainError``: ``NOT_FOUND``, ``DEPOSIT_NOT_ACTIVE``, ``INVALID_AMOUNT``
    (not positive), ``INVALID_INPUT`` (no reference), ``LIEN_LIMIT_EXCEEDED`` (above
    ``deposits.lien_max_bps`` of the deposit's value with the liens already on it).
    """
    reference = " ".join((reference or "").split())[:60]
    if not reference:
        raise DomainError(ErrorCode.INVALID_INPUT, "a lien names what it secures", field="reference")
    if type(amount_minor) is not int or amount_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "a lien must be a positive amount", field="amount")
    async with in_transaction():
        deposit = await get_deposit(deposit_number, for_update=True)
        existing = await DepositLien.get_or_none(deposit_id=deposit.id, reference=reference, status=LienStatus.ACTIVE)
        if existing is not None:
            return existing
        if deposit.status != DepositStatus.ACTIVE:
            raise DomainError(ErrorCode.DEPOSIT_NOT_ACTIVE, f"deposit {deposit.number} is {deposit.status}")
        if amount_minor > await _capacity(deposit):
            raise DomainError(ErrorCode.LIEN_LIMIT_EXCEEDED,
                              f"a lien on {deposit.number} may be at most {await LIEN_MAX_BPS.get() / 100:g}% "
                              "of its value, less liens already marked", field="amount")
        return await DepositLien.create(deposit=deposit, amount_minor=amount_minor, reference=reference,
                                        marked_on=await business_date(), marked_by=marked_by[:100])


async def release_lien(*, deposit_number: str, reference: str, released_by: str) -> DepositLien:
    """Release the active lien on the deposit for ``reference`` (the loan is repaid).

    Releasing one already released returns it. Raises ``DomainError(NOT_FOUND)`` when the
    deposit has no lien for that reference.
    """
    reference = " ".join((reference or "").split())[:60]
    async with in_transaction():
        deposit = await get_deposit(deposit_number, for_update=True)
        lien = await DepositLien.filter(deposit_id=deposit.id, reference=reference).order_by("-id").first()
        if lien is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no lien on {deposit.number} for {reference}", field="reference")
        if lien.status == LienStatus.ACTIVE:
            lien.status = LienStatus.RELEASED
            lien.released_on = await business_date()
            lien.released_by = released_by[:100]
            await lien.save(update_fields=["status", "released_on", "released_by"])
    return lien
