"""Tortoise models of the bank: one module per domain concept.

Every model is exported here because Tortoise discovers an app's models from one module
(``bankcore.models``). Foreign keys use RESTRICT: a bank never deletes a parent row and
silently takes its ledger history with it.
"""

from bankcore.models.account import Account, AccountHolder, AccountStatus, HolderRole, StatementFrequency
from bankcore.models.audit import AuditLog, AuditOutcome
from bankcore.models.approval import ApprovalKind, ApprovalRequest, ApprovalStatus
from bankcore.models.branch import Branch
from bankcore.models.counter import DrawerStatus, TellerDrawer
from bankcore.models.calendar import BankCalendar, DayEndRun, DayEndStatus, DayEndStepRun
from bankcore.models.identity import (
    ApiClient,
    AuthSession,
    ContactChange,
    KnownDevice,
    MemberCredential,
    OneTimeCode,
    PrincipalKind,
    RefreshToken,
    SecondFactor,
    SignInChallenge,
    StaffRole,
    StaffUser,
)
from bankcore.models.ledger import EntryType, JournalEntry, LedgerAccount, LedgerKind, Posting, Side
from bankcore.models.member import Gender, KycDocument, KycDocumentType, KycStatus, Member, RiskCategory
from bankcore.models.loan import (
    BerkaLoanStatus,
    DisburseTo,
    InterestMethod,
    Loan,
    LoanGuarantor,
    LoanInstalment,
    LoanClassification,
    LoanPenalLevy,
    LoanProduct,
    LoanStatus,
)
from bankcore.models.notification import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationOutbox,
    NotificationPreference,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from bankcore.models.product import Product, ProductKind
from bankcore.models.records import Card, StandingOrder
from bankcore.models.setting import BankSetting
from bankcore.models.savings import ProductRate, SavingsInterestCredit
from bankcore.models.instructions import (
    InstructionFrequency,
    InstructionOutcome,
    InstructionStatus,
    StandingInstruction,
    StandingInstructionRun,
)
# payments (holds, gateway orders and payouts, settlement)
from bankcore.models.hold import Hold, HoldStatus
from bankcore.models.payments import (
    GatewayEvent,
    GatewayEventOutcome,
    Payee,
    PayeeKind,
    PaymentOrder,
    PaymentOrderStatus,
    PaymentPurpose,
    Payout,
    PayoutMode,
    PayoutStatus,
    SettlementRun,
    SuspenseItem,
    SuspenseStatus,
)
# API edge (issue 8): rate limits shared by instances
from bankcore.models.ratelimit import RateLimitHit
# term deposits (issue 12)
from bankcore.models.deposit import (
    DepositInterestCredit,
    DepositKind,
    DepositLien,
    DepositProduct,
    DepositRate,
    DepositStatus,
    InterestPayout,
    LienStatus,
    MaturityInstruction,
    TdsDeclaration,
    TermDeposit,
)
# share capital, dividends and the year-end close (issue 12)
from bankcore.models.shares import (
    CertificateStatus,
    DividendDeclaration,
    DividendPayment,
    DividendStatus,
    FinancialYearClose,
    ShareAccount,
    ShareCertificate,
    ShareTransaction,
    ShareTransactionKind,
)
# reports (issue 14): month-end balance snapshots
from bankcore.models.reports import BalanceSnapshot, BalanceSnapshotRun, PassbookPrint

__all__ = [
    "BalanceSnapshot",
    "BalanceSnapshotRun",
    "PassbookPrint",
    "InstructionFrequency",
    "InstructionOutcome",
    "InstructionStatus",
    "StandingInstruction",
    "StandingInstructionRun",
    "ContactChange",
    "KnownDevice",
    "ProductRate",
    "SavingsInterestCredit",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "Account",
    "AccountHolder",
    "AccountStatus",
    "ApiClient",
    "AuditLog",
    "AuditOutcome",
    "AuthSession",
    "BankCalendar",
    "BankSetting",
    "Branch",
    "Card",
    "DayEndRun",
    "DayEndStatus",
    "DayEndStepRun",
    "EntryType",
    "Gender",
    "HolderRole",
    "JournalEntry",
    "KycDocument",
    "KycDocumentType",
    "KycStatus",
    "LedgerAccount",
    "LedgerKind",
    "BerkaLoanStatus",
    "DisburseTo",
    "InterestMethod",
    "Loan",
    "LoanGuarantor",
    "LoanInstalment",
    "LoanClassification",
    "LoanPenalLevy",
    "LoanProduct",
    "LoanStatus",
    "Member",
    "MemberCredential",
    "NotificationChannel",
    "NotificationOutbox",
    "OneTimeCode",
    "Posting",
    "PrincipalKind",
    "Product",
    "ProductKind",
    "RefreshToken",
    "SecondFactor",
    "Side",
    "SignInChallenge",
    "StaffRole",
    "StaffUser",
    "StandingOrder",
    "StatementFrequency",
    # payments
    "GatewayEvent",
    "GatewayEventOutcome",
    "Hold",
    "HoldStatus",
    "Payee",
    "RiskCategory",
    "TellerDrawer",
    "DrawerStatus",
    "PayeeKind",
    "PaymentOrder",
    "PaymentOrderStatus",
    "PaymentPurpose",
    "Payout",
    "PayoutMode",
    "PayoutStatus",
    "SettlementRun",
    "SuspenseItem",
    "SuspenseStatus",
    # API edge (issue 8)
    "RateLimitHit",
    # term deposits (issue 12)
    "DepositInterestCredit",
    "DepositKind",
    "DepositLien",
    "DepositProduct",
    "DepositRate",
    "DepositStatus",
    "InterestPayout",
    "LienStatus",
    "MaturityInstruction",
    "TdsDeclaration",
    "TermDeposit",
    # share capital, dividends and the year-end close (issue 12)
    "CertificateStatus",
    "DividendDeclaration",
    "DividendPayment",
    "DividendStatus",
    "FinancialYearClose",
    "ShareAccount",
    "ShareCertificate",
    "ShareTransaction",
    "ShareTransactionKind",
    # notifications and partner webhooks (issues 14 and 13)
    "DeliveryChannel",
    "DeliveryStatus",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "OutboxEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookSubscription",
]
