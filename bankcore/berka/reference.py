"""The import's reference rows, before any money moves: products, branches, members, accounts,
holders, loans, standing orders and cards, each inserted set-based where its key is new.

Choices the data forces:

* Names are anonymised in the source: members get a realistic Indian name seeded by their
  client id (``names.member_name``).
* Overdrafts happen in the data (down to -5,446.60 CZK), so the Berka savings product, and only
  it, allows an overdraft of 10,000 CZK (products the bank creates itself have none unless
  configured); the batch path does not check floors anyway (history is fact), but live
  postings after the import will.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.connection import get_connection

from bankcore import chart
from bankcore.berka.names import member_name
from bankcore.berka.parse import BerkaData, BerkaFormatError
from bankcore.berka.progress import Stages
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import check_rate_bps
from bankcore.models import (
    AccountStatus,
    KycStatus,
    LedgerKind,
    LoanStatus,
    Product,
    ProductKind,
    StatementFrequency,
)
from bankcore.money import Money
from bankcore.numbering import account_number, member_number

SAVINGS_PRODUCT = "BERKA-SAV"
LOAN_PRODUCT = "BERKA-LOAN"
SAVINGS_OVERDRAFT_MAJOR = "10000"
# Loan accounts get their own serial range so their numbers never meet a savings
# account's (Berka account ids and loan ids overlap).
LOAN_SERIAL_OFFSET = 50_000_000
# The imported savings product's annual rate unless the caller gives one (issue 10: 3.0%).
DEFAULT_SAVINGS_RATE_BPS = 300

T = TypeVar("T")

LEDGER_COLUMNS = ("code", "name", "kind", "currency", "parent_id", "is_control", "tracks_balance", "floor_minor",
                  "balance_minor", "created_at")
ACCOUNT_COLUMNS = ("number", "ledger_account_id", "product_id", "branch_id", "status", "opened_on",
                   "statement_frequency", "source_ref", "created_at")


@dataclass(frozen=True, slots=True)
class Keys:
    """Database ids of the imported rows, by the data set's own ids (for the journal entries)."""

    ledger_of_account: dict[int, int]
    loan_ledger: dict[int, int]
    gl: dict[str, Any]


def need(mapping: dict[Any, Any], key: Any, what: str) -> Any:
    """``mapping[key]``, or ``BerkaFormatError`` naming the missing ``what``."""
    try:
        return mapping[key]
    except KeyError:
        raise BerkaFormatError(f"{what} {key} is not in the data set") from None


async def _ensure_product(code: str, name: str, kind: ProductKind, currency: str, control_id: int, overdraft: int) -> Product:
    product, _ = await Product.get_or_create(
        code=code,
        defaults={
            "name": name, "kind": kind, "currency": currency, "control_account_id": control_id,
            "overdraft_limit_minor": overdraft,
        },
    )
    if product.currency != currency:
        raise DomainError(
            ErrorCode.CURRENCY_MISMATCH,
            f"product {code} exists in {product.currency}; this database already holds a Berka import in that currency",
        )
    return product


