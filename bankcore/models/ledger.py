from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class LedgerKind(StrEnum):
    """The five account classes of double-entry bookkeeping."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow with debits; the other three with credits."""
        return self in (LedgerKind.ASSET, LedgerKind.EXPENSE)


class Side(StrEnum):
    DEBIT = "D"
    CREDIT = "C"


class EntryType(StrEnum):
    CASH_DEPOSIT = "cash_deposit"
    CASH_WITHDRAWAL = "cash_withdrawal"
    TRANSFER = "transfer"
    REVERSAL = "reversal"
    INTEREST = "interest"
    FEE = "fee"
    LOAN_DISBURSAL = "loan_disbursal"
    LOAN_REPAYMENT = "loan_repayment"
    INWARD_TRANSFER = "inward_transfer"
    OUTWARD_TRANSFER = "outward_transfer"
    CARD_WITHDRAWAL = "card_withdrawal"
    PENAL_INTEREST = "penal_interest"
    ADJUSTMENT = "adjustment"
    # share capital, dividends and the year-end close (issue 12)
    SHARES = "shares"
    DIVIDEND = "dividend"
    YEAR_END = "year_end"


class LedgerAccount(Model):
    """An account of the chart of accounts: a GL account or a member's sub-ledger account.

    Balances are in the account's natural sign: credits minus debits for liability,
    equity and income accounts; debits minus credits for assets and expenses.

    ``tracks_balance`` accounts (members' accounts) keep ``balance_minor`` equal to the
    sum of their postings, updated in the posting's transaction under a row lock, because
    their floor must be checked. Busy GL accounts (cash, clearing, income, expense) do not:
    their balance is derived from postings, so they never become a hot row that every
    transaction in the bank queues on.
    """

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True, description="GL code or member account number")
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(LedgerKind, max_length=10)
    currency = fields.CharField(max_length=3)
    parent = fields.ForeignKeyField(
        "bankcore.LedgerAccount", related_name="children", null=True, on_delete=fields.RESTRICT,
        description="Control account this account rolls up to",
    )
    is_control = fields.BooleanField(default=False, description="Control accounts take no postings themselves")
    tracks_balance = fields.BooleanField(default=False)
    floor_minor = fields.BigIntField(null=True, description="Lowest allowed balance, null for no floor")
    balance_minor = fields.BigIntField(default=0, db_default=0)
    held_minor = fields.BigIntField(
        default=0, db_default=0, description="Sum of pending holds: available = balance - held - floor"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_account"
        indexes = (Index(fields=("parent_id",), name="ledger_account_parent_idx"),)


class JournalEntry(Model):
    """One business event, recorded once and never changed (append-only).

    A mistake is corrected by a reversing entry whose ``reverses`` points here.
    ``idempotency_key`` + ``request_fingerprint`` let a client retry safely.
    """

    id = fields.BigIntField(primary_key=True)
    entry_type = fields.CharEnumField(EntryType, max_length=20)
    value_date = fields.DateField()
    posted_at = fields.DatetimeField()
    narration = fields.CharField(max_length=255)
    initiator = fields.CharField(max_length=100)
    idempotency_key = fields.CharField(max_length=100, unique=True, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)
    reverses = fields.OneToOneField(
        "bankcore.JournalEntry", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    # PostgreSQL: source_ref's and reverses' unique indexes are partial (NOT NULL rows only, migration 0032)
    source_ref = fields.CharField(max_length=60, unique=True, null=True)

    class Meta:
        table = "journal_entry"
        indexes = (Index(fields=("value_date", "id"), name="journal_entry_value_date_idx"),)


class Posting(Model):
    """One leg of a journal entry: a debit or credit of a positive amount on one account."""

    id = fields.BigIntField(primary_key=True)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="postings", on_delete=fields.RESTRICT)
    ledger_account = fields.ForeignKeyField(
        "bankcore.LedgerAccount", related_name="postings", on_delete=fields.RESTRICT
    )
    side = fields.CharEnumField(Side, max_length=1)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    # A copy of the entry's value date so a statement reads one index, not a join.
    value_date = fields.DateField()

    class Meta:
        table = "posting"
        indexes = (
            Index(fields=("ledger_account_id", "value_date", "id"), name="posting_account_date_idx"),
            Index(fields=("entry_id",), name="posting_entry_idx"),
        )
        # CHECK constraints and the append-only trigger are in migrations/0002_ledger_guards.py:
        # Tortoise's CreateModel does not emit CHECK constraints.
