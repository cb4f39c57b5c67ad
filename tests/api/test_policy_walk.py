"""Every role x every root query, mutation and subscription against the policy table below.

The table is kept here, apart from graphql_api.policy, on purpose: a change of who may do
what must be made twice, once as intent (here) and once as code. A root field missing
from the table fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType

from graphql_api.schema import schema
from tests.api.helpers import anonymous, member, partner, staff

ALL_SCOPES = {"accounts:read", "transfers:write", "entries:read", "webhooks:manage"}
ROLES = {
    "anonymous": anonymous,
    "member": lambda: member(1),
    "partner": lambda: partner(ALL_SCOPES, member_id=1),
    "partner-no-scopes": lambda: partner(set(), member_id=1),
    "admin": lambda: staff("admin"),
    "manager": lambda: staff("manager"),
    "accountant": lambda: staff("accountant"),
    "clerk": lambda: staff("clerk"),
    "cashier": lambda: staff("cashier"),
    "auditor": lambda: staff("auditor"),
}
STAFF = {"admin", "manager", "accountant", "clerk", "cashier", "auditor"}
SIGNED_IN = set(ROLES) - {"anonymous", "partner-no-scopes"}
EVERYONE = set(ROLES)
BACK_OFFICE = {"admin", "manager", "accountant", "auditor"}

EXPECTED: dict[str, set[str]] = {
    # queries
    "me": SIGNED_IN,
    "node": SIGNED_IN,
    "members": STAFF,
    "member": STAFF | {"member"},
    "accounts": STAFF | {"member", "partner"},
    "account": STAFF | {"member", "partner"},
    "journalEntries": BACK_OFFICE | {"partner"},
    "ledgerAccounts": BACK_OFFICE,
    "trialBalance": BACK_OFFICE,
    "branches": SIGNED_IN,
    "products": SIGNED_IN,
    "auditEvents": {"admin", "auditor"},
    "auditChainStatus": {"admin", "auditor"},
    "staffUsers": {"admin", "auditor"},
    "apiClients": {"admin", "auditor"},
    "pendingApprovals": {"admin", "manager", "accountant", "auditor"},
    "cashTotals": {"manager", "cashier"},
    "branchOverview": BACK_OFFICE,
    "ledgerVerification": BACK_OFFICE,
    # mutations: an auditor may never mutate
    "signInWithPassword": EVERYONE - {"auditor"},
    "signInWithCode": EVERYONE - {"auditor"},
    "refreshSession": EVERYONE - {"auditor"},
    "issueClientToken": EVERYONE - {"auditor"},
    "signOut": SIGNED_IN,  # signing out is the one mutation an auditor may make
    "enrolTotp": {"admin", "manager", "accountant", "clerk", "cashier", "member"},
    "registerMember": {"admin", "manager", "clerk"},
    "updateMember": {"admin", "manager", "clerk", "member"},
    "requestContactChange": {"member"},
    "mySessions": STAFF | {"member"},
    "staffSessions": {"admin"},
    "endSession": STAFF | {"member"},
    "changePassword": STAFF | {"member"},
    "grantPortalAccess": {"admin", "manager", "clerk"},
    "requestPasswordReset": EVERYONE - {"auditor", "partner", "partner-no-scopes"},
    "completePasswordReset": EVERYONE - {"auditor", "partner", "partner-no-scopes"},
    "resetStaffPassword": {"admin"},
    "unlockLogin": {"admin", "manager"},
    "deactivateStaffUser": {"admin"},
    "deactivateApiClient": {"admin"},
    "rotateClientSecret": {"admin"},
    "confirmContactChange": {"member"},
    "approveKyc": {"admin", "manager"},
    # KYC (issue 9 items 6 and 7): scans only for the staff who do KYC and the auditor
    "kycDocumentFile": {"admin", "manager", "clerk", "auditor"},
    "kycDocumentMaxBytes": {"admin", "manager", "clerk"},
    "uploadKycDocument": {"admin", "manager", "clerk"},
    "rejectKyc": {"admin", "manager"},
    "setMemberRiskCategory": {"admin", "manager"},
    "openAccount": {"admin", "manager", "clerk"},
    "setNominee": {"admin", "manager", "clerk", "member"},
    "depositCash": {"manager", "cashier"},
    "withdrawCash": {"manager", "cashier"},
    "transferFunds": {"manager", "cashier", "member", "partner"},
    "requestReversal": {"admin", "manager", "accountant"},
    "approveReversal": {"admin", "manager", "accountant"},
    "createStaffUser": {"admin"},
    "createApiClient": {"admin"},
    "createProduct": {"admin"},
    "revokeSession": {"admin"},
    # subscriptions
    "balanceChanged": SIGNED_IN,
    "entryPosted": SIGNED_IN,
    # loans (graphql_api/loans)
    "loanProducts": STAFF | {"member"},
    "loans": STAFF | {"member"},
    "loan": STAFF | {"member", "partner"},
    "loanSchedulePreview": STAFF | {"member"},
    "loanDemandList": STAFF,
    "createLoanProduct": {"admin"},
    "applyForLoan": {"admin", "manager", "clerk", "member"},
    "confirmGuarantee": {"admin", "manager", "clerk", "member"},
    "recommendLoan": {"clerk", "manager"},
    "sanctionLoan": {"manager", "admin"},
    "rejectLoan": {"manager", "admin"},
    "disburseLoan": {"manager", "admin"},
    "repayLoan": {"manager", "cashier", "member"},
    "prepayLoan": {"manager", "cashier", "member"},
    "closeLoan": {"manager", "cashier", "member"},
    "writeOffLoan": {"manager", "admin"},
    "rescheduleLoan": {"manager", "admin"},
    # payments (graphql_api/payments)
    "paymentGateway": SIGNED_IN,
    "paymentOrder": STAFF | {"member"},
    "paymentOrders": STAFF | {"member"},
    "holds": STAFF | {"member", "partner"},
    "payees": STAFF | {"member"},
    "payouts": STAFF | {"member"},
    "upiQr": STAFF | {"member", "partner"},
    "gatewayEvents": BACK_OFFICE,
    "settlementRuns": BACK_OFFICE,
    "suspenseItems": BACK_OFFICE,
    "suspenseAgeing": BACK_OFFICE,
    "createPaymentOrder": {"manager", "cashier", "member"},
    "confirmPaymentCheckout": {"manager", "cashier", "member"},
    "requestStepUpCode": {"manager", "cashier", "clerk", "member"},
    "addPayee": {"manager", "cashier", "clerk", "member"},
    "removePayee": {"manager", "cashier", "clerk", "member"},
    "createPayout": {"manager", "cashier", "member"},
    "reconcileSettlement": {"admin", "manager", "accountant"},
    "paymentUpdates": SIGNED_IN,
    # counter (graphql_api/counter)
    "myDrawer": {"manager", "cashier"},
    "branchDrawers": {"manager", "admin", "auditor"},
    "openDrawer": {"manager", "cashier"},
    "closeDrawer": {"manager", "cashier"},
    # transfers (graphql_api/transfers)
    "transferPayee": {"manager", "cashier", "member"},
    # settings (graphql_api/settings)
    "settings": {"admin", "manager", "accountant", "auditor"},
    "setSetting": {"admin"},
    # deposits (graphql_api/deposits)
    "depositProducts": SIGNED_IN,
    "deposits": STAFF | {"member"},
    "deposit": STAFF | {"member"},
    "depositClosureQuote": STAFF | {"member"},
    "fixedDepositQuote": STAFF | {"member"},
    "tdsRegister": BACK_OFFICE,
    "tdsCertificate": BACK_OFFICE | {"clerk", "member"},
    "interestCertificate": BACK_OFFICE | {"clerk", "member"},
    "createDepositProduct": {"admin"},
    "setDepositRateChart": {"admin"},
    "openFixedDeposit": {"manager", "clerk", "cashier", "member"},
    "openRecurringDeposit": {"manager", "clerk", "cashier", "member"},
    "setMaturityInstruction": {"manager", "clerk", "member"},
    "closeDepositPrematurely": {"manager", "clerk", "member"},
    "recordTdsDeclaration": {"manager", "clerk", "accountant"},
    "printPassbook": {"manager", "clerk", "cashier", "member"},
    # notifications and partners' webhooks (graphql_api/notifications)
    "notifications": STAFF | {"member"},
    "unreadNotificationCount": STAFF | {"member"},
    "notificationPreferences": {"member"},
    "webhooks": {"admin", "auditor", "partner"},
    "webhookDeliveries": {"admin", "auditor", "partner"},
    "markNotificationsRead": STAFF - {"auditor"} | {"member"},
    "setNotificationPreferences": {"member"},
    "webhookCreate": {"admin", "partner"},
    "webhookUpdate": {"admin", "partner"},
    "webhookDelete": {"admin", "partner"},
    "eventDeliveryRetry": {"admin", "partner"},
    "inboxChanged": STAFF | {"member"},
    "event": STAFF | {"partner"},
    # share capital, dividends, year-end close (graphql_api/shares)
    "shareTerms": SIGNED_IN - {"partner"},
    "shareHolding": STAFF | {"member"},
    "shareRegister": STAFF,
    "dividends": BACK_OFFICE,
    "dividendReport": BACK_OFFICE,
    "financialYearCloses": BACK_OFFICE,
    "purchaseShares": {"manager", "clerk", "cashier", "member"},
    "transferShares": {"manager", "clerk"},
    "redeemShares": {"manager", "clerk", "cashier"},
    "proposeDividend": {"accountant"},
    "approveDividend": {"manager"},
    "closeFinancialYear": {"accountant"},
    # calendar (graphql_api/calendar)
    "businessDate": SIGNED_IN,
    "bankTimeZone": EVERYONE,
    "dayEndRuns": BACK_OFFICE,
    "dayEndSteps": BACK_OFFICE,
    "runDayEnd": {"admin", "accountant"},
    "reactivateAccount": {"admin", "manager"},
    "standingInstructions": STAFF | {"member"},
    "createStandingInstruction": {"admin", "manager", "clerk", "cashier", "member"},
    "cancelStandingInstruction": {"admin", "manager", "clerk", "cashier", "member"},
    "dayEndProgress": BACK_OFFICE,
    # reports (graphql_api/reports)
    "balanceAsOf": BACK_OFFICE,
    "trialBalanceReport": BACK_OFFICE,
    "balanceSheet": BACK_OFFICE,
    "profitAndLoss": BACK_OFFICE,
    "dayBook": BACK_OFFICE,
    "cashBook": BACK_OFFICE | {"cashier"},
    "generalLedger": BACK_OFFICE,
    "loansOutstanding": BACK_OFFICE,
    "npaStatement": BACK_OFFICE,
    "depositsReport": BACK_OFFICE,
    "crrReturn": BACK_OFFICE,
    "slrReturn": BACK_OFFICE,
    "dicgcReturn": BACK_OFFICE,
    "inoperativeAccounts": BACK_OFFICE | {"clerk"},
    "kycDueList": BACK_OFFICE | {"clerk"},
    "demandList": BACK_OFFICE | {"clerk"},
    "shareRegisterReport": BACK_OFFICE,
    "dividendRegisterReport": BACK_OFFICE,
    "tdsRegisterReport": BACK_OFFICE,
}


def _unwrap(t: Any) -> Any:
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def _literal(t: Any) -> str:
    required = isinstance(t, GraphQLNonNull)
    inner = t.of_type if required else t
    if isinstance(inner, GraphQLList):
        return f"[{_literal(inner.of_type)}]"
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLInputObjectType):
        parts = [f"{n}: {_literal(f.type)}" for n, f in inner.fields.items() if isinstance(f.type, GraphQLNonNull)]
        return "{" + ", ".join(parts) + "}"
    if isinstance(inner, GraphQLScalarType):
        return {"Int": "1", "Boolean": "true", "Date": '"2026-01-01"', "DateTime": '"2026-01-01T00:00:00Z"',
                "ID": '"QWNjb3VudDowMDEwMDAwMDAwMTg="'}.get(inner.name, '"001000000018"')
    raise AssertionError(inner)


def document(kind: str, name: str, field: Any) -> str:
    args = [f"{a}: {_literal(arg.type)}" for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)]
    arg_text = f"({', '.join(args)})" if args else ""
    return f"{kind} {{ {name}{arg_text} {{ __typename }} }}" if not isinstance(_unwrap(field.type), GraphQLScalarType) else f"{kind} {{ {name}{arg_text} }}"


def root_fields() -> list[tuple[str, str, Any]]:
    gql_schema = schema._schema
    out = []
    for kind, root in (("query", gql_schema.query_type), ("mutation", gql_schema.mutation_type), ("subscription", gql_schema.subscription_type)):
        for name, field in root.fields.items():
            out.append((kind, name, field))
    return out


def test_every_root_field_is_in_the_policy_table() -> None:
    names = {name for _, name, _ in root_fields()}
    missing = names - set(EXPECTED)
    assert not missing, f"root fields without an expected policy: {sorted(missing)}"
    assert not set(EXPECTED) - names, f"policy rows for fields that no longer exist: {sorted(set(EXPECTED) - names)}"


def _denied(errors: list[Any]) -> bool:
    return any((e.extensions or {}).get("code") == "FORBIDDEN" for e in errors or [])


@pytest.mark.parametrize("role", sorted(ROLES))
async def test_role_against_every_root_field(db: str, role: str) -> None:
    from graphql_api.ratelimit import reset_rate_limits

    await reset_rate_limits()
    wrong = []
    for kind, name, field in root_fields():
        doc = document(kind, name, field)
        ctx = ROLES[role]()
        if kind == "subscription":
            stream = await schema.subscribe(doc, context_value=ctx)
            if hasattr(stream, "__aiter__"):
                first = await stream.__anext__()
                await stream.aclose()
                errors = first.errors
            else:
                errors = stream.errors
        else:
            result = await schema.execute(doc, context_value=ctx)
            errors = result.errors
        allowed = not _denied(errors)
        if allowed != (role in EXPECTED[name]):
            wrong.append(f"{kind} {name}: {'allowed' if allowed else 'denied'} ({[e.message for e in errors or []][:1]})")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
