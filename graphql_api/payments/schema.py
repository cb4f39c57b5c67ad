"""Root fields of the payments domain: ``PaymentsQuery``, ``PaymentsMutation``, ``PaymentsSubscription``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.events import HoldChanged, PaymentUpdated, SessionRevoked, broker
from bankcore.models import (
    Account,
    GatewayEvent,
    GatewayEventOutcome,
    Hold,
    HoldStatus,
    Payee,
    PaymentOrder,
    Payout,
    SettlementRun,
)
from bankcore.money import Money
from bankcore.payments.gateway import SIM, payment_gateway
from bankcore.payments.settings import UPI_HANDLE
from bankcore.payments.suspense import age_items, open_suspense_items
from bankcore.payments.upi import account_vpa, qr_svg, upi_uri
from graphql_api.context import Context
from graphql_api.payments.access import acting_member_id, visible_account
from graphql_api.payments.mutations.add_payee import add_payee, remove_payee
from graphql_api.payments.mutations.confirm_payment_checkout import confirm_payment_checkout
from graphql_api.payments.mutations.create_payment_order import create_payment_order, order_type
from graphql_api.payments.mutations.create_payout import create_payout, payout_type
from graphql_api.payments.mutations.reconcile_settlement import reconcile_settlement
from graphql_api.payments.mutations.request_step_up_code import request_step_up_code
from graphql_api.payments.types import (
    GatewayEventOutcomeEnum,
    GatewayEventType,
    HoldStatusEnum,
    HoldType,
    PayeeType,
    PaymentGatewayInfo,
    PaymentOrderType,
    PaymentUpdateType,
    PayoutType,
    SettlementRunType,
    SuspenseAgeingBucketType,
    SuspenseItemType,
    UpiQrType,
)
from graphql_api.policy import RootFieldPolicy
from graphql_api.scope import can_see_account, visible_account_ids
from graphql_api.types.money import MoneyInput, MoneyType

GUARD = [RootFieldPolicy]
MAX_ROWS = 100


@strawberry.type
class PaymentsQuery:
    @strawberry.field(description="The payment gateway in use and what the checkout needs.", permission_classes=GUARD)
    def payment_gateway(self) -> PaymentGatewayInfo:
        config = payment_gateway().config
        return PaymentGatewayInfo(kind=config.kind, key_id=config.key_id,
                                  checkout_base_url=config.api_url if config.kind == SIM else None)

    @strawberry.field(description="A payment order by id; null when unknown or not the caller's.", permission_classes=GUARD)
    async def payment_order(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> PaymentOrderType | None:
        order = await PaymentOrder.get_or_none(id=int(id)) if str(id).isdigit() else None
        if order is None or not await can_see_account(info.context, order.account_id):
            return None
        return await order_type(order)

    @strawberry.field(description="An account's payment orders (money in through the gateway), newest first, at most `first` (1-100).",
                      permission_classes=GUARD)
    async def payment_orders(self, info: strawberry.Info[Context, None], account_number: str, first: int = 20) -> list[PaymentOrderType]:
        account = await visible_account(info.context, account_number)
        rows = await PaymentOrder.filter(account_id=account.id).order_by("-id").limit(max(1, min(first, MAX_ROWS)))
        return [await order_type(o) for o in rows]

    @strawberry.field(description="Holds on an account (default: the pending ones, which lower the available balance).",
                      permission_classes=GUARD)
    async def holds(self, info: strawberry.Info[Context, None], account_number: str,
                    status: HoldStatusEnum | None = HoldStatus.PENDING) -> list[HoldType]:
        account = await visible_account(info.context, account_number)
        query = Hold.filter(ledger_account_id=account.ledger_account_id)
        if status is not None:
            query = query.filter(status=HoldStatus(status.value if hasattr(status, "value") else status))
        return [HoldType.of(h) for h in await query.order_by("-id").limit(MAX_ROWS)]

    @strawberry.field(description="Saved payees of the caller (members) or of `memberNumber` (staff).", permission_classes=GUARD)
    async def payees(self, info: strawberry.Info[Context, None], member_number: str | None = None) -> list[PayeeType]:
        try:
            member_id = await acting_member_id(info.context, member_number)
        except Exception:  # noqa: BLE001 - unknown member: an empty list, as for one without payees
            return []
        return [PayeeType.of(p) for p in await Payee.filter(member_id=member_id, active=True).order_by("name")]

    @strawberry.field(description="Payments to other banks from an account, newest first (1-100).", permission_classes=GUARD)
    async def payouts(self, info: strawberry.Info[Context, None], account_number: str, first: int = 20) -> list[PayoutType]:
        account = await visible_account(info.context, account_number)
        rows = await Payout.filter(account_id=account.id).select_related("payee").order_by("-id").limit(max(1, min(first, MAX_ROWS)))
        return [PayoutType.of(p, account.number, p.payee) for p in rows]

    @strawberry.field(description="The UPI QR of a savings or current account: upi://pay?pa=…&pn=…&cu=INR, with `amount` when given.",
                      permission_classes=GUARD)
    async def upi_qr(self, info: strawberry.Info[Context, None], account_number: str, amount: MoneyInput | None = None) -> UpiQrType | None:
        try:
            account = await visible_account(info.context, account_number)
            money: Money | None = amount.to_money() if amount is not None else None
        except Exception:  # noqa: BLE001 - unknown, forbidden or a bad amount: no QR
            return None
        if (await account.product).kind == "loan":
            return None
        holder = await account.holders.filter(role="owner").select_related("member").first()
        vpa = account_vpa(account.number, await UPI_HANDLE.get())
        try:
            uri = upi_uri(vpa=vpa, name=holder.member.full_name if holder else "coopbank", amount=money)
        except ValueError:
            return None
        return UpiQrType(vpa=vpa, uri=uri, svg=qr_svg(uri))

    @strawberry.field(description="Verified gateway webhook events, newest first; `outcome` filters (REFUSED: what staff must look at).",
                      permission_classes=GUARD)
    async def gateway_events(self, outcome: GatewayEventOutcomeEnum | None = None, first: int = 50) -> list[GatewayEventType]:
        query = GatewayEvent.all()
        if outcome is not None:
            query = query.filter(outcome=GatewayEventOutcome(outcome.value if hasattr(outcome, "value") else outcome))
        return [GatewayEventType.of(e) for e in await query.order_by("-id").limit(max(1, min(first, MAX_ROWS)))]

    @strawberry.field(description="Settlement reports reconciled, newest first.", permission_classes=GUARD)
    async def settlement_runs(self, first: int = 30) -> list[SettlementRunType]:
        return [SettlementRunType.of(r) for r in await SettlementRun.all().order_by("-settlement_date").limit(max(1, min(first, MAX_ROWS)))]

    @strawberry.field(description="Open suspense items from reconciliation, oldest first, with their age.", permission_classes=GUARD)
    async def suspense_items(self) -> list[SuspenseItemType]:
        today = await business_date()
        return [SuspenseItemType.of(s, today) for s in await open_suspense_items()]

    @strawberry.field(description="Open suspense items by age (0-7, 8-30, 31-90, over 90 days) as of `asOf` (default the business date).",
                      permission_classes=GUARD)
    async def suspense_ageing(self, as_of: date | None = None, currency: str = "INR") -> list[SuspenseAgeingBucketType]:
        as_of = as_of or await business_date()
        items = [(s.id, s.opened_on, s.amount_minor) for s in await open_suspense_items(limit=100_000) if s.currency == currency]
        return [SuspenseAgeingBucketType(label=b.label, count=b.count, credits=MoneyType.minor(b.credit_minor, currency),
                                         debits=MoneyType.minor(b.debit_minor, currency)) for b in age_items(items, as_of)]


@strawberry.type
class PaymentsMutation:
    create_payment_order = strawberry.mutation(resolver=create_payment_order, permission_classes=GUARD, description="Money in: open a gateway order to add money to savings (TOP_UP) or pay an EMI (LOAN_REPAYMENT, a loan account); answers the gateway order id for the checkout. Idempotent per key. Credited only when the gateway confirms the payment.")
    confirm_payment_checkout = strawberry.mutation(resolver=confirm_payment_checkout, permission_classes=GUARD, description="After the checkout: check its signature (HMAC of order|payment under the key secret) and ask the gateway for the payment; credits a captured payment once (the webhook may have done it already).")
    request_step_up_code = strawberry.mutation(resolver=request_step_up_code, permission_classes=GUARD, description="Ask for a one-time code (authenticator app, or sent by SMS) to approve a new payee or a large payment.")
    add_payee = strawberry.mutation(resolver=add_payee, permission_classes=GUARD, description="Save a payee at another bank (IFSC + account number, or a UPI address). Needs a step-up code.")
    remove_payee = strawberry.mutation(resolver=remove_payee, permission_classes=GUARD, description="Remove a saved payee.")
    create_payout = strawberry.mutation(resolver=create_payout, permission_classes=GUARD, description="Money out: send money to a payee by NEFT, IMPS or UPI. Held at once, debited when the gateway processes it, released if it fails. Idempotent per key; large amounts need a step-up code.")
    reconcile_settlement = strawberry.mutation(resolver=reconcile_settlement, permission_classes=GUARD, description="Reconcile the gateway's settlement report of a date (CSV given, or fetched from the gateway); unmatched items go to suspense.")


@strawberry.type
class PaymentsSubscription:
    @strawberry.subscription(description="Changes to the account's payment orders, payouts and holds (pending → paid, live).",
                             permission_classes=GUARD)
    async def payment_updates(self, info: strawberry.Info[Context, None], account_number: str) -> AsyncGenerator[PaymentUpdateType, None]:
        account = await Account.get_or_none(number="".join(account_number.split())[:20])
        visible = await visible_account_ids(info.context)
        if account is None or (visible is not None and account.id not in visible):
            raise PermissionError("NOT_FOUND: no such account")
        session = info.context.principal.session_id if info.context.principal is not None else None
        topics = [f"account:{account.ledger_account_id}"] + ([f"session:{session}"] if session else [])
        async with broker.subscribe(*topics) as queue:
            yield PaymentUpdateType(kind="subscribed", id=strawberry.ID("0"), status="listening")
            while True:
                event = await queue.get()
                if isinstance(event, SessionRevoked):
                    return
                if isinstance(event, PaymentUpdated):
                    yield PaymentUpdateType(kind=event.kind, id=strawberry.ID(str(event.ref_id)), status=event.status)
                elif isinstance(event, HoldChanged):
                    yield PaymentUpdateType(kind="hold", id=strawberry.ID(str(event.hold_id)), status=event.status)


__all__ = ["PaymentsMutation", "PaymentsQuery", "PaymentsSubscription", "payout_type"]
