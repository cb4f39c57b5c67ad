from __future__ import annotations

from datetime import datetime

import strawberry

from bankcore.identity.members_portal import begin_member_sign_in
from bankcore.identity.staff import begin_staff_sign_in
from graphql_api.context import Context
from bankcore.errors import DomainError, ErrorCode
from graphql_api.errors import UserError, user_error
from graphql_api.mutations._base import run
from graphql_api.ratelimit import check_sign_in, count_login_failure, login_locked_until
from graphql_api.types.identity import PrincipalKindInput


@strawberry.type(description="Step one of sign-in: the password was right; now send the one-time code with the challenge token.")
class SignInChallengePayload:
    challenge_token: str | None = strawberry.field(default=None, description="Present with the code to signInWithCode.")
    method: str | None = strawberry.field(default=None, description="totp (authenticator app) or code (sent to sentTo).")
    sent_to: str | None = strawberry.field(default=None, description="Masked mobile or e-mail the code went to.")
    expires_at: datetime | None = strawberry.field(default=None, description="The challenge expires at this time (UTC).")
    locked_until: datetime | None = strawberry.field(default=None, description="With LOGIN_LOCKED: when this login may try again (UTC).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="INVALID_CREDENTIALS for any wrong login or password; LOGIN_LOCKED after ten wrong passwords for one login in 30 minutes (existing or not); RATE_LIMITED.")


async def sign_in_with_password(
    info: strawberry.Info[Context, None], kind: PrincipalKindInput, login: str, password: str
) -> SignInChallengePayload:
    """Staff: username. Members: member number or mobile."""

    async def act() -> SignInChallengePayload:
        # Cap what reaches hashing and the log: a 1 MB password is not a password.
        name, secret = login.strip()[:100], password[:200]
        await check_sign_in(info.context, kind="password", key=f"{kind.value}:{name}")
        locked_until = await login_locked_until(kind=kind.value, login=name)
        if locked_until is not None:
            return SignInChallengePayload(locked_until=locked_until, user_errors=[user_error(DomainError(
                ErrorCode.LOGIN_LOCKED, f"too many wrong passwords: this login is locked until {locked_until:%H:%M} UTC",
                field="login"))])
        try:
            if kind is PrincipalKindInput.STAFF:
                issued = await begin_staff_sign_in(username=name, password=secret)
            else:
                issued = await begin_member_sign_in(login=name, password=secret)
        except DomainError as exc:
            if exc.code is ErrorCode.INVALID_CREDENTIALS:
                await count_login_failure(kind=kind.value, login=name)
                locked_until = await login_locked_until(kind=kind.value, login=name)
                if locked_until is not None:
                    return SignInChallengePayload(locked_until=locked_until, user_errors=[user_error(DomainError(
                        ErrorCode.LOGIN_LOCKED,
                        f"too many wrong passwords: this login is locked until {locked_until:%H:%M} UTC", field="login"))])
            raise
        return SignInChallengePayload(
            challenge_token=issued.challenge_token, method=str(issued.method), sent_to=issued.sent_to, expires_at=issued.expires_at
        )

    return await run(SignInChallengePayload, act)
