from __future__ import annotations

import strawberry

from bankcore.identity.partners import deactivate_api_client as deactivate_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of deactivateApiClient.")
class DeactivateApiClientPayload:
    ended_sessions: int = strawberry.field(default=0, description="How many of the client's live tokens ended at once.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND.")


async def deactivate_api_client(info: strawberry.Info[Context, None], client_id: str) -> DeactivateApiClientPayload:
    async def act() -> DeactivateApiClientPayload:
        ended = await deactivate_service(client_id=client_id.strip()[:40], actor=info.context.actor)
        return DeactivateApiClientPayload(ended_sessions=ended)

    return await run(DeactivateApiClientPayload, act)
