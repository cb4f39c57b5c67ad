from __future__ import annotations

from datetime import datetime

import strawberry

from bankcore.identity.partners import issue_client_token as issue_client_token_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="A partner's short-lived bearer token.")
class ClientTokenPayload:
    token: str | None = strawberry.field(default=None, description="Bearer token, valid 15 minutes.")
    expires_at: datetime | None = strawberry.field(default=None, description="Expiry (UTC).")
    scopes: list[str] = strawberry.field(default_factory=list, description="Scopes granted to this token.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="INVALID_CREDENTIALS or INVALID_SCOPE.")


async def issue_client_token(
    info: strawberry.Info[Context, None], client_id: str, client_secret: str, scopes: list[str] | None = None
) -> ClientTokenPayload:
    """OAuth 2.0 client-credentials style exchange (RFC 6749 section 4.4), as a mutation."""

    async def act() -> ClientTokenPayload:
        wanted = [s[:40] for s in scopes[:10]] if scopes is not None else None
        issued = await issue_client_token_service(client_id=client_id[:60], client_secret=client_secret[:200], scopes=wanted)
        return ClientTokenPayload(token=issued.token, expires_at=issued.expires_at, scopes=sorted(issued.scopes))

    return await run(ClientTokenPayload, act)
