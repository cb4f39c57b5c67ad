from __future__ import annotations

import strawberry

from bankcore.identity.sessions import refresh_session as refresh_session_service
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.mutations.sign_in_with_code import SessionPayload
from graphql_api.types.identity import SessionTokensType


async def refresh_session(info: strawberry.Info[Context, None], refresh_token: str) -> SessionPayload:
    async def act() -> SessionPayload:
        issued = await refresh_session_service(refresh_token=refresh_token.strip()[:200])
        return SessionPayload(session=SessionTokensType.of(issued))

    return await run(SessionPayload, act)
