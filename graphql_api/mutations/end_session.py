from __future__ import annotations

import strawberry

from bankcore.identity.credentials import end_own_session
from bankcore.models import PrincipalKind
from graphql_api.context import Context


@strawberry.type(description="Result of endSession.")
class EndSessionPayload:
    ended: bool = strawberry.field(description="True when one of the caller's live sessions was ended (its pages and sockets close).")


async def end_session(info: strawberry.Info[Context, None], session_id: strawberry.ID) -> EndSessionPayload:
    """End one of the caller's own sessions (another device, or this one); anyone else's is 'not ended'."""
    if not str(session_id).isdigit() or len(str(session_id)) > 18:
        return EndSessionPayload(ended=False)
    p = info.context.principal
    ended = await end_own_session(kind=PrincipalKind(p.kind), principal_id=p.id, session_id=int(session_id),
                                  actor=info.context.actor)
    return EndSessionPayload(ended=ended)
