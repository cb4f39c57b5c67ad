"""What a member's tax documents say: the quarterly TDS certificate (Form 16A-like) and the
annual interest certificate, from the interest credits of ``DepositInterestCredit`` (the
s.194A base every credit, payout, year-end accrual and maturity writes).

Form 16A (Income-tax Rules 1962, rule 31(1)(b)) is issued by the deductor for each
quarter of the financial year (Q1 April-June, Q2 July-September, Q3 October-December, Q4
January-March, as in the quarterly statement Form 26Q): deductor's name and TAN, the
deductee's name and PAN, the section (194A), the amounts paid or credited with their
dates, and the tax deducted. The annual interest certificate is what banks give for the
depositor's return: per deposit, the interest paid or credited in the year and the TDS.
Amounts are integer minor units; nothing here formats or renders (see
``bankcore.deposits.certificate_pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankcore.calendar.business_date import business_date
from bankcore.deposits.settings import DEDUCTOR_NAME, DEDUCTOR_TAN
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositInterestCredit, DepositProduct, Member, TdsDeclaration, TermDeposit
from bankcore.settings import BANK_CURRENCY

SECTION = "194A"
_FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


def quarter_bounds(financial_year: int, quarter: int) -> tuple[date, date]:
    """First and last day of ``quarter`` (1-4) of the financial year starting in April ``financial_year``.

    Raises ``DomainError(INVALID_INPUT)`` for a quarter outside 1-4.
    """
    if quarter not in _FIRST_MONTH:
        raise DomainError(ErrorCode.INVALID_INPUT, "the quarter is 1 (April-June) to 4 (January-March)", field="quarter")
    year = financial_year + (1 if quarter == 4 else 0)
    start = date(year, _FIRST_MONTH[quarter], 1)
    end_month = _FIRST_MONTH[quarter] + 2
    end = date(year, end_month, 30 if end_month in (6, 9) else 31)
    return start, end


def quarter_of(day: date) -> int:
    """The financial-year quarter (1-4) of ``day``."""
    return (day.month - 4) % 12 // 3 + 1


@dataclass(frozen=True, slots=True)
class CreditLine:
    """One interest credit: when, on which deposit, gross interest, tax deducted and the rate (bps)."""

    credited_on: date
    deposit_number: str
    interest_minor: int
    tds_minor: int
    rate_bps: int
    reason: str


@dataclass(frozen=True, slots=True)
class TdsCertificate:
    """A quarter's TDS certificate for one member (see module docstring)."""

    certificate_number: str
    deductor_name: str
    deductor_tan: str
    member_number: str
    member_name: str
    pan: str | None
    declaration: str | None
    financial_year: int
    quarter: int
    period_from: date
    period_to: date
    issued_on: date
    currency: str
    lines: tuple[CreditLine, ...]

    @property
    def interest_minor(self) -> int:
        return sum(line.interest_minor for line in self.lines)

    @property
    def tds_minor(self) -> int:
        return sum(line.tds_minor for line in self.lines)


@dataclass(frozen=True, slots=True)
class DepositYear:
    """One deposit's year on the interest certificate."""

    deposit_number: str
    kind: str
    product_name: str
    opened_on: date
    principal_minor: int
    interest_minor: int
    tds_minor: int


@dataclass(frozen=True, slots=True)
class InterestCertificate:
    """A member's interest on term deposits for a financial year, per deposit, and the TDS."""

    deductor_name: str
    deductor_tan: str
    member_number: str
    member_name: str
    pan: str | None
    declaration: str | None
    financial_year: int
    issued_on: date
    currency: str
    deposits: tuple[DepositYear, ...]

    @property
    def interest_minor(self) -> int:
        return sum(d.interest_minor for d in self.deposits)

    @property
    def tds_minor(self) -> int:
        return sum(d.tds_minor for d in self.deposits)


def fy_label(financial_year: int) -> str:
    """``2026-27`` for the year starting April 2026."""
    return f"{financial_year}-{(financial_year + 1) % 100:02d}"


async def _member(member_number: str, member_id: int | None) -> Member:
    member = await Member.get_or_none(member_number=(member_number or "").strip()[:20])
    if member is None or (member_id is not None and member.id != member_id):
        raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
    return member


