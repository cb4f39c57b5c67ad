from __future__ import annotations

from datetime import date

import strawberry

from bankcore.payments.gateway import payment_gateway
from bankcore.payments.settlement import lines_from_recon, parse_settlement_csv
from bankcore.payments.settlement import reconcile_settlement as reconcile_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.types import SettlementRunType

MAX_CSV_CHARS = 5_000_000


@strawberry.input(description="A settlement report to reconcile.")
class ReconcileSettlementInput:
    settlement_date: date = strawberry.field(description="The report's date.")
    csv: str | None = strawberry.field(default=None, description="The report in Razorpay's recon CSV shape; omitted: fetched from the gateway.")


@strawberry.type(description="The reconciliation's result.")
class ReconcileSettlementPayload:
    run: SettlementRunType | None = strawberry.field(default=None, description="The reconciliation run.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def reconcile_settlement(info: strawberry.Info[Context, None], input: ReconcileSettlementInput) -> ReconcileSettlementPayload:
    async def act() -> ReconcileSettlementPayload:
        gateway = payment_gateway()
        if input.csv is not None:
            from bankcore.errors import DomainError, ErrorCode

            if len(input.csv) > MAX_CSV_CHARS:
                raise DomainError(ErrorCode.INVALID_INPUT, "settlement report too large", field="csv")
            lines = parse_settlement_csv(input.csv)
        else:
            d = input.settlement_date
            lines = lines_from_recon(await gateway.fetch_settlement_recon(year=d.year, month=d.month, day=d.day))
        result = await reconcile_service(gateway=gateway.config.kind, settlement_date=input.settlement_date, lines=lines,
                                         initiator=info.context.actor)
        return ReconcileSettlementPayload(run=SettlementRunType.of(result))

    return await run(ReconcileSettlementPayload, act)
