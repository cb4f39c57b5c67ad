from __future__ import annotations

import strawberry

from bankcore.models import Account, PaymentOrder, PaymentPurpose
from bankcore.payments.orders import create_payment_order as create_payment_order_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.access import visible_account
from graphql_api.payments.types import PaymentOrderType, PaymentPurposeEnum
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Money in through the payment gateway.")
class CreatePaymentOrderInput:
    account_number: str = strawberry.field(description="TOP_UP: the savings or current account; LOAN_REPAYMENT: the loan account.")
    amount: MoneyInput = strawberry.field(description="Amount in the account's currency (major units, e.g. \"2500.00\").")
    purpose: PaymentPurposeEnum = strawberry.field(description="TOP_UP or LOAN_REPAYMENT.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); retry with the same key.")


@strawberry.type(description="The order opened at the gateway.")
class CreatePaymentOrderPayload:
    order: PaymentOrderType | None = strawberry.field(default=None, description="The payment order.")
    gateway_order_id: str | None = strawberry.field(default=None, description="The gateway's order id (order_...) to open the checkout with.")
    replayed: bool = strawberry.field(default=False, description="True when this key made the order before.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def order_type(order: PaymentOrder) -> PaymentOrderType:
    numbers = dict(await Account.filter(id__in={order.account_id, order.credit_account_id}).values_list("id", "number"))
    return PaymentOrderType.of(order, numbers[order.account_id], numbers[order.credit_account_id])


async def create_payment_order(info: strawberry.Info[Context, None], input: CreatePaymentOrderInput) -> CreatePaymentOrderPayload:
    async def act() -> CreatePaymentOrderPayload:
        account = await visible_account(info.context, input.account_number)
        purpose = PaymentPurpose(input.purpose.value if hasattr(input.purpose, "value") else input.purpose)
        created = await create_payment_order_service(
            account_number=account.number, amount=input.amount.to_money(), purpose=purpose,
            idempotency_key=input.idempotency_key, initiator=info.context.actor,
        )
        return CreatePaymentOrderPayload(order=await order_type(created.order), gateway_order_id=created.order.gateway_order_id,
                                         replayed=created.replayed)

    return await run(CreatePaymentOrderPayload, act)
