from __future__ import annotations

import strawberry

from bankcore.identity.credentials import complete_password_reset as complete_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.ratelimit import check_sign_in


@strawberry.type(description="Result of completePasswordReset.")
class CompletePasswordResetPayload:
    done: bool = strawberry.field(default=False, description="True when the new password is set; sign in with it.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="CODE_INVALID, CHALLENGE_EXPIRED, WEAK_PASSWORD, RATE_LIMITED.")


async def complete_password_reset(
    info: strawberry.Info[Context, None], challenge_token: str, code: str, new_password: str
) -> CompletePasswordResetPayload:
    async def act() -> CompletePasswordResetPayload:
        token = challenge_token.strip()[:200]
        await check_sign_in(info.context, kind="code", key=token)
        await complete_service(challenge_token=token, code=code.strip()[:12], new_password=new_password[:200])
        return CompletePasswordResetPayload(done=True)

    return await run(CompletePasswordResetPayload, act)