def _check_year(financial_year: int) -> None:
    if type(financial_year) is not int or not 1990 <= financial_year <= 2200:
        raise DomainError(ErrorCode.INVALID_INPUT, "the financial year is its starting year, e.g. 2026",
                          field="financial_year")


async def _context(member: Member, financial_year: int) -> tuple[str, str, str | None, str]:
    start = date(financial_year, 4, 1)
    declaration = await TdsDeclaration.get_or_none(member_id=member.id, financial_year=financial_year)
    return (await DEDUCTOR_NAME.get(on=start), await DEDUCTOR_TAN.get(on=start),
            declaration.form if declaration else None, await BANK_CURRENCY.get(on=start))


async def tds_certificate(*, member_number: str, financial_year: int, quarter: int,
                          member_id: int | None = None) -> TdsCertificate:
    """The TDS certificate of ``member_number`` for ``quarter`` of ``financial_year``.

    Lists every interest credit in the quarter (the TDS on it may be zero: under the
    threshold, or a 15G/15H on record), by date. ``member_id`` (a member asking for their
    own) must be that member. Raises ``DomainError``: ``NOT_FOUND`` (no such member, or
    not the caller), ``INVALID_INPUT`` (quarter not 1-4, implausible year).
    Source: Income-tax Rules rule 31 (Form 16A, quarterly), s.194A.
    """
    _check_year(financial_year)
    start, end = quarter_bounds(financial_year, quarter)
    member = await _member(member_number, member_id)
    credits = await DepositInterestCredit.filter(member_id=member.id, credited_on__gte=start,
                                                 credited_on__lte=end).order_by("credited_on", "id")
    numbers = dict(await TermDeposit.filter(id__in={c.deposit_id for c in credits}).values_list("id", "number"))
    deposits = {d.id: d.currency for d in await TermDeposit.filter(id__in=set(numbers)).only("id", "currency")}
    name, tan, declaration, currency = await _context(member, financial_year)
    if deposits:
        currency = next(iter(deposits.values()))
    return TdsCertificate(
        certificate_number=f"16A/{fy_label(financial_year)}/Q{quarter}/{member.member_number}",
        deductor_name=name, deductor_tan=tan, member_number=member.member_number, member_name=member.full_name,
        pan=member.pan or None, declaration=declaration, financial_year=financial_year, quarter=quarter,
        period_from=start, period_to=end, issued_on=await business_date(), currency=currency,
        lines=tuple(CreditLine(c.credited_on, numbers[c.deposit_id], c.interest_minor, c.tds_minor, c.rate_bps,
                               c.reason) for c in credits),
    )


async def interest_certificate(*, member_number: str, financial_year: int,
                               member_id: int | None = None) -> InterestCertificate:
    """The member's interest on each term deposit credited or paid in ``financial_year``, and the TDS.

    A deposit appears when it earned interest in the year. Raises ``DomainError``:
    ``NOT_FOUND`` (no such member, or not ``member_id``), ``INVALID_INPUT`` (year).
    """
    _check_year(financial_year)
    member = await _member(member_number, member_id)
    credits = await DepositInterestCredit.filter(member_id=member.id, financial_year=financial_year)
    per_deposit: dict[int, list[int]] = {}
    for c in credits:
        sums = per_deposit.setdefault(c.deposit_id, [0, 0])
        sums[0] += c.interest_minor
        sums[1] += c.tds_minor
    deposits = await TermDeposit.filter(id__in=set(per_deposit)).order_by("number")
    products = dict(await DepositProduct.filter(id__in={d.product_id for d in deposits}).values_list("id", "name"))
    name, tan, declaration, currency = await _context(member, financial_year)
    if deposits:
        currency = deposits[0].currency
    return InterestCertificate(
        deductor_name=name, deductor_tan=tan, member_number=member.member_number, member_name=member.full_name,
        pan=member.pan or None, declaration=declaration, financial_year=financial_year,
        issued_on=await business_date(), currency=currency,
        deposits=tuple(DepositYear(d.number, str(d.kind), products[d.product_id], d.opened_on, d.principal_minor,
                                   per_deposit[d.id][0], per_deposit[d.id][1]) for d in deposits),
    )