async def insert_reference_rows(
    data: BerkaData, stages: Stages, *, currency: str, savings_rate_bps: int,
    alongside: Callable[[Keys], Coroutine[Any, Any, T]] | None = None,
) -> tuple[Keys, T | None]:
    """Chart, the two Berka products and every reference row of ``data``; the ids the entries need.

    ``alongside(keys)``, when given, is started as soon as the ledger accounts exist (all
    that the journal entries need) and runs beside the rest of the rows (members, accounts,
    holders, loans, orders, cards) on PostgreSQL, after them on SQLite; its result is
    returned with the keys. Raises ``DomainError`` (currency of an earlier import, a bad
    rate) and ``BerkaFormatError`` (a row naming a district, client or account the data
    does not hold), after ``alongside`` has ended.
    """
    now = datetime.now(UTC)
    gl = await chart.ensure_chart(currency=currency)
    overdraft = Money.parse(SAVINGS_OVERDRAFT_MAJOR, currency).amount_minor
    savings = await _ensure_product(SAVINGS_PRODUCT, "Berka savings account", ProductKind.SAVINGS, currency,
                                    gl[chart.SAVINGS_DEPOSITS].id, overdraft)
    loan_product = await _ensure_product(LOAN_PRODUCT, "Berka loan", ProductKind.LOAN, currency, gl[chart.LOANS].id, 0)
    check_rate_bps(savings_rate_bps, field="savings_rate")
    if savings.interest_rate_bps != savings_rate_bps:
        savings.interest_rate_bps = savings_rate_bps
        await savings.save(update_fields=["interest_rate_bps"])
    savings_floor = savings.min_balance_minor - savings.overdraft_limit_minor

    # Rounds of stages; within a round the stages need nothing of each other and, on
    # PostgreSQL, run at once, each on its own connection (the database works on one table
    # while this process builds another's rows), the members' rows built in a thread (their
    # names are the most Python of the import's reference rows). SQLite has one connection,
    # shared by whatever runs at once: there they run one after the other.
    together = _together if get_connection("default").capabilities.dialect == "postgres" else _in_turn
    numbers = {a.account_id: account_number(branch_code=f"{a.district_id:03d}", serial=a.account_id) for a in data.accounts}
    district_of_account = {a.account_id: a.district_id for a in data.accounts}
    loan_numbers = {
        loan.loan_id: account_number(
            branch_code=f"{need(district_of_account, loan.account_id, 'account'):03d}",
            serial=LOAN_SERIAL_OFFSET + loan.loan_id,
        )
        for loan in data.loans
    }

    async def branches() -> dict[int, int]:
        # districts -> branches
        ids = await stages.insert(
            "branches", "branch", ("code", "name", "region", "source_ref", "created_at"),
            [(f"{d.district_id:03d}", d.name, d.region, f"berka-district:{d.district_id}", now) for d in data.districts],
            "source_ref",
        )
        return {d.district_id: ids[f"berka-district:{d.district_id}"] for d in data.districts}

    async def sub_ledgers(stage: str, codes: dict[int, str], label: str, kind: LedgerKind, control: str,
                          floor: int | None) -> dict[int, int]:
        """One sub-ledger account per Berka id (``codes``: id -> ledger code) under GL ``control``."""
        ids = await stages.insert(
            stage, "ledger_account", LEDGER_COLUMNS,
            [(code, f"Berka {label} {key}", kind, currency, gl[control].id, False, True, floor, 0, now)
             for key, code in codes.items()],
            "code",
        )
        return {key: ids[code] for key, code in codes.items()}

    savings_ledgers = sub_ledgers("savings ledger accounts", {a.account_id: numbers[a.account_id] for a in data.accounts},
                                  "account", LedgerKind.LIABILITY, chart.SAVINGS_DEPOSITS, savings_floor)
    loan_ledgers = sub_ledgers("loan ledger accounts", {loan.loan_id: loan_numbers[loan.loan_id] for loan in data.loans},
                               "loan", LedgerKind.ASSET, chart.LOANS, None)

    branch_of_district, ledger_of_account, loan_ledger = await together(branches(), savings_ledgers, loan_ledgers)
    keys = Keys(ledger_of_account=ledger_of_account, loan_ledger=loan_ledger, gl=gl)

    def member_rows() -> list[tuple]:
        return [
            (member_number(serial=c.client_id), member_name(c.client_id, c.gender), c.date_of_birth, c.gender,
             need(branch_of_district, c.district_id, "district"), KycStatus.PENDING, f"berka-client:{c.client_id}",
             now, now)
            for c in data.clients
        ]

    async def members() -> dict[int, int]:
        # clients -> members
        ids = await stages.insert(
            "members", "member",
            ("member_number", "full_name", "date_of_birth", "gender", "branch_id", "kyc_status", "source_ref",
             "created_at", "updated_at"),
            await asyncio.to_thread(member_rows),
            "source_ref",
        )
        return {c.client_id: ids[f"berka-client:{c.client_id}"] for c in data.clients}

    async def savings_accounts() -> dict[int, int]:
        # accounts -> accounts
        ids = await stages.insert(
            "savings accounts", "account", ACCOUNT_COLUMNS,
            [
                (numbers[a.account_id], ledger_of_account[a.account_id], savings.id,
                 need(branch_of_district, a.district_id, "district"), AccountStatus.ACTIVE, a.opened_on, a.frequency,
                 f"berka:{a.account_id}", now)
                for a in data.accounts
            ],
            "source_ref",
        )
        return {a.account_id: ids[f"berka:{a.account_id}"] for a in data.accounts}

    async def holders_and_cards(member_of_client: dict[int, int], account_row: dict[int, int]) -> None:
        # dispositions -> holders
        ids = await stages.insert(
            "holders", "account_holder", ("account_id", "member_id", "role", "source_ref", "created_at"),
            [
                (need(account_row, d.account_id, "account"), need(member_of_client, d.client_id, "client"), d.role,
                 f"berka-disp:{d.disp_id}", now)
                for d in data.dispositions
            ],
            "source_ref",
        )
        holder_of_disp = {d.disp_id: ids[f"berka-disp:{d.disp_id}"] for d in data.dispositions}
        await stages.insert(
            "cards", "card", ("holder_id", "card_type", "issued_on", "source_ref"),
            [
                (need(holder_of_disp, c.disp_id, "disposition"), c.card_type, c.issued_on, f"berka-card:{c.card_id}")
                for c in data.cards
            ],
            "source_ref",
        )

    async def standing_orders(account_row: dict[int, int]) -> None:
        await stages.insert(
            "standing orders", "standing_order",
            ("account_id", "bank_to", "account_to", "amount_minor", "currency", "purpose", "source_ref"),
            [
                (need(account_row, o.account_id, "account"), o.bank_to, o.account_to, o.amount_minor, currency,
                 o.k_symbol, f"berka-order:{o.order_id}")
                for o in data.orders
            ],
            "source_ref",
        )

    async def the_rest() -> None:
        member_of_client, account_row = await together(members(), savings_accounts())
        await together(
            holders_and_cards(member_of_client, account_row),
            _insert_loans(data, stages, currency=currency, loan_product=loan_product, loan_numbers=loan_numbers, loan_ledger=loan_ledger,
                          branch_of_district=branch_of_district, district_of_account=district_of_account,
                          account_row=account_row, now=now),
            standing_orders(account_row),
        )

    if alongside is None:
        await the_rest()
        return keys, None
    _, result = await together(the_rest(), alongside(keys))
    return keys, result


