from __future__ import annotations

import strawberry

from bankcore.members.kyc import reject_kyc as reject_kyc_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scope import sees_full_identifiers
from graphql_api.types.member import MemberType


@strawberry.type(description="Result of rejectKyc.")
class RejectKycPayload:
    member: MemberType | None = strawberry.field(default=None, description="The member, KYC rejected with the reason.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why it was refused: APPROVAL_SAME_USER (the checker registered the member), INVALID_INPUT "
                    "(no reason, or KYC not pending), NOT_FOUND.")


async def reject_kyc(info: strawberry.Info[Context, None], member_number: str, reason: str) -> RejectKycPayload:
    async def act() -> RejectKycPayload:
        member = await reject_kyc_service(member_number=member_number.strip()[:20], checker=info.context.actor,
                                          reason=reason[:1000])
        return RejectKycPayload(member=MemberType.from_model(member, full_identifiers=sees_full_identifiers(info.context)))

    return await run(RejectKycPayload, act)
