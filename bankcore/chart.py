"""The chart of accounts: GL accounts, per currency, that every posting rolls up to.

Codes follow the usual five classes (1 assets, 2 liabilities, 3 equity, 4 income,
5 expenses). Each currency has its own set, coded ``<base>-<currency>`` (``2100-INR``),
because a ledger account holds one currency and debits must equal credits per currency.
Members' accounts are sub-ledger accounts under a control account (``2100`` savings,
``2200`` current deposits, ``1300`` loans and advances).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from bankcore.models import LedgerAccount, LedgerKind
from bankcore.money import currency_exponent

# Codes the services refer to by name.
ASSETS = "1000"
CASH = "1100"
CLEARING = "1200"
LOANS = "1300"
LIABILITIES = "2000"
SAVINGS_DEPOSITS = "2100"
CURRENT_DEPOSITS = "2200"
EQUITY = "3000"
SHARE_CAPITAL = "3100"
RESERVES = "3200"
INCOME = "4000"
LOAN_INTEREST_INCOME = "4100"
FEE_INCOME = "4200"
PENAL_INTEREST_INCOME = "4300"
EXPENSES = "5000"
DEPOSIT_INTEREST_EXPENSE = "5100"
# payments (bankcore/payments): the gateway's balance with us, its charges, and suspense
GATEWAY_SETTLEMENT = "1250"
SUSPENSE = "2900"
GATEWAY_CHARGES = "5200"
# term deposits (bankcore/deposits): FD and RD control accounts, interest accrued not yet
# credited (month-end accrual), and tax deducted at source (s.194A) owed to the government
FIXED_DEPOSITS = "2312"
RECURRING_DEPOSITS = "2313"
DEPOSIT_INTEREST_PAYABLE = "2314"
TDS_PAYABLE = "2315"
# loans (bankcore/loans): receivable interest, GST on fees, the NPA interest reserve, provisions
LOAN_INTEREST_RECEIVABLE = "1365"
GST_PAYABLE = "2365"
OVERDUE_INTEREST_RESERVE = "2366"
LOAN_LOSS_PROVISIONS = "2367"
BAD_DEBTS_RECOVERED = "4365"
LOAN_PROVISION_EXPENSE = "5365"
BAD_DEBTS_WRITTEN_OFF = "5366"
# share capital, dividends and the year-end close (bankcore/shares, bankcore/books): the
# reserves net profit is appropriated to (MSCS Act 2002 s.63), the year's undistributed
# profit, the education fund owed, dividends not yet claimed, and admission fees
STATUTORY_RESERVE = "3251"
UNFORESEEN_LOSSES_RESERVE = "3252"
PROFIT_AND_LOSS = "3290"
EDUCATION_FUND_PAYABLE = "2451"
UNPAID_DIVIDEND = "2452"
ADMISSION_FEES = "4451"
# savings interest (bankcore/savings): month-end accrual of interest not yet credited
SAVINGS_INTEREST_ACCRUED = "2170"


@dataclass(frozen=True, slots=True)
class GlSpec:
    code: str
    name: str
    kind: LedgerKind
    parent: str | None
    is_control: bool


STANDARD_CHART: tuple[GlSpec, ...] = (
    GlSpec(ASSETS, "Assets", LedgerKind.ASSET, None, True),
    GlSpec(CASH, "Cash in hand", LedgerKind.ASSET, ASSETS, False),
    GlSpec(CLEARING, "Clearing and settlement with other banks", LedgerKind.ASSET, ASSETS, False),
    GlSpec(LOANS, "Loans and advances", LedgerKind.ASSET, ASSETS, True),
    GlSpec(LIABILITIES, "Liabilities", LedgerKind.LIABILITY, None, True),
    GlSpec(SAVINGS_DEPOSITS, "Savings deposits", LedgerKind.LIABILITY, LIABILITIES, True),
    GlSpec(CURRENT_DEPOSITS, "Current deposits", LedgerKind.LIABILITY, LIABILITIES, True),
    GlSpec(EQUITY, "Equity", LedgerKind.EQUITY, None, True),
    GlSpec(SHARE_CAPITAL, "Share capital", LedgerKind.EQUITY, EQUITY, False),
    GlSpec(RESERVES, "Reserves and surplus", LedgerKind.EQUITY, EQUITY, False),
    GlSpec(INCOME, "Income", LedgerKind.INCOME, None, True),
    GlSpec(LOAN_INTEREST_INCOME, "Interest income on loans", LedgerKind.INCOME, INCOME, False),
    GlSpec(FEE_INCOME, "Fees and service charges", LedgerKind.INCOME, INCOME, False),
    GlSpec(PENAL_INTEREST_INCOME, "Penal interest and charges", LedgerKind.INCOME, INCOME, False),
    GlSpec(EXPENSES, "Expenses", LedgerKind.EXPENSE, None, True),
    GlSpec(DEPOSIT_INTEREST_EXPENSE, "Interest paid on deposits", LedgerKind.EXPENSE, EXPENSES, False),
    # payments
    GlSpec(GATEWAY_SETTLEMENT, "Payment gateway settlement account", LedgerKind.ASSET, ASSETS, False),
    GlSpec(SUSPENSE, "Suspense: unreconciled gateway items", LedgerKind.LIABILITY, LIABILITIES, False),
    GlSpec(GATEWAY_CHARGES, "Payment gateway charges", LedgerKind.EXPENSE, EXPENSES, False),
    # term deposits
    GlSpec(FIXED_DEPOSITS, "Fixed deposits", LedgerKind.LIABILITY, LIABILITIES, True),
    GlSpec(RECURRING_DEPOSITS, "Recurring deposits", LedgerKind.LIABILITY, LIABILITIES, True),
    GlSpec(DEPOSIT_INTEREST_PAYABLE, "Interest accrued on term deposits, not yet credited", LedgerKind.LIABILITY,
           LIABILITIES, False),
    GlSpec(TDS_PAYABLE, "TDS payable (income tax deducted at source, s.194A)", LedgerKind.LIABILITY, LIABILITIES, False),
    # loans
    GlSpec(LOAN_INTEREST_RECEIVABLE, "Interest receivable on loans", LedgerKind.ASSET, ASSETS, False),
    GlSpec(GST_PAYABLE, "GST payable", LedgerKind.LIABILITY, LIABILITIES, False),
    GlSpec(OVERDUE_INTEREST_RESERVE, "Overdue interest reserve (interest on NPAs not realised)",
           LedgerKind.LIABILITY, LIABILITIES, False),
    GlSpec(LOAN_LOSS_PROVISIONS, "Provisions for loan losses (standard assets and NPAs)",
           LedgerKind.LIABILITY, LIABILITIES, False),
    GlSpec(BAD_DEBTS_RECOVERED, "Bad debts recovered", LedgerKind.INCOME, INCOME, False),
    GlSpec(LOAN_PROVISION_EXPENSE, "Provisions for loan losses (charge for the period)", LedgerKind.EXPENSE, EXPENSES, False),
    GlSpec(BAD_DEBTS_WRITTEN_OFF, "Bad debts written off", LedgerKind.EXPENSE, EXPENSES, False),
    # share capital, dividends and the year-end close
    GlSpec(STATUTORY_RESERVE, "Statutory reserve fund (MSCS Act s.63)", LedgerKind.EQUITY, EQUITY, False),
    GlSpec(UNFORESEEN_LOSSES_RESERVE, "Reserve for unforeseen losses (MSCS Act s.63)", LedgerKind.EQUITY, EQUITY, False),
    GlSpec(PROFIT_AND_LOSS, "Profit and loss appropriation (undistributed net profit of closed years)",
           LedgerKind.EQUITY, EQUITY, False),
    GlSpec(EDUCATION_FUND_PAYABLE, "Co-operative education fund payable (MSCS Act s.63)", LedgerKind.LIABILITY,
           LIABILITIES, False),
    GlSpec(UNPAID_DIVIDEND, "Unpaid dividend (members without a savings account)", LedgerKind.LIABILITY, LIABILITIES, False),
    GlSpec(ADMISSION_FEES, "Admission fees from new members", LedgerKind.INCOME, INCOME, False),
    # savings interest
    GlSpec(SAVINGS_INTEREST_ACCRUED, "Interest accrued on savings deposits, not yet credited", LedgerKind.LIABILITY,
           LIABILITIES, False),
)


def gl_code(base: str, currency: str) -> str:
    """The ledger code of GL account ``base`` in ``currency``, e.g. ``gl_code(CASH, "INR") == "1100-INR"``."""
    return f"{base}-{currency}"


async def ensure_chart(*, currency: str) -> dict[str, LedgerAccount]:
    """Create the standard chart of accounts for ``currency`` if missing; idempotent.

    Returns the GL accounts keyed by base code (``"1100"``). Raises
    ``DomainError(UNSUPPORTED_CURRENCY)`` for an unknown currency.
    """
    currency_exponent(currency)
    codes = [gl_code(spec.code, currency) for spec in STANDARD_CHART]
    existing = {a.code: a for a in await LedgerAccount.filter(code__in=codes)}
    if len(existing) == len(codes):
        return {spec.code: existing[gl_code(spec.code, currency)] for spec in STANDARD_CHART}
    async with in_transaction():
        accounts: dict[str, LedgerAccount] = {}
        for spec in STANDARD_CHART:  # parents come before children in STANDARD_CHART
            code = gl_code(spec.code, currency)
            account = existing.get(code)
            if account is None:
                account, _ = await LedgerAccount.get_or_create(
                    code=code,
                    defaults={
                        "name": f"{spec.name} ({currency})",
                        "kind": spec.kind,
                        "currency": currency,
                        "parent": accounts[spec.parent] if spec.parent else None,
                        "is_control": spec.is_control,
                        "tracks_balance": False,
                        "floor_minor": None,
                    },
                )
            accounts[spec.code] = account
    return accounts