async def _in_turn(*steps: Coroutine[Any, Any, Any]) -> list[Any]:
    results: list[Any] = []
    try:
        for step in steps:
            results.append(await step)
    finally:
        for step in steps[len(results) + 1 :]:
            step.close()  # not started: a step before it failed
    return results


async def _together(*steps: Coroutine[Any, Any, Any]) -> list[Any]:
    """Run ``steps`` at once; their results in order. After a failure the others are let finish
    (each commits its own chunks, as a stage run alone would), then the first error is raised."""
    results = await asyncio.gather(*steps, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


async def _insert_loans(data: BerkaData, stages: Stages, *, currency: str, loan_product: Product, loan_numbers: dict[int, str],
                        loan_ledger: dict[int, int], branch_of_district: dict[int, int],
                        district_of_account: dict[int, int], account_row: dict[int, int], now: datetime) -> None:
    """Loans -> loan accounts and contracts (their sub-ledger accounts exist)."""
    ids = await stages.insert(
        "loan accounts", "account", ACCOUNT_COLUMNS,
        [
            (loan_numbers[loan.loan_id], loan_ledger[loan.loan_id], loan_product.id,
             branch_of_district[district_of_account[loan.account_id]], AccountStatus.ACTIVE, loan.granted_on,
             StatementFrequency.MONTHLY, f"berka-loan-account:{loan.loan_id}", now)
            for loan in data.loans
        ],
        "source_ref",
    )
    await stages.insert(
        "loans", "loan",
        ("account_id", "repayment_account_id", "granted_on", "amount_minor", "currency", "duration_months",
         "instalment_minor", "status", "source_status", "source_ref", "created_at"),
        [
            (ids[f"berka-loan-account:{loan.loan_id}"], account_row[loan.account_id], loan.granted_on,
             loan.amount_minor, currency, loan.duration_months, loan.instalment_minor, LoanStatus.ACTIVE, loan.status,
             f"berka-loan:{loan.loan_id}", now)
            for loan in data.loans
        ],
        "source_ref",
    )
