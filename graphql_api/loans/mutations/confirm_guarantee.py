from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.lifecycle import confirm_guarantee as confirm_service
from bankcore.loans.lifecycle import find_loan
from bankcore.models import Member
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def confirm_guarantee(info: strawberry.Info[Context, None], loan_number: str,
                            guarantor_member_number: str | None = None) -> LoanPayload:
    ctx = info.context

    async def act() -> LoanPayload:
        if ctx.is_staff:
            number = guarantor_member_number or ""
        else:
            member = await Member.get_or_none(id=ctx.principal.member_id) if ctx.principal and ctx.principal.member_id else None
            if member is None:
                raise DomainError(ErrorCode.NOT_FOUND, "no such loan", field="loan_number")
            number = member.member_number
        await confirm_service(loan_number=loan_number, guarantor_member_number=number, confirmed_by=ctx.actor)
        return await loan_payload(await find_loan(loan_number))

    return await run(LoanPayload, act)
