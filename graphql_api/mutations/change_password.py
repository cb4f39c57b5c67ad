from __future__ import annotations

import strawberry

from bankcore.identity.credentials import change_own_password
from bankcore.models import PrincipalKind
from graphql_api.auth_cache import forget_token
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of changePassword.")
class ChangePasswordPayload:
    done: bool = strawberry.field(default=False, description="True when the new password is set.")
    ended_sessions: int = strawberry.field(default=0, description="How many of the caller's other sessions ended.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="INVALID_CREDENTIALS (current password), WEAK_PASSWORD, INVALID_INPUT, ACCOUNT_LOCKED.")


async def change_password(info: strawberry.Info[Context, None], current_password: str, new_password: str) -> ChangePasswordPayload:
    """Staff and members change their own password; their other sessions end, this one stays."""

    async def act() -> ChangePasswordPayload:
        p = info.context.principal
        ended = await change_own_password(kind=PrincipalKind(p.kind), principal_id=p.id, current_password=current_password[:200],
                                          new_password=new_password[:200], keep_session_id=p.session_id)
        forget_token(info.context.access_token)  # a forced change is over: the next request sees it at once
        return ChangePasswordPayload(done=True, ended_sessions=ended)

    return await run(ChangePasswordPayload, act)
