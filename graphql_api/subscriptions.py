"""Subscriptions: live balance and entries for one account the caller may see.

Each subscription also listens for its session's revocation and ends at once when the
session is signed out or revoked by an admin.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from bankcore.events import BalanceChanged, EntryPosted, SessionRevoked, broker
from bankcore.models import Account, JournalEntry
from graphql_api.context import Context
from graphql_api.policy import RootFieldPolicy
from graphql_api.scope import can_see_account
from graphql_api.types.ledger import JournalEntryType
from graphql_api.types.money import MoneyType


@strawberry.type(name="BalanceUpdate", description="An account's balance after a posting.")
class BalanceUpdate:
    account_number: str = strawberry.field(description="The account.")
    balance: MoneyType = strawberry.field(description="Ledger balance after the entry.")
    entry_id: strawberry.ID = strawberry.field(description="The entry that changed it.")


async def _visible_account(info: strawberry.Info[Context, None], account_number: str) -> Account | None:
    account = await Account.get_or_none(number=account_number.replace(" ", "")[:20]).select_related("ledger_account")
    if account is None or not await can_see_account(info.context, account.id):
        return None
    return account


def _session_topics(ctx: Context) -> tuple[str, ...]:
    session_id = ctx.principal.session_id if ctx.principal is not None else None
    return (f"session:{session_id}",) if session_id else ()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The account's balance, now and after every posting. Errors with NOT_FOUND for an account the caller may not see.",
        permission_classes=[RootFieldPolicy],
    )
    async def balance_changed(self, info: strawberry.Info[Context, None], account_number: str) -> AsyncGenerator[BalanceUpdate, None]:
        account = await _visible_account(info, account_number)
        if account is None:
            raise PermissionError("NOT_FOUND: no such account")
        ledger = account.ledger_account
        async with broker.subscribe(f"account:{ledger.id}", *_session_topics(info.context)) as queue:
            # Read after subscribing, so no posting between the two is missed.
            await ledger.refresh_from_db(fields=["balance_minor"])
            yield BalanceUpdate(account_number=account.number, balance=MoneyType.minor(ledger.balance_minor, ledger.currency), entry_id=strawberry.ID("0"))
            while True:
                event = await queue.get()
                if isinstance(event, SessionRevoked):
                    return
                if isinstance(event, BalanceChanged):
                    yield BalanceUpdate(
                        account_number=account.number,
                        balance=MoneyType.minor(event.balance_minor, event.currency),
                        entry_id=strawberry.ID(str(event.entry_id)),
                    )

    @strawberry.subscription(
        description="Every journal entry posted to the account from now on.",
        permission_classes=[RootFieldPolicy],
    )
    async def entry_posted(self, info: strawberry.Info[Context, None], account_number: str) -> AsyncGenerator[JournalEntryType, None]:
        account = await _visible_account(info, account_number)
        if account is None:
            raise PermissionError("NOT_FOUND: no such account")
        async with broker.subscribe(f"account:{account.ledger_account_id}", *_session_topics(info.context)) as queue:
            while True:
                event = await queue.get()
                if isinstance(event, SessionRevoked):
                    return
                if isinstance(event, EntryPosted):
                    entry = await JournalEntry.get(id=event.entry_id)
                    yield JournalEntryType.from_model(entry)

