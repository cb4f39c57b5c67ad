from __future__ import annotations

import strawberry

from bankcore.identity.partners import rotate_client_secret as rotate_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of rotateClientSecret.")
class RotateClientSecretPayload:
    client_id: str | None = strawberry.field(default=None, description="The client.")
    client_secret: str | None = strawberry.field(default=None, description="The new secret: shown this once. The old one stops working and live tokens end.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND.")


async def rotate_client_secret(info: strawberry.Info[Context, None], client_id: str) -> RotateClientSecretPayload:
    async def act() -> RotateClientSecretPayload:
        made = await rotate_service(client_id=client_id.strip()[:40], actor=info.context.actor)
        return RotateClientSecretPayload(client_id=made.client.client_id, client_secret=made.client_secret)

    return await run(RotateClientSecretPayload, act)
