"""Every report by its command-line name, and one way to run any of them.

``coopbank report NAME``, the GraphQL report fields and the staff Reports page all go
through ``run_report`` so the figures are the same everywhere. Names are the contract of
issue 14 (``REPORT_NAMES``); a report whose domain does not exist yet still answers,
with the missing part named in ``Report.gaps``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from bankcore.errors import DomainError, ErrorCode
from bankcore.money import currency_exponent
from bankcore.reports.base import Report, gc_paused


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What a report is asked for: ``as_of`` (inclusive), ``from_date`` for period reports
    (default per report), ``currency`` (default the bank's), ``account`` for the general
    ledger (a GL code such as ``1100-INR`` or an account number)."""

    as_of: date
    from_date: date | None = None
    currency: str | None = None
    account: str | None = None


Builder = Callable[[ReportRequest, str], Awaitable[Report]]


async def _trial_balance(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.books import trial_balance_report

    return await trial_balance_report(as_of=r.as_of, currency=currency)


async def _balance_sheet(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.statements import balance_sheet

    return await balance_sheet(as_of=r.as_of, currency=currency)


async def _profit_and_loss(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.statements import profit_and_loss

    return await profit_and_loss(as_of=r.as_of, from_date=r.from_date, currency=currency)


async def _day_book(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.books import day_book

    return await day_book(on=r.as_of, currency=currency)


async def _cash_book(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.books import cash_book

    return await cash_book(on=r.as_of, currency=currency)


async def _general_ledger(r: ReportRequest, currency: str) -> Report:
    from bankcore.chart import CASH, gl_code
    from bankcore.reports.books import general_ledger

    return await general_ledger(code=r.account or gl_code(CASH, currency), from_date=r.from_date or r.as_of.replace(day=1),
                                to_date=r.as_of)


async def _loans_outstanding(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.loans import loans_outstanding

    return await loans_outstanding(as_of=r.as_of, currency=currency)


async def _npa(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.loans import npa_statement

    return await npa_statement(as_of=r.as_of, currency=currency)


async def _deposits(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.deposits import deposits_report

    return await deposits_report(as_of=r.as_of, currency=currency)


async def _crr(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.regulatory import crr_return

    return await crr_return(as_of=r.as_of, currency=currency)


async def _slr(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.regulatory import slr_return

    return await slr_return(as_of=r.as_of, currency=currency)


async def _dicgc(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.regulatory import dicgc_return

    return await dicgc_return(as_of=r.as_of, currency=currency)


async def _inoperative(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.lists import inoperative_accounts

    return await inoperative_accounts(as_of=r.as_of, currency=currency)


async def _kyc_due(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.lists import kyc_due

    return await kyc_due(as_of=r.as_of, currency=currency)


async def _demand(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.demand import demand_list

    return await demand_list(as_of=r.as_of, currency=currency)


async def _share_register(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.shares import share_register

    return await share_register(as_of=r.as_of, currency=currency)


async def _dividend_register(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.shares import dividend_register

    return await dividend_register(as_of=r.as_of, currency=currency)


async def _tds_register(r: ReportRequest, currency: str) -> Report:
    from bankcore.reports.tds import tds_register

    return await tds_register(as_of=r.as_of, currency=currency, from_date=r.from_date)


REPORTS: dict[str, Builder] = {
    "trial-balance": _trial_balance,
    "balance-sheet": _balance_sheet,
    "profit-and-loss": _profit_and_loss,
    "day-book": _day_book,
    "cash-book": _cash_book,
    "general-ledger": _general_ledger,
    "loans-outstanding": _loans_outstanding,
    "npa": _npa,
    "deposits": _deposits,
    "crr": _crr,
    "slr": _slr,
    "dicgc": _dicgc,
    "inoperative": _inoperative,
    "kyc-due": _kyc_due,
    "demand": _demand,
    # beyond the issue's command-line list: the registers of other domains' data
    "share-register": _share_register,
    "dividend-register": _dividend_register,
    "tds-register": _tds_register,
}
REPORT_NAMES = tuple(REPORTS)


async def run_report(name: str, request: ReportRequest) -> Report:
    """Build report ``name`` for ``request``. Raises ``DomainError``: ``NOT_FOUND`` (no
    such report or account), ``UNSUPPORTED_CURRENCY``, ``INVALID_INPUT`` (a period that
    ends before it starts)."""
    builder = REPORTS.get(name)
    if builder is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no report {name!r}; one of {', '.join(REPORT_NAMES)}", field="name")
    if request.from_date is not None and request.from_date > request.as_of:
        raise DomainError(ErrorCode.INVALID_INPUT, "the period ends before it starts", field="from_date")
    currency = (request.currency or "").upper()
    if not currency:
        from bankcore.settings import BANK_CURRENCY

        currency = await BANK_CURRENCY.get(on=request.as_of)
    currency_exponent(currency)
    # (a long list's rows are a few hundred thousand objects alive until it is answered:
    # collecting cycles among them as they arrive was half of the KYC-due list's figures)
    with gc_paused():
        return await builder(request, currency)
