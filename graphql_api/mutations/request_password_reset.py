from __future__ import annotations

from datetime import date, datetime

import strawberry

from bankcore.identity.credentials import request_password_reset as request_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.ratelimit import check_sign_in


@strawberry.type(description="Result of requestPasswordReset: the same answer whether or not the details matched.")
class RequestPasswordResetPayload:
    challenge_token: str | None = strawberry.field(default=None, description="Present with the code and the new password to completePasswordReset.")
    sent_to: str | None = strawberry.field(default=None, description="Where the code went: always 'your registered mobile'.")
    expires_at: datetime | None = strawberry.field(default=None, description="The code expires at this time (UTC).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="RATE_LIMITED.")


async def request_password_reset(info: strawberry.Info[Context, None], login: str, date_of_birth: date) -> RequestPasswordResetPayload:
    """Members: set a first password or reset a forgotten one. A code goes to the registered mobile when the
    member number (or mobile) and date of birth match a member with portal access."""

    async def act() -> RequestPasswordResetPayload:
        name = login.strip()[:100]
        await check_sign_in(info.context, kind="password", key=f"reset:{name}")
        issued = await request_service(login=name, date_of_birth=date_of_birth)
        return RequestPasswordResetPayload(challenge_token=issued.challenge_token, sent_to=issued.sent_to,
                                           expires_at=issued.expires_at)

    return await run(RequestPasswordResetPayload, act)
