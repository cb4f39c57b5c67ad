from __future__ import annotations

from datetime import datetime

from typing import Annotated

import strawberry

from bankcore.identity.contact_change import request_contact_change as request_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of requestContactChange: a code went to the new mobile or e-mail.")
class RequestContactChangePayload:
    challenge_token: str | None = strawberry.field(default=None, description="Present with the code to confirmContactChange.")
    sent_to: str | None = strawberry.field(default=None, description="The new mobile or e-mail, masked.")
    expires_at: datetime | None = strawberry.field(default=None, description="The code expires at this time (UTC).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="INVALID_MOBILE, INVALID_EMAIL, INVALID_INPUT, RATE_LIMITED.")


async def request_contact_change(
    info: strawberry.Info[Context, None],
    mobile: Annotated[str | None, strawberry.argument(description="The new Indian mobile number.")] = None,
    email: Annotated[str | None, strawberry.argument(description="The new e-mail address.")] = None,
) -> RequestContactChangePayload:
    async def act() -> RequestContactChangePayload:
        ctx = info.context
        issued = await request_service(member_id=ctx.principal.member_id, mobile=mobile[:40] if mobile is not None else None,
                                       email=email[:300] if email is not None else None, actor=ctx.actor)
        return RequestContactChangePayload(challenge_token=issued.challenge_token, sent_to=issued.sent_to,
                                           expires_at=issued.expires_at)

    return await run(RequestContactChangePayload, act)
