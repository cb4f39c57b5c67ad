from __future__ import annotations

import strawberry

from bankcore.identity.partners import create_api_client as create_api_client_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.identity import ApiClientType


@strawberry.type(description="Result of createApiClient.")
class CreateApiClientPayload:
    client: ApiClientType | None = strawberry.field(default=None, description="The new client.")
    client_secret: str | None = strawberry.field(default=None, description="Its secret, shown this once.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_api_client(
    info: strawberry.Info[Context, None], name: str, scopes: list[str], member_number: str | None = None
) -> CreateApiClientPayload:
    """Scopes: accounts:read, transfers:write, entries:read. With memberNumber the client acts for that member only."""

    async def act() -> CreateApiClientPayload:
        created = await create_api_client_service(
            name=name[:100], scopes=[s[:40] for s in scopes[:10]], created_by=info.context.principal.id,
            member_number=member_number.strip()[:20] if member_number else None,
        )
        return CreateApiClientPayload(client=ApiClientType.of(created.client, member_number), client_secret=created.client_secret)

    return await run(CreateApiClientPayload, act)
