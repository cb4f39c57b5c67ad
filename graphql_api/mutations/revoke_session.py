from __future__ import annotations

import strawberry

from bankcore.identity.sessions import revoke_session as revoke_session_service
from graphql_api.context import Context


@strawberry.type(description="Result of revokeSession.")
class RevokeSessionPayload:
    revoked: bool = strawberry.field(description="True when a live session was ended (its WebSockets close at once).")


async def revoke_session(info: strawberry.Info[Context, None], session_id: strawberry.ID) -> RevokeSessionPayload:
    if not str(session_id).isdigit() or len(str(session_id)) > 18:
        return RevokeSessionPayload(revoked=False)
    revoked = await revoke_session_service(session_id=int(session_id), reason="revoked by admin", actor=info.context.actor)
    return RevokeSessionPayload(revoked=revoked)
