"""Month-end loan books: accrued interest, the Overdue Interest Reserve, and provisions (one entry each).

* Interest is income when realised (``repayment``); at month end the interest earned but
  not yet received - accrued since the last due date plus due and unpaid - is carried as
  *interest receivable* (1365). For performing loans it is income (Cr 4100); for NPAs it
  is not income but goes to the **Overdue Interest Reserve** (Cr 2366), as UCBs do
  (RBI IRACP: interest on NPAs is not recognised until realised). Each month end trues
  both up to the book's figures with one entry per currency, so a loan turning NPA
  reverses its unrealised interest out of income.
* Provisions: each ACTIVE loan's required provision by its class (settings
  ``loans.provision_*``: UCB defaults - standard 0.40 %, sub-standard 10 %, doubtful secured
  20/30/100 % and unsecured 100 %, loss 100 %; sources in ``bankcore.classification.provisioning``),
  written to ``loan.provision_minor`` in one UPDATE; the provisions account (2367) is trued
  up to their total (Dr provision expense 5365 / Cr 2367, or back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.chart import (
    LOAN_INTEREST_INCOME,
    LOAN_INTEREST_RECEIVABLE,
    LOAN_LOSS_PROVISIONS,
    LOAN_PROVISION_EXPENSE,
    OVERDUE_INTEREST_RESERVE,
)
from bankcore.ledger.entry import EntryDraft, PostingDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.loans import settings as S
from bankcore.loans.classify import NPA_RANK, accrued_sql
from bankcore.loans.sqlkit import execute, least, rows
from bankcore.models import EntryType
from bankcore.services._lookup import gl_account_id

_NPA = "(" + ", ".join(f"'{k}'" for k in NPA_RANK) + ")"


def provision_case(conn: BaseDBAsyncClient, row: str) -> str:
    """SQL for the required provision of the loan ``row`` (an alias with ``status``, ``asset_class``,
    ``collateral_value_minor`` and the loan account's ``balance_minor``), rates as ``provision_rates`` names them."""
    balance = f"{row}.balance_minor"
    sec = least(conn, f"COALESCE({row}.collateral_value_minor, 0)", balance)
    doubtful = "((" + balance + " - " + sec + ") * :dun + " + sec + " * {rate} + 5000) / 10000"
    return (
        f"CASE WHEN {row}.status <> 'ACTIVE' THEN 0 ELSE CASE {row}.asset_class "
        f"WHEN 'SUBSTANDARD' THEN ({balance} * :sub + 5000) / 10000 "
        f"WHEN 'DOUBTFUL_1' THEN {doubtful.format(rate=':d1')} "
        f"WHEN 'DOUBTFUL_2' THEN {doubtful.format(rate=':d2')} "
        f"WHEN 'DOUBTFUL_3' THEN {doubtful.format(rate=':d3')} "
        f"WHEN 'LOSS' THEN ({balance} * :loss + 5000) / 10000 "
        f"ELSE ({balance} * :std + 5000) / 10000 END END"
    )


async def provision_rates(on: date) -> dict[str, int]:
    """The provisioning rates (bps) in force on ``on``, by the names ``provision_case`` uses."""
    return {
        "std": await S.PROVISION_STANDARD_BPS.get(on=on), "sub": await S.PROVISION_SUBSTANDARD_BPS.get(on=on),
        "d1": await S.PROVISION_D1_BPS.get(on=on), "d2": await S.PROVISION_D2_BPS.get(on=on),
        "d3": await S.PROVISION_D3_BPS.get(on=on), "dun": await S.PROVISION_DOUBTFUL_UNSECURED_BPS.get(on=on),
        "loss": await S.PROVISION_LOSS_BPS.get(on=on),
    }


async def compute_provisions(on: date) -> int:
    """Write every loan's required provision (minor units) as of ``on`` (one UPDATE; rows whose figure changes).

    The balances come from one join, read once per loan (not a subquery per use).
    """
    conn = get_connection("default")
    required = provision_case(conn, "b")
    sql = (
        "WITH b AS (SELECT l.id, l.status, l.asset_class, l.collateral_value_minor, la.balance_minor FROM loan l "
        "JOIN account a ON a.id = l.account_id JOIN ledger_account la ON la.id = a.ledger_account_id "
        "WHERE l.status = 'ACTIVE' OR l.provision_minor <> 0), "
        f"n AS (SELECT b.id, {required} AS required FROM b) "
        "UPDATE loan SET provision_minor = n.required FROM n WHERE n.id = loan.id AND loan.provision_minor <> n.required"
    )
    return await execute(conn, sql, await provision_rates(on))


async def _gl_natural(ledger_account_id: int, debit_normal: bool) -> int:
    conn = get_connection("default")
    found = await rows(conn, "SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount_minor ELSE -amount_minor END), 0) AS net "
                             "FROM posting WHERE ledger_account_id = :a", {"a": ledger_account_id})
    net = int(found[0]["net"])
    return net if debit_normal else -net


def _move(legs: list[PostingDraft], delta: int, dr: int, cr: int, currency: str) -> None:
    if delta > 0:
        legs += [debit(dr, delta, currency), credit(cr, delta, currency)]
    elif delta < 0:
        legs += [debit(cr, -delta, currency), credit(dr, -delta, currency)]


async def post_month_end_books(on: date, *, initiator: str, key: Callable[[object], str]) -> int:
    """True up interest receivable / OIR and provisions to the loan book at the day-end of ``on``; returns entries posted."""
    conn = get_connection("default")
    await compute_provisions(on)
    # interest due and unpaid: only rows not fully paid can owe any (the partial index of unpaid
    # rows), aggregated once and joined, not a subquery per loan over all its rows
    # (interest accrued since the last due date is computed here, not stored: ``classify.accrued_sql``)
    earned = "COALESCE(ac.accrued, 0) + COALESCE(u.interest, 0)"
    totals = await rows(conn, (
        f"SELECT loan.currency, SUM(CASE WHEN loan.asset_class IN {_NPA} THEN 0 ELSE {earned} END) "
        f"AS income, SUM(CASE WHEN loan.asset_class IN {_NPA} THEN {earned} ELSE 0 END) AS oir, "
        "SUM(loan.provision_minor) AS provisions FROM loan LEFT JOIN (SELECT i.loan_id, "
        "SUM(i.interest_minor - i.paid_interest_minor) AS interest FROM loan_instalment i "
        "WHERE i.paid_on IS NULL AND i.due_date <= :d GROUP BY i.loan_id) u ON u.loan_id = loan.id "
        f"LEFT JOIN ({accrued_sql(conn)}) ac ON ac.id = loan.id "
        "WHERE loan.status = 'ACTIVE' GROUP BY loan.currency"
    ), {"d": on})
    posted = 0
    for total in totals:
        currency = total["currency"]
        receivable = await gl_account_id(LOAN_INTEREST_RECEIVABLE, currency)
        oir = await gl_account_id(OVERDUE_INTEREST_RESERVE, currency)
        provisions = await gl_account_id(LOAN_LOSS_PROVISIONS, currency)
        oir_now = await _gl_natural(oir, False)
        income_now = await _gl_natural(receivable, True) - oir_now
        interest_legs: list[PostingDraft] = []
        _move(interest_legs, int(total["income"]) - income_now, receivable, await gl_account_id(LOAN_INTEREST_INCOME, currency), currency)
        _move(interest_legs, int(total["oir"]) - oir_now, receivable, oir, currency)
        provision_legs: list[PostingDraft] = []
        _move(provision_legs, int(total["provisions"]) - await _gl_natural(provisions, False),
              await gl_account_id(LOAN_PROVISION_EXPENSE, currency), provisions, currency)
        for kind, legs, narration in (
            ("interest", interest_legs, f"Loans: interest receivable and overdue interest reserve at {on.isoformat()}"),
            ("provisions", provision_legs, f"Loans: provisions by asset class at {on.isoformat()}"),
        ):
            if not legs:
                continue
            ref = f"{kind}:{currency}"
            await post_entry(EntryDraft(
                entry_type=EntryType.INTEREST if kind == "interest" else EntryType.ADJUSTMENT, value_date=on,
                narration=narration, initiator=initiator, postings=tuple(legs), idempotency_key=key(ref),
                request_fingerprint=request_fingerprint({"op": "loans.month_end", "ref": ref, "on": on.isoformat()}),
            ))
            posted += 1
    return posted
