"""A premature closure that reduces interest already credited: the interest recovered from
the deposit, and the TDS refunded on it (Income-tax Act s.194A).

A deposit closed early earns the rate for the period run less the penalty, which can be
less than the interest already credited to it (a payout FD's payouts; a cumulative FD's or
an RD's year-end credits). The difference is recovered from the deposit: Dr the deposit,
Cr interest on deposits (5100). That interest was taxed when it was credited, so:

* the part credited in the financial year of the closure comes off the member's s.194A
  base for that year (this year's credits are reversed before earlier years'): a
  ``DepositInterestCredit`` row, reason ``closure-reversal``, with that interest and the TDS
  refunded, both negative, so the TDS register, certificates and later credits of the year
  see the reduced aggregate;
* the excess TDS deducted this year, ``tds.tds_refund_on_reduction`` (the year's tax before
  less after the reduction, at most what was deducted this year), is refunded: Dr TDS
  payable (2315), Cr the member's payout (savings) account, one journal entry;
* the part credited in an earlier financial year is recovered, but its TDS is **not**
  refunded by the bank: it was deducted and reported in that year's TDS statement, and the
  member claims credit for it and any refund in their income-tax return (s.199, s.237).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.functions import Sum

from bankcore.chart import DEPOSIT_INTEREST_EXPENSE, TDS_PAYABLE
from bankcore.deposits.interest import MemberTaxYear, member_tax_year
from bankcore.deposits.periods import financial_year
from bankcore.deposits.tds import tds_refund_on_reduction
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.models import DepositInterestCredit, EntryType, TermDeposit
from bankcore.services._lookup import gl_account_id

CLOSURE_REVERSAL = "closure-reversal"
TDS_REFUND_REF = "tds-refund"


@dataclass(frozen=True, slots=True)
class InterestReversed:
    """Interest recovered from a deposit closed early (paisa), the part of it credited this
    financial year, the TDS refunded to the member, and the refund's journal entry."""

    recovered_minor: int
    in_year_minor: int
    tds_refunded_minor: int
    refund_entry_id: int | None


async def tds_refund_quote(deposit: TermDeposit, *, recovered_minor: int,
                           on: date) -> tuple[int, int, MemberTaxYear | None]:
    """(part of ``recovered_minor`` credited to ``deposit`` in the financial year of ``on``, TDS to
    refund on it, the member's tax year) if interest of ``recovered_minor`` is recovered on ``on``.

    Reads only; ``reverse_interest_on_closure`` posts what this quotes. Sources as the module.
    """
    if recovered_minor <= 0:
        return 0, 0, None
    sums = await DepositInterestCredit.filter(deposit_id=deposit.id, financial_year=financial_year(on)).annotate(
        i=Sum("interest_minor")).first().values("i")
    in_year = min(recovered_minor, max(0, int((sums or {}).get("i") or 0)))
    if not in_year:
        return 0, 0, None
    year = await member_tax_year(member_id=deposit.member_id, on=on)
    in_year = min(in_year, max(0, year.interest_minor))
    refund = tds_refund_on_reduction(
        in_year, rule=year.rule, interest_in_year_minor=max(0, year.interest_minor),
        tds_in_year_minor=max(0, year.tds_minor), senior_citizen=year.senior_citizen, has_pan=year.has_pan,
        declaration_15g_15h=year.declared)
    return in_year, refund, year


async def reverse_interest_on_closure(deposit: TermDeposit, *, recovered_minor: int, value_date: date,
                                      refund_to_ledger_account_id: int, initiator: str) -> InterestReversed:
    """Recover ``recovered_minor`` of interest credited to ``deposit`` above what its early closure
    earns, and refund the TDS deducted on it this financial year (see module docstring).

    Call inside the closure's transaction. Nothing happens for a zero amount. Updates the
    deposit's ``interest_paid_minor`` (to what it earned) and ``tds_minor`` (less the refund).
    Raises ``DomainError`` as ``post_entry`` (e.g. ``ACCOUNT_NOT_ACTIVE``: a closed savings account).
    Source: Income-tax Act s.194A(1), (3)(i); s.199, s.237.
    """
    if recovered_minor <= 0:
        return InterestReversed(0, 0, 0, None)
    currency = deposit.currency
    recovery = await post_entry(EntryDraft(
        entry_type=EntryType.INTEREST, value_date=value_date, initiator=initiator,
        narration=f"Interest paid on deposit {deposit.number} above the premature-closure rate, recovered",
        postings=(debit(deposit.ledger_account_id, recovered_minor, currency),
                  credit(await gl_account_id(DEPOSIT_INTEREST_EXPENSE, currency), recovered_minor, currency)),
        idempotency_key=f"dep:{deposit.id}:closure-recovery",
    ))
    fy = financial_year(value_date)
    in_year, refund, year = await tds_refund_quote(deposit, recovered_minor=recovered_minor, on=value_date)
    entry_id = None
    if in_year and year is not None:
        if refund:
            ref = f"{TDS_REFUND_REF}:{deposit.id}"
            posted = await post_entry(EntryDraft(
                entry_type=EntryType.ADJUSTMENT, value_date=value_date, initiator=initiator, source_ref=ref,
                narration=f"TDS refunded: deposit {deposit.number} closed early, interest this year reduced by "
                          f"{in_year / 100:.2f}",
                postings=(debit(await gl_account_id(TDS_PAYABLE, currency), refund, currency),
                          credit(refund_to_ledger_account_id, refund, currency)),
                idempotency_key=f"dep:{deposit.id}:tds-refund",
                request_fingerprint=request_fingerprint({"op": "tds_refund", "deposit": deposit.number,
                                                         "amount": refund, "to": refund_to_ledger_account_id}),
            ))
            entry_id = posted.entry_id
        rate = (year.rule.rate_bps if year.has_pan else year.rule.rate_without_pan_bps) if refund else 0
        await DepositInterestCredit.create(
            deposit_id=deposit.id, member_id=deposit.member_id, financial_year=fy, credited_on=value_date,
            interest_minor=-in_year, tds_minor=-refund, rate_bps=rate, pan_held=year.has_pan,
            entry_id=entry_id or recovery.entry_id, reason=CLOSURE_REVERSAL,
        )
    deposit.interest_paid_minor -= recovered_minor
    deposit.tds_minor -= refund
    await TermDeposit.filter(id=deposit.id).update(interest_paid_minor=deposit.interest_paid_minor,
                                                   tds_minor=deposit.tds_minor)
    return InterestReversed(recovered_minor, in_year, refund, entry_id)
