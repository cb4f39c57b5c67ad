"""Money in and out through a payment gateway: orders, payouts, payees, gateway events,
settlement runs and suspense items (bankcore.payments)."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class PaymentPurpose(StrEnum):
    TOP_UP = "top_up"
    LOAN_REPAYMENT = "loan_repayment"


class PaymentOrderStatus(StrEnum):
    """Razorpay's order states (created, attempted, paid) plus ``failed`` for a last failed attempt."""

    CREATED = "created"
    ATTEMPTED = "attempted"
    FAILED = "failed"
    PAID = "paid"


class PaymentOrder(Model):
    """Money coming in: a gateway order for ``amount_minor`` to ``account`` (credited once, when paid)."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("bankcore.Account", related_name="payment_orders", on_delete=fields.RESTRICT,
                                     description="The account named in the order (a loan account for an EMI)")
    credit_account = fields.ForeignKeyField("bankcore.Account", related_name="credited_orders", on_delete=fields.RESTRICT,
                                            description="The account the money is booked to")
    purpose = fields.CharEnumField(PaymentPurpose, max_length=20)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(PaymentOrderStatus, max_length=10, default=PaymentOrderStatus.CREATED)
    gateway = fields.CharField(max_length=20, description="sim or razorpay")
    gateway_order_id = fields.CharField(max_length=40, unique=True, null=True)
    payment_id = fields.CharField(max_length=40, unique=True, null=True, description="The captured payment")
    method = fields.CharField(max_length=20, null=True, description="upi, card, netbanking ... as the gateway says")
    idempotency_key = fields.CharField(max_length=100, unique=True)
    request_fingerprint = fields.CharField(max_length=64)
    initiator = fields.CharField(max_length=100)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="payment_orders", null=True,
                                   on_delete=fields.RESTRICT)
    failure_reason = fields.CharField(max_length=255, null=True)
    created_on = fields.DateField(description="Business date of the order")
    created_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_order"
        indexes = (Index(fields=("account_id", "id"), name="payment_order_account_idx"),)


class GatewayEventOutcome(StrEnum):
    APPLIED = "applied"  # changed something (a credit, a payout settled)
    IGNORED = "ignored"  # late or out of order: the state it reports was already passed
    REFUSED = "refused"  # unknown order, amount differs: nothing booked, staff should look


class GatewayEvent(Model):
    """Every webhook event accepted (signature valid), once: ``event_id`` deduplicates redeliveries."""

    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=60, unique=True, description="X-Razorpay-Event-Id")
    event_type = fields.CharField(max_length=40)
    entity_id = fields.CharField(max_length=40, null=True, description="pay_..., pout_...")
    outcome = fields.CharEnumField(GatewayEventOutcome, max_length=10)
    detail = fields.CharField(max_length=255, null=True)
    received_at = fields.DatetimeField()

    class Meta:
        table = "gateway_event"


class PayeeKind(StrEnum):
    INTERNAL = "internal"  # an account of this bank (member transfer), by its 12-digit number
    BANK_ACCOUNT = "bank_account"
    VPA = "vpa"


class Payee(Model):
    """A member's saved beneficiary: an account of this bank (INTERNAL, ``account_number``), or
    at another bank: IFSC and account number (BANK_ACCOUNT), or a UPI address (VPA).

    ``created_at`` starts the cooling period in which transfers to a new payee have a lower limit.
    """

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("bankcore.Member", related_name="payees", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(PayeeKind, max_length=15)
    ifsc = fields.CharField(max_length=11, null=True)
    account_number = fields.CharField(max_length=20, null=True)
    vpa = fields.CharField(max_length=100, null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "payee"
        indexes = (Index(fields=("member_id",), name="payee_member_idx"),)


class PayoutMode(StrEnum):
    NEFT = "NEFT"
    IMPS = "IMPS"
    UPI = "UPI"


class PayoutStatus(StrEnum):
    """Ours, mapped from RazorpayX's (queued/pending/processing → processing)."""

    HELD = "held"  # money held, not yet accepted by the gateway
    PROCESSING = "processing"
    PROCESSED = "processed"  # hold posted: Dr member, Cr gateway settlement
    FAILED = "failed"  # hold voided (failed, rejected, cancelled, or reversed before processing)
    REVERSED = "reversed"  # processed, then returned by the beneficiary bank: money credited back
    REVIEW = "review"  # no final word after the last status check: staff look


