"""Account type with balances, holders and statement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import strawberry
from strawberry import relay

from bankcore.models import Account, HolderRole
from bankcore.services._lookup import AccountRef
from bankcore.services.statements import Statement, account_statement
from graphql_api.dataloaders import loaders_of
from graphql_api.scope import can_see_account
from graphql_api.types.bank import BranchType, ProductType
from graphql_api.types.enums import AccountStatusEnum, EntryTypeEnum, HolderRoleEnum
from graphql_api.types.member import mask_name
from graphql_api.types.money import MoneyType


@strawberry.type(name="AccountHolder", description="A member's relation to an account.")
class AccountHolderType:
    role: HolderRoleEnum = strawberry.field(description="Owner, joint holder, nominee or mandate holder.")
    member_number: str = strawberry.field(description="The holder's member number.")
    full_name: str = strawberry.field(description="The holder's name.")


@strawberry.type(name="StatementLine", description="One posting on the account, with the balance after it.")
class StatementLineType:
    entry_id: strawberry.ID = strawberry.field(description="Journal entry id.")
    value_date: date = strawberry.field(description="Value date.")
    narration: str = strawberry.field(description="What the entry was for.")
    entry_type: EntryTypeEnum = strawberry.field(description="Business event.")
    debit: MoneyType | None = strawberry.field(description="Amount debited (money out of a deposit account).")
    credit: MoneyType | None = strawberry.field(description="Amount credited (money into a deposit account).")
    running_balance: MoneyType = strawberry.field(description="Balance after this line.")


@strawberry.type(name="Statement", description="Account statement for a date range (inclusive), one page of lines.")
class StatementType:
    from_date: date = strawberry.field(description="First value date, inclusive.")
    to_date: date = strawberry.field(description="Last value date, inclusive.")
    opening_balance: MoneyType = strawberry.field(description="Balance at the start of fromDate.")
    closing_balance: MoneyType = strawberry.field(description="Balance at the end of toDate.")
    lines: list[StatementLineType] = strawberry.field(description="Lines of this page, oldest first.")
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page; null on the last page.")


@strawberry.type(name="Account", description="A member's deposit or loan account.")
class AccountType(relay.Node):
    @classmethod
    def resolve_id(cls, root: AccountType, *, info: strawberry.Info) -> str:
        return root.number

    number: str = strawberry.field(description="12-digit account number with a Luhn check digit.")
    status: AccountStatusEnum = strawberry.field(description="Lifecycle state.")
    opened_on: date = strawberry.field(description="Date opened.")
    balance: MoneyType = strawberry.field(description="Ledger (booked) balance: credits minus debits for deposits.")
    available_balance: MoneyType = strawberry.field(description="What can still be drawn: balance less pending holds, above the floor (minimum balance or overdraft).")
    held_balance: MoneyType = strawberry.field(description="Money held by pending payments (see holds), not yet debited.")
    _model: strawberry.Private[Account]

    @classmethod
    def from_model(cls, a: Account) -> AccountType:
        ledger = a.ledger_account
        return cls(number=a.number, status=a.status, opened_on=a.opened_on,
                   **balances_of(ledger.balance_minor, ledger.held_minor, ledger.floor_minor, ledger.currency), _model=a)

    @strawberry.field(description="Currency of the account.")
    def currency(self) -> str:
        return self._model.ledger_account.currency

    @strawberry.field(description="Product the account was opened under.")
    async def product(self, info: strawberry.Info) -> ProductType:
        return await product_of(self._model, info.context)

    @strawberry.field(description="Branch that keeps the account.")
    async def branch(self, info: strawberry.Info) -> BranchType:
        return BranchType.from_model(await loaders_of(info.context).branch.load(self._model.branch_id))

    @strawberry.field(description="Members related to the account. To a member or partner, a nominee's name is masked (R**** K****): naming a nominee by member number must not reveal whose number it is.")
    async def holders(self, info: strawberry.Info) -> list[AccountHolderType]:
        rows = await loaders_of(info.context).holders.load(self._model.id)
        staff = info.context.is_staff
        return [
            AccountHolderType(
                role=h.role, member_number=h.member.member_number,
                full_name=h.member.full_name if staff or h.role != HolderRole.NOMINEE else mask_name(h.member.full_name),
            )
            for h in rows
        ]

    @strawberry.field(description="Statement between two value dates (inclusive), keyset-paginated: `first` lines (1-500) after the cursor `after`.")
    async def statement(self, from_date: date, to_date: date, first: int = 100, after: str | None = None) -> StatementType:
        return await statement_of(self._model, from_date=from_date, to_date=to_date, first=first, after=after)

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False):
        ids = list(node_ids)
        # The product comes in the same query: every account page shows its name.
        rows = {a.number: a for a in await Account.filter(number__in=ids).select_related("ledger_account", "product")}
        result = []
        for i in ids:
            account = rows.get(i)
            result.append(cls.from_model(account) if account and await can_see_account(info.context, account.id) else None)
        return result



def balances_of(balance_minor: int, held_minor: int, floor_minor: int | None, currency: str) -> dict[str, MoneyType]:
    """``balance``, ``available_balance`` and ``held_balance`` of an account from its ledger account's
    cached figures: what can be drawn is the balance less holds, above the floor, never below zero."""
    spendable = balance_minor - held_minor
    available = spendable - floor_minor if floor_minor is not None else spendable
    return {"balance": MoneyType.minor(balance_minor, currency),
            "available_balance": MoneyType.minor(max(available, 0), currency),
            "held_balance": MoneyType.minor(held_minor, currency)}


async def product_of(account: Account, context: object) -> ProductType:
    """``Account.product``: the product read with the account (select_related), else through the loader."""
    known = getattr(account, "_product", None)
    return ProductType.from_model(known or await loaders_of(context).product.load(account.product_id))


async def statement_of(account: Account, *, from_date: date, to_date: date, first: int = 100,
                       after: str | None = None) -> StatementType:
    """``Account.statement``: one page of the statement of ``account`` (its ledger account loaded).

    Raises ``DomainError`` for a bad cursor or ``first`` out of range (see ``account_statement``).
    """
    a, ledger = account, account.ledger_account
    known = AccountRef(id=a.id, number=a.number, status=a.status, ledger_account_id=ledger.id, currency=ledger.currency,
                       kind=ledger.kind, balance_minor=ledger.balance_minor, floor_minor=ledger.floor_minor,
                       held_minor=ledger.held_minor)
    s = await account_statement(account_number=a.number, from_date=from_date, to_date=to_date, after=after, limit=first,
                                account=known)
    return statement_type(s)


def statement_type(s: Statement) -> StatementType:
    """A statement page as the schema's ``Statement``."""
    return StatementType(
        from_date=s.from_date,
        to_date=s.to_date,
        opening_balance=MoneyType.of(s.opening_balance),
        closing_balance=MoneyType.of(s.closing_balance),
        lines=[
            StatementLineType(
                entry_id=strawberry.ID(str(line.entry_id)),
                value_date=line.value_date,
                narration=line.narration,
                entry_type=line.entry_type,
                debit=MoneyType.of(line.debit) if line.debit else None,
                credit=MoneyType.of(line.credit) if line.credit else None,
                running_balance=MoneyType.of(line.running_balance),
            )
            for line in s.lines
        ],
        next_cursor=s.next_cursor,
    )
