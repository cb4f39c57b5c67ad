from __future__ import annotations

from datetime import datetime

import strawberry

from bankcore.identity.step_up import request_step_up
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.access import acting_member_id


@strawberry.input(description="The challenge and the code that approve one sensitive action.")
class StepUpInput:
    challenge_token: str = strawberry.field(description="From requestStepUpCode.")
    code: str = strawberry.field(description="The 6-digit code (authenticator app, or the one sent).")


@strawberry.type(description="A step-up challenge: present its token with the code.")
class RequestStepUpCodePayload:
    challenge_token: str | None = strawberry.field(default=None, description="Present it with the code.")
    method: str | None = strawberry.field(default=None, description="totp (authenticator app) or code (sent).")
    sent_to: str | None = strawberry.field(default=None, description="Masked mobile or e-mail the code went to.")
    expires_at: datetime | None = strawberry.field(default=None, description="The code is good until then.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def request_step_up_code(info: strawberry.Info[Context, None], member_number: str | None = None) -> RequestStepUpCodePayload:
    async def act() -> RequestStepUpCodePayload:
        member_id = await acting_member_id(info.context, member_number)
        issued = await request_step_up(member_id=member_id)
        return RequestStepUpCodePayload(challenge_token=issued.challenge_token, method=str(issued.method.value),
                                        sent_to=issued.sent_to, expires_at=issued.expires_at)

    return await run(RequestStepUpCodePayload, act)
