from __future__ import annotations

import strawberry

from bankcore.identity.devices import remember_device
from bankcore.identity.members_portal import complete_member_sign_in
from bankcore.identity.sessions import note_session_origin
from bankcore.identity.staff import complete_staff_sign_in
from bankcore.models import StaffUser
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.ratelimit import check_sign_in
from graphql_api.types.identity import PrincipalKindInput, SessionTokensType


@strawberry.type(description="Result of signInWithCode and refreshSession.")
class SessionPayload:
    session: SessionTokensType | None = strawberry.field(default=None, description="The new session tokens.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (CODE_INVALID, CHALLENGE_EXPIRED, REFRESH_REUSED ...).")


async def sign_in_with_code(
    info: strawberry.Info[Context, None], kind: PrincipalKindInput, challenge_token: str, code: str
) -> SessionPayload:
    async def act() -> SessionPayload:
        token, otp = challenge_token.strip()[:200], code.strip()[:12]
        await check_sign_in(info.context, kind="code", key=token)
        must_change = False
        if kind is PrincipalKindInput.STAFF:
            issued = await complete_staff_sign_in(challenge_token=token, code=otp)
            must_change = await StaffUser.filter(id=issued.principal_id, must_change_password=True).exists()
        else:
            issued = await complete_member_sign_in(challenge_token=token, code=otp)
        await note_session_origin(session_id=issued.session_id, device=info.context.device,
                                  client_address=info.context.client)
        # A device not seen before for this person: a notice (member: inbox + SMS / e-mail).
        await remember_device(kind=issued.principal_kind, principal_id=issued.principal_id, user_agent=info.context.device,
                              device_id=info.context.device_key, client_address=info.context.client)
        return SessionPayload(session=SessionTokensType.of(issued, must_change_password=must_change))

    return await run(SessionPayload, act)
