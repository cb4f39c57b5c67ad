"""Loans outstanding by product and branch, and the NPA and provisioning statement.

Outstanding principal is each loan account's ledger balance by value date (a debit
balance), so the report ties to "Advances" in the balance sheet's loan control account.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tortoise.connection import get_connection

from bankcore.chart import LOAN_LOSS_PROVISIONS, gl_code
from bankcore.errors import DomainError
from bankcore.ledger.sql import fetch, placeholders
from bankcore.loans.classify import classified_on
from bankcore.models import LedgerKind, Product
from bankcore.reports.balances import balance_as_of, subledger_balances
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row

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
# IRAC classes in the loans domain's names (bankcore.loans.classify), best first.
IRAC_CLASSES = ("STANDARD", "SMA_0", "SMA_1", "SMA_2", "SUBSTANDARD", "DOUBTFUL_1", "DOUBTFUL_2", "DOUBTFUL_3", "LOSS")
NPA_CLASSES = frozenset({"SUBSTANDARD", "DOUBTFUL_1", "DOUBTFUL_2", "DOUBTFUL_3", "LOSS"})


async def npa_statement(*, as_of: date, currency: str) -> Report:
    """NPA and provisioning statement: per IRAC class the loans, their principal
    outstanding at the end of ``as_of`` (ledger, by value date) and the provision the
    loans domain requires for them; the provision held is the loan-loss provisions
    account (2367) that day. Classes are those of the loans domain's last day-end
    classification (``loan.asset_class`` as of ``loan_classification.classified_on``): a classification
    history is not kept, so for another date the gap is named.
    """
    conn = get_connection("default")
    by_account = {b.account_id: b.balance_minor
                  for b in await subledger_balances(as_of=as_of, currency=currency, kind=LedgerKind.ASSET)}
    loans = await fetch(
        conn,
        "SELECT l.account_id, l.asset_class, l.provision_minor FROM loan l "
        f"WHERE l.currency = {placeholders(conn, 1)[0]}",
        [currency],
    )
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for loan in loans:
        outstanding = by_account.get(loan["account_id"], 0)
        if outstanding <= 0:
            continue
        cls = (loan["asset_class"] or "STANDARD").upper()
        groups[cls][0] += 1
        groups[cls][1] += outstanding
        groups[cls][2] += int(loan["provision_minor"] or 0)
    held = 0
    try:
        held = (await balance_as_of(code=gl_code(LOAN_LOSS_PROVISIONS, currency), as_of=as_of)).amount_minor
    except DomainError:
        held = 0
    rows = [Row((cls, n, Amount(out, currency), Amount(req, currency), None))
            for cls in [*IRAC_CLASSES, *sorted(set(groups) - set(IRAC_CLASSES))] if cls in groups
            for n, out, req in [groups[cls]]]
    gross = sum(v[1] for v in groups.values())
    npa = sum(v[1] for c, v in groups.items() if c in NPA_CLASSES)
    npa_provision = sum(v[2] for c, v in groups.items() if c in NPA_CLASSES)
    required = sum(v[2] for v in groups.values())
    rows.append(Row(("TOTAL", sum(v[0] for v in groups.values()), Amount(gross, currency), Amount(required, currency),
                     Amount(held, currency)), "total"))
    net_advances = gross - npa_provision
    net_npa = max(npa - npa_provision, 0)
    gaps = []
    last = await classified_on() if groups else None
    if last is not None and last != as_of:
        gaps.append(f"Classes are as of the loans' last classification ({last.isoformat()}), not of "
                    f"{as_of.isoformat()}: the loans domain keeps no classification history.")
    return Report(
        name="npa", title="NPA and provisioning statement", as_of=as_of, currency=currency, columns=NPA_COLUMNS,
        rows=tuple(rows), subtitle=f"Principal outstanding at the end of {as_of.isoformat()} by IRAC class",
        summary=(("Gross NPA", Amount(npa, currency)),
                 ("Gross NPA % of advances", _percent(npa, gross)),
                 ("Net NPA % of net advances", _percent(net_npa, net_advances)),
                 ("Provision required", Amount(required, currency)), ("Provision held", Amount(held, currency))),
        checks=(Check("Provision held covers the provision required", held >= required,
                      f"held {held}, required {required} (minor units)"),),
        gaps=tuple(gaps),
    )


def _percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "0.00"
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
