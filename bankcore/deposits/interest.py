"""Crediting deposit interest with tax deducted at source (s.194A), and the TDS base.

Every interest credit or payment on a term deposit goes through ``credit_interest``: one
journal entry Dr interest on deposits (5100) gross, Cr the receiving account the net and
Cr TDS payable (2315) the tax, and one ``DepositInterestCredit`` row, in one transaction.
The tax is ``bankcore.deposits.tds.tds_on_interest`` over the member's interest on all
their deposits in the financial year (April-March), with the rule in force for that year
(``deposits.tds_194a_rules``), the senior-citizen threshold for members 60 or older by the
year's end, 20 % without a PAN, nothing with a Form 15G/15H on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from bankcore.chart import DEPOSIT_INTEREST_EXPENSE, TDS_PAYABLE
from bankcore.deposits.periods import age_on, financial_year
from bankcore.deposits.settings import SENIOR_CITIZEN_AGE, tds_rule_for
from bankcore.deposits.tds import TdsDeduction, TdsRule, tds_on_interest
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.models import DepositInterestCredit, EntryType, Member, TdsDeclaration, TermDeposit
from bankcore.services._lookup import gl_account_id


@dataclass(frozen=True, slots=True)
class InterestCredited:
    """Gross interest credited, the tax deducted from it, and the entry (None when nothing was due)."""

    interest_minor: int
    tds_minor: int
    entry_id: int | None


@dataclass(frozen=True, slots=True)
class MemberTaxYear:
    """What s.194A needs of a member's financial year: interest and TDS so far, and their status."""

    financial_year: int
    interest_minor: int
    tds_minor: int
    senior_citizen: bool
    has_pan: bool
    declared: bool
    rule: TdsRule


async def member_tax_year(*, member_id: int, on: date) -> MemberTaxYear:
    """Member ``member_id``'s financial year containing ``on``: interest credited and TDS deducted so far
    (net of closure reversals), senior citizen by the year's end, PAN held, Form 15G/15H on file, the rule."""
    member = await Member.get(id=member_id)
    fy = financial_year(on)
    sums = await DepositInterestCredit.filter(member_id=member_id, financial_year=fy).annotate(
        i=Sum("interest_minor"), t=Sum("tds_minor")).first().values("i", "t")
    age = age_on(member.date_of_birth, date(fy + 1, 3, 31))
    return MemberTaxYear(
        financial_year=fy, interest_minor=int((sums or {}).get("i") or 0), tds_minor=int((sums or {}).get("t") or 0),
        senior_citizen=age is not None and age >= await SENIOR_CITIZEN_AGE.get(on=on), has_pan=bool(member.pan),
        declared=await TdsDeclaration.exists(member_id=member_id, financial_year=fy), rule=await tds_rule_for(fy),
    )


async def tds_due(*, member_id: int, credited_on: date, interest_minor: int) -> tuple[TdsDeduction, bool]:
    """The TDS on a new credit of ``interest_minor`` to member ``member_id`` on ``credited_on``, and whether a PAN is held."""
    year = await member_tax_year(member_id=member_id, on=credited_on)
    deduction = tds_on_interest(
        interest_minor, rule=year.rule, earlier_interest_in_year_minor=year.interest_minor,
        earlier_tds_in_year_minor=year.tds_minor, senior_citizen=year.senior_citizen, has_pan=year.has_pan,
        declaration_15g_15h=year.declared,
    )
    return deduction, year.has_pan


