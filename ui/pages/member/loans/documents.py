"""The GraphQL documents of the member's Loans page (each within the UI's query-cost budget)."""

from __future__ import annotations

MONEY = "{ amount currency }"

MEMBER_LOANS = f"""
query MemberLoans {{
  me {{ member {{ fullName memberNumber accounts {{ number status currency product {{ name kind }} availableBalance {MONEY} }} }} }}
  loans(first: 50) {{ edges {{ node {{ loanNumber productCode status }} }} }}
  loanProducts {{ code name method annualRateBps minAmount {MONEY} maxAmount {MONEY} minTenureMonths maxTenureMonths
    processingFeeBps guarantorsRequired collateralKinds active }}
}}"""

MEMBER_LOAN = f"""
query MemberLoan($number: String!) {{
  loan(number: $number) {{
    loan {{ loanNumber productCode status principal {MONEY} outstandingPrincipal {MONEY} interestDue {MONEY}
      chargesDue {MONEY} daysPastDue assetClass nextDueDate accountNumber }}
    annualRateBps tenureMonths emi {MONEY} appliedOn disbursedOn closedOn decisionReason restructured
    schedule {{ number dueDate principal {MONEY} interest {MONEY} instalment {MONEY} charges {MONEY} paid {MONEY} state }}
    foreclosureQuote {{ asOf principal {MONEY} interestDue {MONEY} chargesDue {MONEY} accruedInterest {MONEY} total {MONEY} }}
  }}
}}"""

REPAY_LOAN = f"""
mutation RepayLoan($input: RepayLoanInput!) {{
  repayLoan(input: $input) {{
    entryId replayed closed principal {MONEY} interest {MONEY} charges {MONEY} prepaid {MONEY}
    userErrors {{ field code message }}
  }}
}}"""

LOAN_STATEMENT_PDF = """
query LoanStatementPdf($number: String!) { loan(number: $number) { statementPdfBase64 } }"""

NO_DUES_PDF = """
query LoanNoDuesCertificate($number: String!) { loan(number: $number) { noDuesCertificatePdfBase64 } }"""

PREVIEW = f"""
query LoanSchedulePreview($productCode: String!, $amount: MoneyInput!, $tenureMonths: Int!) {{
  loanSchedulePreview(productCode: $productCode, amount: $amount, tenureMonths: $tenureMonths) {{
    number dueDate principal {MONEY} interest {MONEY} instalment {MONEY} }}
}}"""

APPLY_FOR_LOAN = """
mutation ApplyForLoan($input: ApplyForLoanInput!) {
  applyForLoan(input: $input) { loan { loan { loanNumber status } } userErrors { field code message } }
}"""

CLOSE_LOAN = f"""
mutation CloseLoan($loanNumber: String!, $idempotencyKey: String!, $fromAccountNumber: String, $expectedTotal: MoneyInput,
                   $stepUp: StepUpInput) {{
  closeLoan(loanNumber: $loanNumber, idempotencyKey: $idempotencyKey, fromAccountNumber: $fromAccountNumber,
            expectedTotal: $expectedTotal, stepUp: $stepUp) {{
    entryId replayed closed principal {MONEY} interest {MONEY} charges {MONEY}
    userErrors {{ field code message }}
  }}
}}"""
