from __future__ import annotations

from datetime import date

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.deposits.interest import record_tds_declaration as record
from bankcore.deposits.periods import financial_year
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.input(description="A Form 15G (under 60) or 15H (60 or more) received: no TDS on the member's deposit interest that year.")
class RecordTdsDeclarationInput:
    member_number: str = strawberry.field(description="The member.")
    form: str = strawberry.field(description="15G or 15H.")
    financial_year: int | None = strawberry.field(default=None, description="Starting year of the financial year, e.g. 2026 for 2026-27 (default: the current one).")
    received_on: date | None = strawberry.field(default=None, description="Date received (default: the business date).")


@strawberry.type(description="The declaration on record.")
class RecordTdsDeclarationPayload:
    financial_year: int | None = strawberry.field(default=None, description="Starting year of the financial year covered.")
    form: str | None = strawberry.field(default=None, description="15G or 15H.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def record_tds_declaration(info: strawberry.Info[Context, None], input: RecordTdsDeclarationInput) -> RecordTdsDeclarationPayload:
    async def act() -> RecordTdsDeclarationPayload:
        today = await business_date()
        declaration = await record(member_number=input.member_number, financial_year_start=input.financial_year or financial_year(today),
                                   form=input.form, received_on=input.received_on or today, recorded_by=info.context.actor)
        return RecordTdsDeclarationPayload(financial_year=declaration.financial_year, form=declaration.form)

    return await run(RecordTdsDeclarationPayload, act)
