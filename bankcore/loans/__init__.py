"""Loan maths: EMI, repayment schedules, repayment allocation, penal charges. Pure."""
