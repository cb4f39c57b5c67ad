"""Root query fields of the reports domain: ``ReportsQuery``.

One field per report (each with its own roles in ``graphql_api.reports.policy``), all
answered by ``bankcore.reports.registry.run_report`` so the API, the staff pages and
``coopbank report`` give the same figures. Bad input (an unknown account, a period that
ends before it starts, an unsupported currency) is a typed error (``extensions.code``).
"""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.reports.balances import balance_as_of
from bankcore.reports.registry import ReportRequest, run_report
from graphql_api.policy import RootFieldPolicy
from graphql_api.reports.types import ReportType
from graphql_api.types.money import MoneyType

GUARD = [RootFieldPolicy]
_AS_OF = "The date (inclusive)."
_CURRENCY = "ISO 4217 (default: the bank's currency)."


async def _run(name: str, as_of: date, currency: str | None, from_date: date | None = None,
               account: str | None = None) -> ReportType:
    request = ReportRequest(as_of=as_of, from_date=from_date, currency=(currency or "").strip()[:3] or None,
                            account=account.strip()[:32] if account else None)
    return ReportType.of(await run_report(name, request))


def _on_date(name: str, description: str):
    async def resolve(as_of: date, currency: str | None = None) -> ReportType:
        return await _run(name, as_of, currency)

    return strawberry.field(resolver=resolve, description=description, permission_classes=GUARD)


@strawberry.type
class ReportsQuery:
    @strawberry.field(description="Balance of any ledger account at the end of `asOf`: a member's account number, a GL "
                      "code (`1100-INR`) or a control account (the roll-up beneath it), from postings by value date.",
                      permission_classes=GUARD)
    async def balance_as_of(self, code: str, as_of: date) -> MoneyType:
        return MoneyType.of(await balance_as_of(code=code, as_of=as_of))

    trial_balance_report = _on_date("trial-balance", "Trial balance at the end of `asOf`, as a report (CSV, PDF).")
    balance_sheet = _on_date("balance-sheet", "Balance sheet at the end of `asOf` in the format of Form A, Third "
                             "Schedule of the Banking Regulation Act; checks assets equal liabilities.")
    day_book = _on_date("day-book", "Every journal entry with value date `asOf` and its postings.")
    cash_book = _on_date("cash-book", "Cash in hand on `asOf`: opening balance, receipts, payments, closing balance.")
    loans_outstanding = _on_date("loans-outstanding", "Loans outstanding at the end of `asOf` by product and branch.")
    npa_statement = _on_date("npa", "NPA and provisioning statement at the end of `asOf` (IRAC classes, provision "
                             "required and held).")
    deposits_report = _on_date("deposits", "Members' deposits at the end of `asOf` by product and maturity profile.")
    crr_return = _on_date("crr", "CRR return (Form B): NDTL by component and the CRR required at the rate in force.")
    slr_return = _on_date("slr", "SLR return (Form I): NDTL, the SLR required and the liquid assets held.")
    dicgc_return = _on_date("dicgc", "DICGC premium: depositors, assessable and insured deposits, premium for the "
                            "half year (with the DI-01 figures).")
    inoperative_accounts = _on_date("inoperative", "Inoperative deposit accounts and those due to the DEA Fund as "
                                    "of `asOf`.")
    kyc_due_list = _on_date("kyc-due", "Members whose KYC is due as of `asOf`.")
    demand_list = _on_date("demand", "Demand and overdue list: every unpaid instalment overdue at the end of `asOf` or "
                           "falling due in the following days (setting `reports.demand_horizon_days`), with principal, "
                           "interest and charges due and days past due.")
    share_register_report = _on_date("share-register", "Members holding shares at the end of `asOf`, with paid-up value; "
                              "checks the total against share capital in the ledger.")
    dividend_register_report = _on_date("dividend-register", "Each member's dividend of the declarations credited up to "
                                 "`asOf`: the account credited, or UNPAID.")

    @strawberry.field(description="TDS register (s.194A) of the financial year containing `asOf`: per member and quarter, "
                      "PAN masked, interest credited, TDS deducted, Form 15G/15H; from 1 April (or `fromDate`) to `asOf`; "
                      "checks the TDS against TDS payable in the ledger.", permission_classes=GUARD)
    async def tds_register_report(self, as_of: date, from_date: date | None = None,
                                  currency: str | None = None) -> ReportType:
        return await _run("tds-register", as_of, currency, from_date)

    @strawberry.field(description="Profit and loss account (Form B, Third Schedule) for `fromDate` (default 1 April "
                      "of the financial year) to `asOf`, both inclusive.", permission_classes=GUARD)
    async def profit_and_loss(self, as_of: date, from_date: date | None = None,
                              currency: str | None = None) -> ReportType:
        return await _run("profit-and-loss", as_of, currency, from_date)

    @strawberry.field(description="General ledger of one account (GL code, control account or account number; "
                      "default cash in hand) for `fromDate` (default the 1st of the month) to `asOf`.",
                      permission_classes=GUARD)
    async def general_ledger(self, as_of: date, account: str | None = None, from_date: date | None = None,
                             currency: str | None = None) -> ReportType:
        return await _run("general-ledger", as_of, currency, from_date, account)
