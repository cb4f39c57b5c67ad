"""The TDS register for the accountant: tax deducted at source on deposit interest (s.194A).

One row per member per quarter of the financial year (Q1 April-June ... Q4 January-March,
the periods of the quarterly return Form 26Q): member, PAN (masked), interest credited or
paid (less interest reversed when a deposit closed early at a lower rate), TDS deducted,
TDS refunded on such a closure within the year (``bankcore.deposits.closure_tds``), and
the Form 15G/15H on record for the year. The period is the financial year containing
``as_of``, from 1 April (or ``from_date``) to ``as_of``. The register checks itself
against the ledger: TDS deducted less refunded equals the credits to TDS payable (GL 2315)
valued in the period less its debits by TDS refunds (source ``tds-refund:``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.connection import get_connection

from bankcore.chart import TDS_PAYABLE, gl_code
from bankcore.deposits.certificates import quarter_of
from bankcore.deposits.closure_tds import TDS_REFUND_REF
from bankcore.deposits.periods import financial_year
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import DepositInterestCredit, Member, TdsDeclaration, TermDeposit
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row

TDS_COLUMNS = (Column("member_number", "Member"), Column("name", "Name"), Column("pan", "PAN"),
               Column("quarter", "Quarter"), Column("interest", "Interest credited", ColumnKind.MONEY),
               Column("tds", "TDS deducted", ColumnKind.MONEY), Column("tds_refunded", "TDS refunded", ColumnKind.MONEY),
               Column("declaration", "15G/15H"))


def mask_pan(pan: str | None) -> str:
    """``XXXXX1234X``: only the PAN's four digits shown; empty without a PAN."""
    return f"XXXXX{pan[5:9]}X" if pan else ""


async def _tds_payable_net(*, currency: str, start: date, end: date) -> int:
    """Credits to TDS payable valued in the period less its debits by TDS refunds (not remittances)."""
    conn = get_connection("default")
    m = placeholders(conn, 4)
    rows = await fetch(
        conn,
        "SELECT COALESCE(SUM(CASE WHEN p.side = 'C' THEN p.amount_minor ELSE -p.amount_minor END), 0) AS total "
        "FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
        "JOIN journal_entry je ON je.id = p.entry_id "
        f"WHERE la.code = {m[0]} AND p.value_date >= {m[1]} AND p.value_date <= {m[2]} "
        f"AND (p.side = 'C' OR je.source_ref LIKE {m[3]})",
        [gl_code(TDS_PAYABLE, currency), start, end, f"{TDS_REFUND_REF}:%"],
    )
    return int(rows[0]["total"] or 0)


async def tds_register(*, as_of: date, currency: str, from_date: date | None = None) -> Report:
    """The TDS register of the financial year containing ``as_of``, to ``as_of`` (see module docstring)."""
    fy = financial_year(as_of)
    start = max(from_date or date(fy, 4, 1), date(fy, 4, 1))
    term_ids = TermDeposit.filter(currency=currency).values_list("id", flat=True)
    credits = await DepositInterestCredit.filter(credited_on__gte=start, credited_on__lte=as_of,
                                                 deposit_id__in=await term_ids)
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for c in credits:
        key = (c.member_id, quarter_of(c.credited_on))
        sums[key][0] += c.interest_minor
        sums[key][1 if c.tds_minor >= 0 else 2] += abs(c.tds_minor)
    members = {m.id: m for m in await Member.filter(id__in={k[0] for k in sums}).only("id", "member_number",
                                                                                        "full_name", "pan")}
    forms = dict(await TdsDeclaration.filter(financial_year=fy, member_id__in=set(members)).values_list(
        "member_id", "form"))
    rows: list[Row] = []
    interest = tds = refunded = 0
    for member_id, quarter in sorted(sums, key=lambda k: (members[k[0]].member_number, k[1])):
        m = members[member_id]
        i, t, r = sums[(member_id, quarter)]
        interest += i
        tds += t
        refunded += r
        rows.append(Row((m.member_number, m.full_name, mask_pan(m.pan), f"Q{quarter}", Amount(i, currency),
                         Amount(t, currency), Amount(r, currency), forms.get(member_id, ""))))
    rows.append(Row(("TOTAL", f"{len(members)} members", "", "", Amount(interest, currency), Amount(tds, currency),
                     Amount(refunded, currency), ""), "total"))
    ledger = await _tds_payable_net(currency=currency, start=start, end=as_of)
    return Report(
        name="tds-register", title=f"TDS register (s.194A), financial year {fy}-{(fy + 1) % 100:02d}", as_of=as_of,
        currency=currency, columns=TDS_COLUMNS, rows=tuple(rows), from_date=start,
        subtitle=f"Interest credited {start.isoformat()} to {as_of.isoformat()}, by member and quarter",
        checks=(Check("TDS deducted less refunded equals TDS payable's credits less refunds in the ledger",
                      tds - refunded == ledger, f"register {tds - refunded}, ledger {ledger} (minor units)"),),
        summary=(("Members", len(members)), ("Interest credited", Amount(interest, currency)),
                 ("TDS deducted", Amount(tds, currency)), ("TDS refunded", Amount(refunded, currency)),
                 ("With Form 15G/15H", sum(1 for k in members if k in forms))),
    )
