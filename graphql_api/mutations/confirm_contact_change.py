from __future__ import annotations

import strawberry

from bankcore.identity.contact_change import confirm_contact_change as confirm_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.member import MemberType


@strawberry.type(description="Result of confirmContactChange.")
class ConfirmContactChangePayload:
    member: MemberType | None = strawberry.field(default=None, description="The member with the new mobile or e-mail.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="CODE_INVALID, CHALLENGE_EXPIRED, ACCOUNT_LOCKED.")


async def confirm_contact_change(info: strawberry.Info[Context, None], challenge_token: str, code: str) -> ConfirmContactChangePayload:
    async def act() -> ConfirmContactChangePayload:
        ctx = info.context
        member = await confirm_service(member_id=ctx.principal.member_id, challenge_token=challenge_token.strip()[:200],
                                       code=code.strip()[:12], actor=ctx.actor)
        return ConfirmContactChangePayload(member=MemberType.from_model(member, full_identifiers=True))

    return await run(ConfirmContactChangePayload, act)
