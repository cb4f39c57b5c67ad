"""``transferFunds``' payload from the posting's own result and one account query."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from graphql_api.context import Context
from graphql_api.fast_exec.account import ResolverInfo, account_answer, account_from_row, account_rows
from graphql_api.fast_exec.answer import object_answer
from graphql_api.fast_exec.plan import Plan

# The entry's fields a posting's own result carries, as the entry row stores them.
_POSTED_FIELDS = {"entryId": "entry_id", "valueDate": "value_date", "narration": "narration", "entryType": "entry_type"}
_PAYLOAD_ACCOUNT_FIELDS = {"number", "status", "currency", "openedOn", "balance", "availableBalance", "heldBalance"}


async def run_transfer(plan: Plan, ctx: Context, variables: dict[str, Any]) -> Any:
    from graphql_api.mutations._money import payload_account, payload_entry
    from graphql_api.mutations.transfer_funds import transfer_funds
    from graphql_api.scope import partner_lacks

    payload = await transfer_funds(ResolverInfo(ctx), variables[dict(plan.root.args)["input"]])
    out: dict[str, Any] = {}
    for s in plan.root.plan:
        if s.name == "replayed":
            out[s.key] = payload.replayed
        elif s.name == "userErrors":
            out[s.key] = [object_answer(error, s.plan) for error in payload.user_errors]
        elif s.name == "entry":
            posted = payload._posted
            if posted is not None and all(c.name in _POSTED_FIELDS for c in s.plan) and not partner_lacks(ctx, "entries:read"):
                # the entry as written (or, on a replay, as read back): no second read of it
                out[s.key] = {c.key: _posted_leaf(posted, c.name) for c in s.plan}
            else:
                entry = await payload_entry(payload, ctx)
                out[s.key] = None if entry is None else object_answer(entry, s.plan)
        elif all(c.name in _PAYLOAD_ACCOUNT_FIELDS for c in s.plan):
            # the account after the entry, in one hand-written query (payload_account's answer)
            if payload._account_number is None or partner_lacks(ctx, "accounts:read"):
                out[s.key] = None
                continue
            rows = await account_rows(payload._account_number, None, None)
            if not rows:
                raise LookupError(f"account {payload._account_number} vanished after its entry")
            out[s.key] = account_from_row(rows, s.plan, None)
        else:
            account = await payload_account(payload, ctx)
            out[s.key] = None if account is None else await account_answer(account, s.plan, ctx, variables)
    return out


def _posted_leaf(posted: Any, name: str) -> Any:
    value = getattr(posted, _POSTED_FIELDS[name])
    if name == "entryId":
        return str(value)
    if isinstance(value, Enum):
        return value.name
    return value.isoformat() if isinstance(value, date) else value
