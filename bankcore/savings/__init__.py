"""Savings accounts as a domain: interest on the daily product, credited by day-end.

``interest_run`` holds the set-based SQL (daily products from the ledger's end-of-day
balances by value date); ``rates`` the effective-dated product rates; ``day_end`` the
close-of-business steps (month-end accrual, period-end credit).
"""
