from __future__ import annotations

import strawberry

from bankcore.members.risk import set_risk_category
from bankcore.models.member import RiskCategory
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.members.types import RiskCategoryEnum
from graphql_api.mutations._base import run
from graphql_api.scope import sees_full_identifiers
from graphql_api.types.member import MemberType


@strawberry.input(description="Re-assess a member's KYC risk category (RBI KYC Master Direction s.38: it sets how often "
                              "KYC is renewed).")
class SetMemberRiskCategoryInput:
    member_number: str = strawberry.field(description="The member.")
    risk_category: RiskCategoryEnum = strawberry.field(  # type: ignore[valid-type]
        description="The new category: HIGH renews KYC every 2 years, MEDIUM 8, LOW 10 (settings kyc.re_kyc_years_*).")
    reason: str = strawberry.field(description="Why the risk changed (1-255 characters), kept in the audit log.")


@strawberry.type(description="Result of setMemberRiskCategory.")
class SetMemberRiskCategoryPayload:
    member: MemberType | None = strawberry.field(
        default=None, description="The member with the new risk category and re-KYC due date (counted from the last "
                                  "verification; none before KYC is verified).")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why it was refused: NOT_FOUND (no such member), INVALID_INPUT (no reason or over 255 characters; "
                    "the member is in that category already).")


async def set_member_risk_category(info: strawberry.Info[Context, None],
                                   input: SetMemberRiskCategoryInput) -> SetMemberRiskCategoryPayload:
    async def act() -> SetMemberRiskCategoryPayload:
        member = await set_risk_category(member_number=input.member_number.strip()[:20],
                                         risk_category=RiskCategory(input.risk_category.value),
                                         reason=input.reason[:1000], actor=info.context.actor)
        return SetMemberRiskCategoryPayload(
            member=MemberType.from_model(member, full_identifiers=sees_full_identifiers(info.context)))

    return await run(SetMemberRiskCategoryPayload, act)
