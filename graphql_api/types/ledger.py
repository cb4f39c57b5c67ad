"""Journal entries, ledger accounts (chart of accounts) and the trial balance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import relay

from bankcore.models import JournalEntry, LedgerAccount, Posting
from bankcore.reports.trial_balance import LedgerBalance, TrialBalance
from graphql_api.types.enums import EntryTypeEnum, LedgerKindEnum, SideEnum
from graphql_api.types.money import MoneyType


@strawberry.type(name="Posting", description="One leg of a journal entry.")
class PostingType:
    ledger_account_code: str = strawberry.field(description="Code of the ledger account (GL code or account number).")
    ledger_account_name: str = strawberry.field(description="Name of the ledger account.")
    side: SideEnum = strawberry.field(description="Debit or credit.")
    amount: MoneyType = strawberry.field(description="Positive amount.")


@strawberry.type(name="JournalEntry", description="One business event in the append-only ledger.")
class JournalEntryType(relay.Node):
    @classmethod
    def resolve_id(cls, root: JournalEntryType, *, info: strawberry.Info) -> str:
        return root.entry_id

    entry_id: str = strawberry.field(description="Entry number.")
    entry_type: EntryTypeEnum = strawberry.field(description="What kind of event.")
    value_date: date = strawberry.field(description="Date the money moved for interest and balances.")
    posted_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    narration: str = strawberry.field(description="Description.")
    initiator: str = strawberry.field(description="Who recorded it, e.g. staff:3, member:12, system:import-berka.")
    reverses_entry_id: str | None = strawberry.field(description="The entry this one reverses, if it is a reversal.")
    _pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, e: JournalEntry) -> JournalEntryType:
        return cls(
            entry_id=str(e.id),
            entry_type=e.entry_type,
            value_date=e.value_date,
            posted_at=e.posted_at,
            narration=e.narration,
            initiator=e.initiator,
            reverses_entry_id=str(e.reverses_id) if e.reverses_id else None,
            _pk=e.id,
        )

    @strawberry.field(description="The entry's postings; debits equal credits per currency.")
    async def postings(self) -> list[PostingType]:
        rows = await Posting.filter(entry_id=self._pk).select_related("ledger_account").order_by("id")
        return [
            PostingType(
                ledger_account_code=p.ledger_account.code,
                ledger_account_name=p.ledger_account.name,
                side=p.side,
                amount=MoneyType.minor(p.amount_minor, p.currency),
            )
            for p in rows
        ]

    @strawberry.field(description="Id of the entry that reversed this one, if any.")
    async def reversed_by_entry_id(self) -> str | None:
        reversal = await JournalEntry.get_or_none(reverses_id=self._pk).only("id")
        return str(reversal.id) if reversal else None

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False):
        from graphql_api.policy import allowed

        ids = list(node_ids)
        if not allowed(info.context, "journalEntries") or info.context.role.value == "partner":
            return [None for _ in ids]
        numeric = [int(i) for i in ids if i.isdigit()]
        rows = {str(e.id): e for e in await JournalEntry.filter(id__in=numeric)}
        return [cls.from_model(rows[i]) if i in rows else None for i in ids]


@strawberry.type(name="LedgerAccount", description="An account of the chart of accounts with its balance as of a date.")
class LedgerAccountType:
    code: str = strawberry.field(description="GL code with currency, e.g. 1100-INR, or a member account number.")
    name: str = strawberry.field(description="Name.")
    kind: LedgerKindEnum = strawberry.field(description="Asset, liability, equity, income or expense.")
    currency: str = strawberry.field(description="ISO 4217 currency.")
    is_control: bool = strawberry.field(description="Control accounts roll up sub-accounts and take no postings.")
    parent_code: str | None = strawberry.field(description="Control account this one rolls up to.")
    balance: MoneyType = strawberry.field(description="Balance in the account's natural sign (credit-normal for liabilities, equity, income).")

    @classmethod
    def from_balance(cls, b: LedgerBalance, parent_code: str | None) -> LedgerAccountType:
        return cls(
            code=b.code, name=b.name, kind=b.kind, currency=b.currency, is_control=b.is_control,
            parent_code=parent_code, balance=MoneyType.minor(b.balance_minor, b.currency),
        )


@strawberry.type(name="TrialBalanceRow", description="A GL account with its debit or credit balance.")
class TrialBalanceRowType:
    code: str = strawberry.field(description="GL code.")
    name: str = strawberry.field(description="Name.")
    kind: LedgerKindEnum = strawberry.field(description="Account class.")
    debit: MoneyType = strawberry.field(description="Debit balance (zero if the balance is a credit).")
    credit: MoneyType = strawberry.field(description="Credit balance (zero if the balance is a debit).")


@strawberry.type(name="TrialBalance", description="Trial balance at the end of a date, in one currency.")
class TrialBalanceType:
    as_of: date = strawberry.field(description="Balances include every posting with value date on or before this date.")
    currency: str = strawberry.field(description="ISO 4217 currency.")
    rows: list[TrialBalanceRowType] = strawberry.field(description="GL accounts, sub-ledgers rolled into their control accounts.")
    total_debit: MoneyType = strawberry.field(description="Sum of debit balances.")
    total_credit: MoneyType = strawberry.field(description="Sum of credit balances; equals totalDebit when the books balance.")
    balanced: bool = strawberry.field(description="totalDebit equals totalCredit.")

    @classmethod
    def from_report(cls, tb: TrialBalance) -> TrialBalanceType:
        c = tb.currency
        return cls(
            as_of=tb.as_of,
            currency=c,
            rows=[
                TrialBalanceRowType(
                    code=r.code, name=r.name, kind=r.kind,
                    debit=MoneyType.minor(max(r.net_debit_minor, 0), c),
                    credit=MoneyType.minor(max(-r.net_debit_minor, 0), c),
                )
                for r in tb.rows
            ],
            total_debit=MoneyType.minor(tb.total_debit_minor, c),
            total_credit=MoneyType.minor(tb.total_credit_minor, c),
            balanced=tb.total_debit_minor == tb.total_credit_minor,
        )


async def ledger_codes(ids: set[int]) -> dict[int, str]:
    return dict(await LedgerAccount.filter(id__in=list(ids)).values_list("id", "code")) if ids else {}