class Payout(Model):
    """Money going out of ``account`` to ``payee`` through the gateway, held until it settles."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("bankcore.Account", related_name="payouts", on_delete=fields.RESTRICT)
    payee = fields.ForeignKeyField("bankcore.Payee", related_name="payouts", on_delete=fields.RESTRICT)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    mode = fields.CharEnumField(PayoutMode, max_length=4)
    status = fields.CharEnumField(PayoutStatus, max_length=10, default=PayoutStatus.HELD)
    hold = fields.OneToOneField("bankcore.Hold", related_name="payout", on_delete=fields.RESTRICT)
    gateway = fields.CharField(max_length=20)
    gateway_payout_id = fields.CharField(max_length=40, unique=True, null=True)
    gateway_status = fields.CharField(max_length=20, null=True, description="The gateway's last word, verbatim")
    idempotency_key = fields.CharField(max_length=100, unique=True, description="Also sent as X-Payout-Idempotency")
    request_fingerprint = fields.CharField(max_length=64)
    narration = fields.CharField(max_length=30, null=True)
    initiator = fields.CharField(max_length=100)
    utr = fields.CharField(max_length=40, null=True)
    failure_reason = fields.CharField(max_length=255, null=True)
    checks_done = fields.IntField(default=0, description="Status checks made (NPCI: at most 3)")
    next_check_at = fields.DatetimeField(null=True)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="payouts", null=True, on_delete=fields.RESTRICT)
    return_entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="returned_payouts", null=True,
                                          on_delete=fields.RESTRICT)
    created_on = fields.DateField()
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payout"
        indexes = (
            Index(fields=("account_id", "id"), name="payout_account_idx"),
            Index(fields=("status", "next_check_at"), name="payout_status_check_idx"),
        )


class SettlementRun(Model):
    """One settlement report reconciled: one row per gateway and settlement date, ever."""

    id = fields.BigIntField(primary_key=True)
    gateway = fields.CharField(max_length=20)
    settlement_date = fields.DateField()
    rows = fields.IntField()
    matched = fields.IntField()
    unmatched = fields.IntField()
    fees_minor = fields.BigIntField(description="Gateway fees and tax on them, booked as charges")
    fee_entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="settlement_fee_runs", null=True,
                                       on_delete=fields.RESTRICT)
    initiator = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()

    class Meta:
        table = "settlement_run"
        unique_together = (("gateway", "settlement_date"),)


class SuspenseStatus(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"


class SuspenseItem(Model):
    """An item the gateway and the bank disagree on, parked in the suspense account until cleared.

    ``amount_minor`` is signed from the bank's side: positive when the gateway holds money
    the bank never booked to a member (Dr gateway settlement, Cr suspense), negative when
    the bank booked money the gateway does not show (Dr suspense, Cr gateway settlement).
    """

    id = fields.BigIntField(primary_key=True)
    run = fields.ForeignKeyField("bankcore.SettlementRun", related_name="suspense_items", on_delete=fields.RESTRICT)
    reference = fields.CharField(max_length=60, description="pay_..., pout_..., or the bank's own reference")
    kind = fields.CharField(max_length=20, description="payment, payout, refund, adjustment, ...")
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    reason = fields.CharField(max_length=255)
    opened_on = fields.DateField()
    status = fields.CharEnumField(SuspenseStatus, max_length=10, default=SuspenseStatus.OPEN)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="suspense_items", on_delete=fields.RESTRICT)
    cleared_on = fields.DateField(null=True)
    cleared_entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="cleared_suspense_items", null=True,
                                           on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField()

    class Meta:
        table = "suspense_item"
        unique_together = (("run", "reference"),)
        indexes = (Index(fields=("status", "opened_on"), name="suspense_status_idx"),)
