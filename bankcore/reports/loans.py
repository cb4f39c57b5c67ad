"""Loans outstanding by product and branch, and the NPA and provisioning statement.

Outstanding principal is each loan account's ledger balance by value date (a debit
balance), so the report ties to "Advances" in the balance sheet's loan control account.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bankcore.models import LedgerKind, Product
from bankcore.reports.balances import subledger_balances
from bankcore.reports.base import Amount, Column, ColumnKind, Report, Row

LOAN_COLUMNS = (Column("product", "Product"), Column("product_name", "Product name"), Column("branch", "Branch"),
                Column("loans", "Loans", ColumnKind.COUNT), Column("outstanding", "Outstanding", ColumnKind.MONEY))


async def loans_outstanding(*, as_of: date, currency: str) -> Report:
    """Loan accounts with a debit balance at the end of ``as_of``, counted and summed by
    product and branch, with a TOTAL row."""
    balances = [b for b in await subledger_balances(as_of=as_of, currency=currency, kind=LedgerKind.ASSET)
                if b.balance_minor > 0]
    names = dict(await Product.all().values_list("code", "name"))
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for b in balances:
        groups[(b.product_code, b.branch_code)][0] += 1
        groups[(b.product_code, b.branch_code)][1] += b.balance_minor
    rows = [Row((product, names.get(product, product), branch, n, Amount(amount, currency)))
            for (product, branch), (n, amount) in sorted(groups.items())]
    count = sum(v[0] for v in groups.values())
    total = sum(v[1] for v in groups.values())
    rows.append(Row(("TOTAL", "Total", "", count, Amount(total, currency)), "total"))
    return Report(
        name="loans-outstanding", title="Loans outstanding by product and branch", as_of=as_of, currency=currency,
        columns=LOAN_COLUMNS, rows=tuple(rows), subtitle=f"Principal outstanding at the end of {as_of.isoformat()}",
        summary=(("Loans", count), ("Outstanding", Amount(total, currency))),
    )


NPA_COLUMNS = (Column("asset_class", "Asset class"), Column("loans", "Loans", ColumnKind.COUNT),
               Column("outstanding", "Outstanding", ColumnKind.MONEY),
               Column("provision_required", "Provision required", ColumnKind.MONEY),
               Column("provision_held", "Provision held", ColumnKind.MONEY))


async def npa_statement(*, as_of: date, currency: str) -> Report:
    """NPA and provisioning statement: outstanding per IRAC class, provision required and
    held. Needs the loans domain's classification (issue 11); until it is recorded, every
    loan is reported as standard with the classification named as a gap."""
    loans = await loans_outstanding(as_of=as_of, currency=currency)
    total = loans.rows[-1]
    rows = (
        Row(("STANDARD", total.cells[3], total.cells[4], Amount(0, currency), Amount(0, currency))),
        Row(("TOTAL", total.cells[3], total.cells[4], Amount(0, currency), Amount(0, currency)), "total"),
    )
    return Report(
        name="npa", title="NPA and provisioning statement", as_of=as_of, currency=currency, columns=NPA_COLUMNS,
        rows=rows, subtitle=f"As at the end of {as_of.isoformat()}",
        gaps=("IRAC classification and provisions: the loans domain (issue 11) has not classified loans on this "
              "installation yet.",),
    )
