"""The TDS register for the accountant: tax deducted at source on deposit interest (s.194A).

One row per member per quarter of the financial year (Q1 April-June ... Q4 January-March,
the periods of the quarterly return Form 26Q): member, PAN (masked), interest credited or
paid, TDS deducted, and the Form 15G/15H on record for the year. The period is the
financial year containing ``as_of``, from 1 April (or ``from_date``) to ``as_of``. The
register checks itself against the ledger: its TDS equals the credits to TDS payable
(GL 2315) valued in the period.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.connection import get_connection

from bankcore.chart import TDS_PAYABLE, gl_code
from bankcore.deposits.certificates import quarter_of
from bankcore.deposits.periods import financial_year
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import DepositInterestCredit, Member, TdsDeclaration, TermDeposit
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row

TDS_COLUMNS = (Column("member_number", "Member"), Column("name", "Name"), Column("pan", "PAN"),
               Column("quarter", "Quarter"), Column("interest", "Interest credited", ColumnKind.MONEY),
               Column("tds", "TDS deducted", ColumnKind.MONEY), Column("declaration", "15G/15H"))


def mask_pan(pan: str | None) -> str:
    """``XXXXX1234X``: only the PAN's four digits shown; empty without a PAN."""
    return f"XXXXX{pan[5:9]}X" if pan else ""


async def _tds_payable_credits(*, currency: str, start: date, end: date) -> int:
    conn = get_connection("default")
    m = placeholders(conn, 3)
    rows = await fetch(
        conn,
        "SELECT COALESCE(SUM(p.amount_minor), 0) AS total FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE la.code = {m[0]} AND p.side = 'C' AND p.value_date >= {m[1]} AND p.value_date <= {m[2]}",
        [gl_code(TDS_PAYABLE, currency), start, end],
    )
    return int(rows[0]["total"] or 0)


async def tds_register(*, as_of: date, currency: str, from_date: date | None = None) -> Report:
    """The TDS register of the financial year containing ``as_of``, to ``as_of`` (see module docstring)."""
    fy = financial_year(as_of)
    start = max(from_date or date(fy, 4, 1), date(fy, 4, 1))
    term_ids = TermDeposit.filter(currency=currency).values_list("id", flat=True)
    credits = await DepositInterestCredit.filter(credited_on__gte=start, credited_on__lte=as_of,
                                                 deposit_id__in=await term_ids)
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for c in credits:
        key = (c.member_id, quarter_of(c.credited_on))
        sums[key][0] += c.interest_minor
        sums[key][1] += c.tds_minor
    members = {m.id: m for m in await Member.filter(id__in={k[0] for k in sums}).only("id", "member_number",
                                                                                        "full_name", "pan")}
    forms = dict(await TdsDeclaration.filter(financial_year=fy, member_id__in=set(members)).values_list(
        "member_id", "form"))
    rows: list[Row] = []
    interest = tds = 0
    for member_id, quarter in sorted(sums, key=lambda k: (members[k[0]].member_number, k[1])):
        m = members[member_id]
        i, t = sums[(member_id, quarter)]
        interest += i
        tds += t
        rows.append(Row((m.member_number, m.full_name, mask_pan(m.pan), f"Q{quarter}", Amount(i, currency),
                         Amount(t, currency), forms.get(member_id, ""))))
    rows.append(Row(("TOTAL", f"{len(members)} members", "", "", Amount(interest, currency), Amount(tds, currency), ""),
                    "total"))
    ledger = await _tds_payable_credits(currency=currency, start=start, end=as_of)
    return Report(
        name="tds-register", title=f"TDS register (s.194A), financial year {fy}-{(fy + 1) % 100:02d}", as_of=as_of,
        currency=currency, columns=TDS_COLUMNS, rows=tuple(rows), from_date=start,
        subtitle=f"Interest credited {start.isoformat()} to {as_of.isoformat()}, by member and quarter",
        checks=(Check("TDS deducted equals the credits to TDS payable in the ledger", tds == ledger,
                      f"register {tds}, ledger {ledger} (minor units)"),),
        summary=(("Members", len(members)), ("Interest credited", Amount(interest, currency)),
                 ("TDS deducted", Amount(tds, currency)),
                 ("With Form 15G/15H", sum(1 for k in members if k in forms))),
    )
