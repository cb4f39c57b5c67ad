from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import PaymentOrder
from bankcore.payments.gateway import payment_gateway
from bankcore.payments.signatures import valid_checkout_signature
from bankcore.payments.webhooks import credit_captured_payment
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.mutations.create_payment_order import order_type
from graphql_api.payments.types import PaymentOrderType
from graphql_api.scope import can_see_account


@strawberry.input(description="What the checkout returned to the bank's page.")
class ConfirmPaymentCheckoutInput:
    gateway_order_id: str = strawberry.field(description="razorpay_order_id.")
    payment_id: str = strawberry.field(description="razorpay_payment_id.")
    signature: str = strawberry.field(description="razorpay_signature: hex HMAC-SHA256 of order_id|payment_id under the key secret.")


@strawberry.type(description="The order after the checkout.")
class ConfirmPaymentCheckoutPayload:
    order: PaymentOrderType | None = strawberry.field(default=None, description="The payment order.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def confirm_payment_checkout(info: strawberry.Info[Context, None], input: ConfirmPaymentCheckoutInput) -> ConfirmPaymentCheckoutPayload:
    async def act() -> ConfirmPaymentCheckoutPayload:
        order = await PaymentOrder.get_or_none(gateway_order_id=input.gateway_order_id.strip()[:40])
        if order is None or not await can_see_account(info.context, order.account_id):
            raise DomainError(ErrorCode.NOT_FOUND, "no such payment order", field="gateway_order_id")
        gateway = payment_gateway()
        if not valid_checkout_signature(order.gateway_order_id, input.payment_id.strip()[:40], input.signature,
                                        gateway.config.key_secret):
            raise DomainError(ErrorCode.INVALID_INPUT, "the checkout's signature does not match", field="signature")
        # The signature proves the checkout; the money is booked on the gateway's own word.
        for payment in await gateway.fetch_order_payments(order.gateway_order_id):
            if payment.id == input.payment_id.strip() and payment.status == "captured":
                await credit_captured_payment(payment)
        await order.refresh_from_db()
        return ConfirmPaymentCheckoutPayload(order=await order_type(order))

    return await run(ConfirmPaymentCheckoutPayload, act)
