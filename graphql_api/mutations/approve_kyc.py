from __future__ import annotations

from typing import Annotated

import strawberry

from bankcore.members.kyc import verify_kyc
from bankcore.models.member import RiskCategory
from graphql_api.members.types import RiskCategoryEnum
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scope import sees_full_identifiers
from graphql_api.types.member import MemberType


@strawberry.type(description="Result of approveKyc.")
class ApproveKycPayload:
    member: MemberType | None = strawberry.field(default=None, description="The member, KYC verified.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (APPROVAL_SAME_USER when the approver registered the member).")


async def approve_kyc(
    info: strawberry.Info[Context, None],
    member_number: str,
    risk_category: Annotated[RiskCategoryEnum | None, strawberry.argument(
        description="The member's KYC risk category as the checker assesses it (default: as recorded, LOW for a new "
                    "member); sets the re-KYC due date.")] = None,
) -> ApproveKycPayload:
    async def act() -> ApproveKycPayload:
        member = await verify_kyc(member_number=member_number.strip()[:20], checker=info.context.actor,
                                  risk_category=RiskCategory(risk_category.value) if risk_category else None)
        return ApproveKycPayload(member=MemberType.from_model(member, full_identifiers=sees_full_identifiers(info.context)))

    return await run(ApproveKycPayload, act)