async def credit_interest(
    deposit: TermDeposit,
    *,
    interest_minor: int,
    to_ledger_account_id: int,
    value_date: date,
    reason: str,
    initiator: str,
    idempotency_key: str | None,
) -> InterestCredited:
    """Credit ``interest_minor`` of ``deposit`` to ``to_ledger_account_id`` less TDS, valued ``value_date``.

    Nothing is posted for zero interest. Call inside the caller's transaction when the
    credit belongs with other changes (it opens a nested one). With an idempotency key a
    repeat posts nothing and returns the first credit. Raises ``DomainError`` as
    ``post_entry`` (e.g. ``ACCOUNT_NOT_ACTIVE`` when the receiving account is closed).
    """
    if interest_minor <= 0:
        return InterestCredited(0, 0, None)
    deduction, has_pan = await tds_due(member_id=deposit.member_id, credited_on=value_date,
                                       interest_minor=interest_minor)
    tax = min(deduction.tds_minor, interest_minor)
    currency = deposit.currency
    expense = await gl_account_id(DEPOSIT_INTEREST_EXPENSE, currency)
    legs = [debit(expense, interest_minor, currency)]
    if interest_minor - tax > 0:
        legs.append(credit(to_ledger_account_id, interest_minor - tax, currency))
    if tax > 0:
        legs.append(credit(await gl_account_id(TDS_PAYABLE, currency), tax, currency))
    if len(legs) < 2:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "nothing to credit")
    narration = f"Interest on deposit {deposit.number}" + (f", TDS {tax / 100:.2f} deducted" if tax else "")
    draft = EntryDraft(
        entry_type=EntryType.INTEREST, value_date=value_date, narration=narration[:255], initiator=initiator,
        postings=tuple(legs), idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint({"op": "deposit_interest", "deposit": deposit.number,
                                                 "interest": interest_minor, "to": to_ledger_account_id,
                                                 "on": value_date}),
    )
    async with in_transaction():
        posted = await post_entry(draft)
        if posted.replayed:
            row = await DepositInterestCredit.get_or_none(entry_id=posted.entry_id)
            return InterestCredited(interest_minor, row.tds_minor if row else tax, posted.entry_id)
        await DepositInterestCredit.create(
            deposit_id=deposit.id, member_id=deposit.member_id, financial_year=financial_year(value_date),
            credited_on=value_date, interest_minor=interest_minor, tds_minor=tax,
            rate_bps=deduction.rate_bps if tax else 0, pan_held=has_pan, entry_id=posted.entry_id, reason=reason[:20],
        )
        deposit.interest_paid_minor += interest_minor
        deposit.tds_minor += tax
        await TermDeposit.filter(id=deposit.id).update(interest_paid_minor=deposit.interest_paid_minor,
                                                       tds_minor=deposit.tds_minor)
    return InterestCredited(interest_minor, tax, posted.entry_id)


async def record_tds_declaration(*, member_number: str, financial_year_start: int, form: str, received_on: date,
                                 recorded_by: str) -> TdsDeclaration:
    """Put a Form 15G (under 60) or 15H (60 or more) on record for a financial year: no TDS that year.

    Raises ``DomainError``: ``NOT_FOUND`` (member), ``INVALID_INPUT`` (form other than
    15G/15H, one already on record for the year, or 15H for a member under 60 / 15G for 60+).
    Source: Income-tax Act s.197A(1A), (1C).
    """
    member = await Member.get_or_none(member_number=(member_number or "").strip()[:20])
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
    form = (form or "").strip().upper()
    if form not in ("15G", "15H"):
        raise DomainError(ErrorCode.INVALID_INPUT, "the form is 15G or 15H", field="form")
    age = age_on(member.date_of_birth, date(financial_year_start + 1, 3, 31))
    senior = age is not None and age >= await SENIOR_CITIZEN_AGE.get(on=received_on)
    if (form == "15H") != senior:
        raise DomainError(ErrorCode.INVALID_INPUT, "15H is for members 60 or older, 15G for the others", field="form")
    if await TdsDeclaration.exists(member_id=member.id, financial_year=financial_year_start):
        raise DomainError(ErrorCode.INVALID_INPUT, "a declaration for that year is on record already",
                          field="financial_year")
    return await TdsDeclaration.create(member=member, financial_year=financial_year_start, form=form,
                                       received_on=received_on, recorded_by=recorded_by[:100])
