"""Inoperative accounts (RBI): no customer-induced transaction for 2 years.

Day-end marks them (``day_end.py``), after telling the member 3 months before; money may
still come in and interest is still credited, nothing goes out (``bankcore.ledger.posting``
refuses outflows) until a manager reactivates the account after a KYC check
(``service.reactivate_account``). The accountant's lists of inoperative and unclaimed
(DEA Fund) deposits are reports (``bankcore.reports.lists``).
"""
