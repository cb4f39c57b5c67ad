"""The deposits list as the accountant and ``coopbank deposits --format csv`` see it."""

from __future__ import annotations

from decimal import Decimal

from bankcore.deposits.closing import maturity_interest
from bankcore.deposits.term import rd_maturity
from bankcore.models import DepositKind, InterestPayout, Member, TermDeposit
from bankcore.money import Money

HEADER = ("account_number", "member_number", "kind", "principal", "rate", "opened_on", "maturity_date", "status",
          "interest_paid", "tds_deducted", "maturity_value")


def maturity_value_minor(d: TermDeposit) -> int:
    """What the deposit pays (paid) at maturity before TDS: the value paid once closed, else
    principal (an RD's instalments over its whole term) plus the interest of its term."""
    if d.maturity_value_minor is not None:
        return d.maturity_value_minor
    if d.kind == DepositKind.RECURRING:
        return rd_maturity(d.principal_minor, d.rate_bps, d.tenure_months).maturity_minor
    if d.payout == InterestPayout.CUMULATIVE:
        return d.principal_minor + maturity_interest(d)
    return d.principal_minor


async def deposit_rows() -> list[tuple[str, ...]]:
    """One row per deposit, by number: amounts as plain decimals (``100000.00``), the rate as an
    annual percent (``7.25``), status ACTIVE, MATURED, RENEWED or CLOSED_PREMATURELY, as of the
    business date (the deposits' current state)."""
    deposits = await TermDeposit.all().order_by("number")
    members = dict(await Member.filter(id__in={d.member_id for d in deposits}).values_list("id", "member_number"))
    rows = []
    for d in deposits:
        c = d.currency
        rows.append((
            d.number, members[d.member_id], str(d.kind), Money(d.principal_minor, c).to_plain(),
            format(Decimal(d.rate_bps).scaleb(-2).quantize(Decimal("0.01")), "f"), d.opened_on.isoformat(),
            d.maturity_date.isoformat(), str(d.status), Money(d.interest_paid_minor, c).to_plain(),
            Money(d.tds_minor, c).to_plain(), Money(maturity_value_minor(d), c).to_plain(),
        ))
    return rows
