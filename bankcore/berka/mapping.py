"""How each kind of Berka transaction becomes a double entry: pure, no database.

A row moves money between the member's account and one counterpart: cash in hand,
clearing with other banks, interest expense, fee or penal-interest income, or the
member's own loan account (a ``UVER`` instalment on an account with a loan). The data
set's ``type`` gives the direction, ``k_symbol`` and ``operation`` the counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from bankcore import chart
from bankcore.berka.parse import Transaction
from bankcore.models.ledger import EntryType


class Leg(StrEnum):
    """Where a posting goes: the member's account, their loan, or a GL account by base code."""

    ACCOUNT = "account"
    LOAN = "loan"
    CASH = chart.CASH
    CLEARING = chart.CLEARING
    FEE_INCOME = chart.FEE_INCOME
    PENAL_INTEREST_INCOME = chart.PENAL_INTEREST_INCOME
    DEPOSIT_INTEREST_EXPENSE = chart.DEPOSIT_INTEREST_EXPENSE


@dataclass(frozen=True, slots=True)
class EntryShape:
    """The entry type and the debit and credit legs of one transaction."""

    entry_type: EntryType
    debit: Leg
    credit: Leg
    label: str


class UnmappedTransaction(ValueError):
    """A transaction whose type/operation/k_symbol combination has no mapping."""


def classify(row: Transaction, loan_granted_on: date | None = None) -> EntryShape:
    """The double entry for ``row``.

    ``loan_granted_on`` is the grant date of the account's loan, if it has one: a
    ``UVER`` payment on or after it repays that loan instead of leaving through clearing.
    Raises ``UnmappedTransaction`` for a combination the data set does not use.
    """
    k, op = row.k_symbol, row.operation
    if row.sign > 0:
        if k == "UROK" and op is None:
            return EntryShape(EntryType.INTEREST, Leg.DEPOSIT_INTEREST_EXPENSE, Leg.ACCOUNT, "interest credited")
        if op == "VKLAD":
            return EntryShape(EntryType.CASH_DEPOSIT, Leg.CASH, Leg.ACCOUNT, "cash deposit")
        if op == "PREVOD Z UCTU":
            return EntryShape(EntryType.INWARD_TRANSFER, Leg.CLEARING, Leg.ACCOUNT, "collection from another bank")
    else:
        # The purpose decides before the operation: fees and penal interest are booked
        # with operation VYBER in the data but are not cash leaving the bank.
        if k == "SLUZBY":
            return EntryShape(EntryType.FEE, Leg.ACCOUNT, Leg.FEE_INCOME, "statement fee")
        if k == "SANKC. UROK":
            return EntryShape(EntryType.PENAL_INTEREST, Leg.ACCOUNT, Leg.PENAL_INTEREST_INCOME, "sanction interest")
        if op == "VYBER":
            return EntryShape(EntryType.CASH_WITHDRAWAL, Leg.ACCOUNT, Leg.CASH, "cash withdrawal")
        if op == "PREVOD NA UCET":
            if k == "UVER" and loan_granted_on is not None and row.on >= loan_granted_on:
                return EntryShape(EntryType.LOAN_REPAYMENT, Leg.ACCOUNT, Leg.LOAN, "loan instalment")
            return EntryShape(EntryType.OUTWARD_TRANSFER, Leg.ACCOUNT, Leg.CLEARING, "remittance to another bank")
        if op == "VYBER KARTOU":
            return EntryShape(EntryType.CARD_WITHDRAWAL, Leg.ACCOUNT, Leg.CLEARING, "card withdrawal")
    raise UnmappedTransaction(
        f"transaction {row.trans_id}: no mapping for type={row.type!r} operation={op!r} k_symbol={k!r}"
    )


def narration(row: Transaction, shape: EntryShape) -> str:
    """A short human text: what happened, its purpose and counterparty when known."""
    return f"Berka {row.trans_id}: {_narration_rest(shape.label, row.k_symbol, row.bank, row.account)}"


@lru_cache(maxsize=1 << 16)  # bounded: the import may run inside a long-lived process
def _narration_rest(label: str, k_symbol: str | None, bank: str | None, account: str | None) -> str:
    # The same few thousand combinations recur across a million rows: each text built once.
    parts = [label]
    if k_symbol and k_symbol not in ("UROK", "SLUZBY", "SANKC. UROK"):
        parts.append(k_symbol)
    if bank or (account and account != "0"):
        parts.append(f"{bank or '?'}/{account or '?'}")
    return " ".join(parts)
