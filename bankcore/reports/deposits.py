"""Deposits by product and maturity profile (members' deposit balances by value date).

Savings and current accounts (``Account`` sub-ledgers) are repayable on demand. Term
deposits (``TermDeposit``, issue 12: each has its own sub-ledger account under Fixed or
Recurring deposits) are shown per deposit product and bucketed by residual maturity on
the date (``MATURITY_BUCKETS``, the RBI ALM buckets; a deposit past its maturity date and
not yet paid is due now, in the first bucket). Balances are derived from postings by
value date, so the report as of a past date shows the deposits of that day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch
from bankcore.loans.dates import add_months
from bankcore.models import DepositProduct, LedgerKind, Product
from bankcore.reports.balances import _as_date, subledger_credit_totals
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row
from bankcore.reports.snapshots import balance_source

MATURITY_BUCKETS = ("On demand", "1-14 days", "15-28 days", "29 days-3 months", "3-6 months", "6-12 months",
                    "1-3 years", "3-5 years", "Over 5 years")
DEPOSIT_COLUMNS = (Column("section", "Section"), Column("code", "Code"), Column("name", "Name"),
                   Column("accounts", "Accounts", ColumnKind.COUNT), Column("amount", "Amount", ColumnKind.MONEY))


def maturity_bucket(maturity: date, as_of: date) -> str:
    """The residual-maturity bucket of a term deposit maturing on ``maturity``, seen on ``as_of``."""
    limits = ((as_of + timedelta(days=14), 1), (as_of + timedelta(days=28), 2), (add_months(as_of, 3), 3),
              (add_months(as_of, 6), 4), (add_months(as_of, 12), 5), (add_months(as_of, 36), 6),
              (add_months(as_of, 60), 7))
    for limit, index in limits:
        if maturity <= limit:
            return MATURITY_BUCKETS[index]
    return MATURITY_BUCKETS[8]


async def term_deposit_balances(*, as_of: date, currency: str) -> list[tuple[str, str, date, int]]:
    """Every term deposit of ``currency`` in credit at the end of ``as_of``: (product code,
    product name, maturity date, balance in minor units). One aggregate over postings."""
    conn = get_connection("default")
    source, params = await balance_source(conn, as_of=as_of, currency=currency)
    rows = await fetch(
        conn,
        "SELECT dp.code, dp.name, td.maturity_date, -s.net AS balance FROM "
        f"({source}) s JOIN term_deposit td ON td.ledger_account_id = s.id "
        "JOIN deposit_product dp ON dp.id = td.product_id WHERE s.net < 0 ORDER BY td.number",
        params,
    )
    return [(r["code"], r["name"], _as_date(r["maturity_date"]), int(r["balance"])) for r in rows]


async def deposits_report(*, as_of: date, currency: str) -> Report:
    """Members' deposits at the end of ``as_of``: per product (savings and current
    products, then term-deposit products; accounts in credit and their credit balances),
    then the maturity profile; TOTAL rows per section and a check that they agree."""
    # savings and current accounts in credit, counted and summed per product in SQL
    totals = await subledger_credit_totals(as_of=as_of, currency=currency, kind=LedgerKind.LIABILITY)
    names = dict(await Product.all().values_list("code", "name"))
    names.update(dict(await DepositProduct.all().values_list("code", "name")))
    by_product: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_bucket: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, (n, amount) in totals.items():
        by_product[code][0] += n
        by_product[code][1] += amount
        by_bucket[MATURITY_BUCKETS[0]][0] += n
        by_bucket[MATURITY_BUCKETS[0]][1] += amount
    term_codes = set()
    for code, _name, maturity, balance in await term_deposit_balances(as_of=as_of, currency=currency):
        term_codes.add(code)
        by_product[code][0] += 1
        by_product[code][1] += balance
        bucket = maturity_bucket(maturity, as_of)
        by_bucket[bucket][0] += 1
        by_bucket[bucket][1] += balance
    rows: list[Row] = []
    count = sum(v[0] for v in by_product.values())
    total = sum(v[1] for v in by_product.values())
    for code in sorted(by_product, key=lambda c: (c in term_codes, c)):
        n, amount = by_product[code]
        rows.append(Row(("PRODUCT", code, names.get(code, code), n, Amount(amount, currency))))
    rows.append(Row(("PRODUCT", "TOTAL", "Total deposits", count, Amount(total, currency)), "total"))
    for i, bucket in enumerate(MATURITY_BUCKETS, start=1):
        n, amount = by_bucket.get(bucket, [0, 0])
        rows.append(Row(("MATURITY", f"M{i}", bucket, n, Amount(amount, currency))))
    profile = sum(v[1] for v in by_bucket.values())
    rows.append(Row(("MATURITY", "TOTAL", "Total deposits", count, Amount(profile, currency)), "total"))
    term = sum(by_product[c][1] for c in term_codes)
    return Report(
        name="deposits", title="Deposits by product and maturity", as_of=as_of, currency=currency,
        columns=DEPOSIT_COLUMNS, rows=tuple(rows), subtitle=f"Credit balances at the end of {as_of.isoformat()}",
        checks=(Check("The maturity profile adds up to the deposits by product", profile == total,
                      f"by product {total}, by maturity {profile} (minor units)"),),
        summary=(("Deposit accounts in credit", count), ("Deposits", Amount(total, currency)),
                 ("of which term deposits", Amount(term, currency))),
    )
