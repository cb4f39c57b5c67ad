"""Who may call the reports' root fields (merged into ``graphql_api.policy.POLICY``).

Statements and books are for the back office (admin, manager, accountant, auditor);
the cashier also sees the cash book; clerks see the KYC-due, inoperative and demand lists they
work through; regulatory returns are for the back office only.
"""

from __future__ import annotations

from graphql_api.context import Role

A = Role
BACK_OFFICE = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR})

REPORTS_POLICY: dict[str, frozenset[Role]] = {
    "balanceAsOf": BACK_OFFICE,
    "trialBalanceReport": BACK_OFFICE,
    "balanceSheet": BACK_OFFICE,
    "profitAndLoss": BACK_OFFICE,
    "dayBook": BACK_OFFICE,
    "cashBook": BACK_OFFICE | {A.CASHIER},
    "generalLedger": BACK_OFFICE,
    "loansOutstanding": BACK_OFFICE,
    "npaStatement": BACK_OFFICE,
    "depositsReport": BACK_OFFICE,
    "crrReturn": BACK_OFFICE,
    "slrReturn": BACK_OFFICE,
    "dicgcReturn": BACK_OFFICE,
    "inoperativeAccounts": BACK_OFFICE | {A.CLERK},
    "kycDueList": BACK_OFFICE | {A.CLERK},
    "demandList": BACK_OFFICE | {A.CLERK},
    "shareRegisterReport": BACK_OFFICE,
    "dividendRegisterReport": BACK_OFFICE,
    "tdsRegisterReport": BACK_OFFICE,
}

# Root field -> the report's command-line name (bankcore.reports.registry).
REPORT_FIELDS: dict[str, str] = {
    "trialBalanceReport": "trial-balance",
    "balanceSheet": "balance-sheet",
    "profitAndLoss": "profit-and-loss",
    "dayBook": "day-book",
    "cashBook": "cash-book",
    "generalLedger": "general-ledger",
    "loansOutstanding": "loans-outstanding",
    "npaStatement": "npa",
    "depositsReport": "deposits",
    "crrReturn": "crr",
    "slrReturn": "slr",
    "dicgcReturn": "dicgc",
    "inoperativeAccounts": "inoperative",
    "kycDueList": "kyc-due",
    "demandList": "demand",
    "shareRegisterReport": "share-register",
    "dividendRegisterReport": "dividend-register",
    "tdsRegisterReport": "tds-register",
}
