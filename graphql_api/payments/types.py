"""GraphQL types of the payments domain."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from bankcore.models import (
    GatewayEvent,
    GatewayEventOutcome,
    Hold,
    HoldStatus,
    Payee,
    PayeeKind,
    PaymentOrder,
    PaymentOrderStatus,
    PaymentPurpose,
    Payout,
    PayoutMode,
    PayoutStatus,
    SettlementRun,
    SuspenseItem,
)
from graphql_api.types.money import MoneyType

PaymentPurposeEnum = strawberry.enum(PaymentPurpose, name="PaymentPurpose",
                                     description="TOP_UP: add money to savings; LOAN_REPAYMENT: pay an EMI.")
PaymentOrderStatusEnum = strawberry.enum(PaymentOrderStatus, name="PaymentOrderStatus",
                                         description="CREATED, ATTEMPTED (a payment tried), FAILED (last attempt failed), PAID (credited).")
HoldStatusEnum = strawberry.enum(HoldStatus, name="HoldStatus", description="PENDING until POSTED, VOIDED or EXPIRED, once.")
PayeeKindEnum = strawberry.enum(PayeeKind, name="PayeeKind",
                                description="INTERNAL (an account of this bank), BANK_ACCOUNT (IFSC + number) or VPA (a UPI address).")
PayoutModeEnum = strawberry.enum(PayoutMode, name="PayoutMode", description="NEFT, IMPS (bank accounts) or UPI (UPI addresses).")
PayoutStatusEnum = strawberry.enum(PayoutStatus, name="PayoutStatus",
                                   description="HELD (money held, not yet accepted by the gateway), PROCESSING, PROCESSED "
                                   "(debited), FAILED (hold released), REVERSED (returned, credited back), REVIEW (no final word).")
GatewayEventOutcomeEnum = strawberry.enum(GatewayEventOutcome, name="GatewayEventOutcome",
                                          description="APPLIED, IGNORED (late or out of order), REFUSED (staff should look).")


@strawberry.type(name="PaymentOrder", description="Money coming in through the payment gateway.")
class PaymentOrderType:
    id: strawberry.ID = strawberry.field(description="The bank's order id.")
    gateway_order_id: str | None = strawberry.field(description="The gateway's order id (order_...), for the checkout.")
    account_number: str = strawberry.field(description="The account named in the order (a loan account for an EMI).")
    credited_account_number: str = strawberry.field(description="The account the money is booked to.")
    purpose: PaymentPurposeEnum = strawberry.field(description="Top-up or EMI.")
    amount: MoneyType = strawberry.field(description="Amount to pay.")
    status: PaymentOrderStatusEnum = strawberry.field(description="Pending until the gateway confirms the payment.")
    payment_id: str | None = strawberry.field(description="The gateway's captured payment (pay_...).")
    method: str | None = strawberry.field(description="upi, card, netbanking ... as the gateway reports.")
    entry_id: strawberry.ID | None = strawberry.field(description="The journal entry of the credit.")
    failure_reason: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime = strawberry.field(description="When the order was made.")
    paid_at: datetime | None = strawberry.field(description="When the credit was booked.")

    @classmethod
    def of(cls, o: PaymentOrder, account_number: str, credited_number: str) -> PaymentOrderType:
        return cls(id=strawberry.ID(str(o.id)), gateway_order_id=o.gateway_order_id, account_number=account_number,
                   credited_account_number=credited_number, purpose=o.purpose, amount=MoneyType.minor(o.amount_minor, o.currency),
                   status=o.status, payment_id=o.payment_id, method=o.method,
                   entry_id=strawberry.ID(str(o.entry_id)) if o.entry_id else None, failure_reason=o.failure_reason,
                   created_at=o.created_at, paid_at=o.paid_at)


@strawberry.type(name="Hold", description="Money reserved on an account (shown to the member as pending).")
class HoldType:
    id: strawberry.ID = strawberry.field(description="Hold id.")
    amount: MoneyType = strawberry.field(description="Amount held.")
    status: HoldStatusEnum = strawberry.field(description="Pending, posted, voided or expired.")
    reason: str = strawberry.field(description="What the money is held for.")
    placed_on: date = strawberry.field(description="Business date placed.")
    expires_on: date | None = strawberry.field(description="Day-end of this date releases it if still pending.")

    @classmethod
    def of(cls, h: Hold) -> HoldType:
        return cls(id=strawberry.ID(str(h.id)), amount=MoneyType.minor(h.amount_minor, h.currency), status=h.status,
                   reason=h.reason, placed_on=h.placed_on, expires_on=h.expires_on)


@strawberry.type(name="Payee", description="A saved beneficiary at another bank.")
class PayeeType:
    id: strawberry.ID = strawberry.field(description="Payee id (pass to createPayout).")
    name: str = strawberry.field(description="Beneficiary's name.")
    kind: PayeeKindEnum = strawberry.field(description="Bank account or UPI address.")
    ifsc: str | None = strawberry.field(description="IFSC of the beneficiary's branch.")
    account_number_masked: str | None = strawberry.field(description="The beneficiary's account number, last 4 digits shown.")
    vpa: str | None = strawberry.field(description="UPI address.")
    internal_account_number: str | None = strawberry.field(
        description="INTERNAL payees: the account of this bank, in full (the member saved it; pass it to transferFunds).")
    created_at: datetime = strawberry.field(description="When the payee was saved (starts the new-payee cooling period).")

    @classmethod
    def of(cls, p: Payee) -> PayeeType:
        masked = ("•" * max(len(p.account_number) - 4, 0) + p.account_number[-4:]) if p.account_number else None
        internal = p.account_number if p.kind == PayeeKind.INTERNAL else None
        return cls(id=strawberry.ID(str(p.id)), name=p.name, kind=p.kind, ifsc=p.ifsc, account_number_masked=masked, vpa=p.vpa,
                   internal_account_number=internal, created_at=p.created_at)


@strawberry.type(name="Payout", description="Money sent to another bank through the gateway.")
class PayoutType:
    id: strawberry.ID = strawberry.field(description="The bank's payout id.")
    account_number: str = strawberry.field(description="Paying account.")
    payee: PayeeType = strawberry.field(description="Beneficiary.")
    amount: MoneyType = strawberry.field(description="Amount sent.")
    mode: PayoutModeEnum = strawberry.field(description="NEFT, IMPS or UPI.")
    status: PayoutStatusEnum = strawberry.field(description="Where the payment stands.")
    utr: str | None = strawberry.field(description="Bank reference (UTR / RRN) once processed.")
    failure_reason: str | None = strawberry.field(description="Why it failed.")
    gateway_payout_id: str | None = strawberry.field(description="The gateway's payout id (pout_...).")
    created_at: datetime = strawberry.field(description="When it was submitted.")

    @classmethod
    def of(cls, p: Payout, account_number: str, payee: Payee) -> PayoutType:
        return cls(id=strawberry.ID(str(p.id)), account_number=account_number, payee=PayeeType.of(payee),
                   amount=MoneyType.minor(p.amount_minor, p.currency), mode=p.mode, status=p.status, utr=p.utr,
                   failure_reason=p.failure_reason, gateway_payout_id=p.gateway_payout_id, created_at=p.created_at)


@strawberry.type(name="UpiQr", description="A UPI payment request for an account: the link and its QR code.")
class UpiQrType:
    vpa: str = strawberry.field(description="The account's UPI address.")
    uri: str = strawberry.field(description="upi://pay?pa=…&pn=…&cu=INR (with am= when an amount is asked).")
    svg: str = strawberry.field(description="The QR code as an SVG document.")


@strawberry.type(name="GatewayEvent", description="A verified webhook event and what the bank did with it.")
class GatewayEventType:
    event_id: str = strawberry.field(description="X-Razorpay-Event-Id.")
    event_type: str = strawberry.field(description="payment.captured, payout.processed, ...")
    entity_id: str | None = strawberry.field(description="The payment or payout.")
    outcome: GatewayEventOutcomeEnum = strawberry.field(description="Applied, ignored or refused.")
    detail: str | None = strawberry.field(description="Why.")
    received_at: datetime = strawberry.field(description="When it arrived.")

    @classmethod
    def of(cls, e: GatewayEvent) -> GatewayEventType:
        return cls(event_id=e.event_id, event_type=e.event_type, entity_id=e.entity_id, outcome=e.outcome,
                   detail=e.detail, received_at=e.received_at)


@strawberry.type(name="SettlementRun", description="One settlement report reconciled.")
class SettlementRunType:
    id: strawberry.ID = strawberry.field(description="Run id.")
    settlement_date: date = strawberry.field(description="The report's date.")
    rows: int = strawberry.field(description="Rows in the report.")
    matched: int = strawberry.field(description="Rows matching the bank's books.")
    unmatched: int = strawberry.field(description="Rows sent to suspense.")
    charges: MoneyType = strawberry.field(description="Gateway fees and tax booked.")

    @classmethod
    def of(cls, r: SettlementRun, currency: str = "INR") -> SettlementRunType:
        return cls(id=strawberry.ID(str(r.id)), settlement_date=r.settlement_date, rows=r.rows, matched=r.matched,
                   unmatched=r.unmatched, charges=MoneyType.minor(r.fees_minor, currency))


@strawberry.type(name="SuspenseItem", description="An item parked in suspense by reconciliation.")
class SuspenseItemType:
    id: strawberry.ID = strawberry.field(description="Item id.")
    reference: str = strawberry.field(description="The gateway's id of the item.")
    kind: str = strawberry.field(description="payment, payout, refund, adjustment ...")
    amount: MoneyType = strawberry.field(description="Positive: the gateway holds money not given to anyone; negative: booked by the bank, not by the gateway.")
    reason: str = strawberry.field(description="Why it did not match.")
    opened_on: date = strawberry.field(description="Business date it went to suspense.")
    age_days: int = strawberry.field(description="Days in suspense as of the business date.")

    @classmethod
    def of(cls, s: SuspenseItem, today: date) -> SuspenseItemType:
        return cls(id=strawberry.ID(str(s.id)), reference=s.reference, kind=s.kind,
                   amount=MoneyType.minor(s.amount_minor, s.currency), reason=s.reason, opened_on=s.opened_on,
                   age_days=(today - s.opened_on).days)


@strawberry.type(name="SuspenseAgeingBucket", description="Open suspense items of one age band.")
class SuspenseAgeingBucketType:
    label: str = strawberry.field(description="0-7 days, 8-30 days, 31-90 days, over 90 days.")
    count: int = strawberry.field(description="Items.")
    credits: MoneyType = strawberry.field(description="Money the gateway holds that no member was given.")
    debits: MoneyType = strawberry.field(description="Money the bank booked that the gateway does not show.")


@strawberry.type(name="PaymentGatewayInfo", description="Which gateway the bank uses, for the checkout.")
class PaymentGatewayInfo:
    kind: str = strawberry.field(description="sim or razorpay.")
    key_id: str = strawberry.field(description="The public key id the checkout needs.")
    checkout_base_url: str | None = strawberry.field(description="Where the simulator's hosted checkout is (sim only).")


@strawberry.type(name="PaymentUpdate", description="A payment order, payout or hold of the account changed.")
class PaymentUpdateType:
    kind: str = strawberry.field(description="order, payout or hold.")
    id: strawberry.ID = strawberry.field(description="Its id.")
    status: str = strawberry.field(description="Its new status (lower case).")
