"""Shared pieces of the money-moving mutations."""

from __future__ import annotations

import strawberry

from bankcore.ledger.posting import PostedEntry
from bankcore.models import Account, JournalEntry
from graphql_api.errors import UserError
from graphql_api.scope import partner_lacks
from graphql_api.types.account import AccountType
from graphql_api.types.ledger import JournalEntryType


@strawberry.type(description="Result of a money-moving mutation.")
class MoneyMovementPayload:
    replayed: bool = strawberry.field(default=False, description="True when this was a retry and nothing new was posted.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused; empty on success.")
    # Read from the database only when the client selects them.
    _entry_id: strawberry.Private[int | None] = None
    _account_number: strawberry.Private[str | None] = None
    # The entry as posted (or replayed): what graphql_api.fast_exec answers `entry` from.
    _posted: strawberry.Private[PostedEntry | None] = None

    @strawberry.field(description="The journal entry posted (or the original one, on a retry with the same idempotency key). Null for a partner without entries:read.")
    async def entry(self, info: strawberry.Info) -> JournalEntryType | None:
        return await payload_entry(self, info.context)

    @strawberry.field(description="The account acted on, with its balance after the entry. Null for a partner without accounts:read.")
    async def account(self, info: strawberry.Info) -> AccountType | None:
        return await payload_account(self, info.context)


async def movement_payload(posted: PostedEntry, account_number: str) -> MoneyMovementPayload:
    return MoneyMovementPayload(replayed=posted.replayed, _entry_id=posted.entry_id, _account_number=account_number,
                                _posted=posted)


async def payload_entry(payload: MoneyMovementPayload, context: object) -> JournalEntryType | None:
    """``MoneyMovementPayload.entry``: read only when selected; null for a partner without entries:read."""
    if payload._entry_id is None or partner_lacks(context, "entries:read"):
        return None
    return JournalEntryType.from_model(await JournalEntry.get(id=payload._entry_id))


async def payload_account(payload: MoneyMovementPayload, context: object) -> AccountType | None:
    """``MoneyMovementPayload.account``: read only when selected; null for a partner without accounts:read."""
    if payload._account_number is None or partner_lacks(context, "accounts:read"):
        return None
    return AccountType.from_model(await Account.get(number=payload._account_number).select_related("ledger_account"))
