"""Shared pieces of the money-moving mutations."""

from __future__ import annotations

import strawberry

from bankcore.ledger.posting import PostedEntry
from bankcore.models import Account, JournalEntry
from graphql_api.errors import UserError
from graphql_api.types.account import AccountType
from graphql_api.types.ledger import JournalEntryType


@strawberry.type(description="Result of a money-moving mutation.")
class MoneyMovementPayload:
    entry: JournalEntryType | None = strawberry.field(default=None, description="The journal entry posted (or the original one, on a retry with the same idempotency key).")
    account: AccountType | None = strawberry.field(default=None, description="The account acted on, with its new balance.")
    replayed: bool = strawberry.field(default=False, description="True when this was a retry and nothing new was posted.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")


async def movement_payload(posted: PostedEntry, account_number: str) -> MoneyMovementPayload:
    entry = await JournalEntry.get(id=posted.entry_id)
    account = await Account.get(number=account_number).select_related("ledger_account")
    return MoneyMovementPayload(
        entry=JournalEntryType.from_model(entry), account=AccountType.from_model(account), replayed=posted.replayed
    )
