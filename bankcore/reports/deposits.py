"""Deposits by product and maturity profile (from members' deposit balances by value date).

Savings and current accounts are repayable on demand; term deposits (issue 12's domain)
are bucketed by residual maturity once that domain records them (``MATURITY_BUCKETS``,
the RBI ALM buckets).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bankcore.models import LedgerKind, Product
from bankcore.reports.balances import subledger_credit_totals
from bankcore.reports.base import Amount, Column, ColumnKind, Report, Row

MATURITY_BUCKETS = ("On demand", "1-14 days", "15-28 days", "29 days-3 months", "3-6 months", "6-12 months",
                    "1-3 years", "3-5 years", "Over 5 years")
DEPOSIT_COLUMNS = (Column("section", "Section"), Column("code", "Code"), Column("name", "Name"),
                   Column("accounts", "Accounts", ColumnKind.COUNT), Column("amount", "Amount", ColumnKind.MONEY))


async def deposits_report(*, as_of: date, currency: str) -> Report:
    """Members' deposits at the end of ``as_of``: per product (accounts in credit and their
    credit balances), then the maturity profile; TOTAL rows per section."""
    totals = await subledger_credit_totals(as_of=as_of, currency=currency, kind=LedgerKind.LIABILITY)
    names = dict(await Product.all().values_list("code", "name"))
    by_product: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_bucket: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, (n, amount) in totals.items():
        by_product[code][0] += n
        by_product[code][1] += amount
        bucket = "On demand"  # savings and current; term deposits are bucketed once the domain records them
        by_bucket[bucket][0] += n
        by_bucket[bucket][1] += amount
    rows: list[Row] = []
    count = sum(v[0] for v in by_product.values())
    total = sum(v[1] for v in by_product.values())
    for code in sorted(by_product):
        n, amount = by_product[code]
        rows.append(Row(("PRODUCT", code, names.get(code, code), n, Amount(amount, currency))))
    rows.append(Row(("PRODUCT", "TOTAL", "Total deposits", count, Amount(total, currency)), "total"))
    for i, bucket in enumerate(MATURITY_BUCKETS, start=1):
        n, amount = by_bucket.get(bucket, [0, 0])
        rows.append(Row(("MATURITY", f"M{i}", bucket, n, Amount(amount, currency))))
    rows.append(Row(("MATURITY", "TOTAL", "Total deposits", count, Amount(total, currency)), "total"))
    return Report(
        name="deposits", title="Deposits by product and maturity", as_of=as_of, currency=currency,
        columns=DEPOSIT_COLUMNS, rows=tuple(rows), subtitle=f"Credit balances at the end of {as_of.isoformat()}",
        summary=(("Deposit accounts in credit", count), ("Deposits", Amount(total, currency))),
        gaps=("Term deposits by residual maturity: this report does not yet read the term-deposit records of the "
              "deposits domain (issue 12); every deposit is shown by product and as repayable on demand.",),
    )
