from __future__ import annotations

import strawberry

from bankcore.identity.sessions import sign_out as sign_out_service
from graphql_api.context import Context


@strawberry.type(description="Result of signOut.")
class SignOutPayload:
    signed_out: bool = strawberry.field(description="True when a live session was ended; its open subscriptions close.")


async def sign_out(info: strawberry.Info[Context, None]) -> SignOutPayload:
    token = info.context.access_token
    return SignOutPayload(signed_out=bool(token) and await sign_out_service(token=token))
