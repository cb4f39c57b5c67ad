from __future__ import annotations

import strawberry

from bankcore.identity.credentials import grant_portal_access as grant_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scope import sees_full_identifiers
from graphql_api.types.member import MemberType


@strawberry.type(description="Result of grantPortalAccess.")
class GrantPortalAccessPayload:
    member: MemberType | None = strawberry.field(default=None, description="The member, now able to set a password.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND, SECOND_FACTOR_UNAVAILABLE (no mobile), INVALID_INPUT (no date of birth, or access already given).")


async def grant_portal_access(info: strawberry.Info[Context, None], member_number: str) -> GrantPortalAccessPayload:
    async def act() -> GrantPortalAccessPayload:
        member = await grant_service(member_number=member_number.strip()[:20], actor=info.context.actor)
        return GrantPortalAccessPayload(member=MemberType.from_model(member, full_identifiers=sees_full_identifiers(info.context)))

    return await run(GrantPortalAccessPayload, act)
