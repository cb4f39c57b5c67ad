"""Term deposits (issue 12): deposit products and their rate charts, fixed and recurring
deposits, liens, interest credits (the TDS base) and Form 15G/15H declarations.

A term deposit is not an ``Account``: it has its own sub-ledger ``LedgerAccount`` (code =
the deposit number) under the fixed or recurring deposits control account, so counter
cash, transfers and payouts, which work on ``Account`` rows, can never move its money.
Only the deposit services do (opening, interest, maturity, premature closure).
"""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class DepositKind(StrEnum):
    FIXED = "FIXED"
    RECURRING = "RECURRING"


class InterestPayout(StrEnum):
    """How a fixed deposit pays its interest: at maturity (compounded quarterly), monthly or quarterly."""

    CUMULATIVE = "CUMULATIVE"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"


class MaturityInstruction(StrEnum):
    CREDIT_SAVINGS = "CREDIT_SAVINGS"
    RENEW_PRINCIPAL = "RENEW_PRINCIPAL"
    RENEW_ALL = "RENEW_ALL"


class DepositStatus(StrEnum):
    ACTIVE = "ACTIVE"
    MATURED = "MATURED"
    RENEWED = "RENEWED"
    CLOSED_PREMATURELY = "CLOSED_PREMATURELY"


class LienStatus(StrEnum):
    ACTIVE = "ACTIVE"
    RELEASED = "RELEASED"


class DepositProduct(Model):
    """A fixed or recurring deposit product: its limits, penalties and (in ``DepositRate``) its rate chart.

    Amounts in minor units, rates in basis points (725 = 7.25 % p.a.).
    ``rd_missed_penalty_bps`` is charged on an instalment collected after its due date.
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(DepositKind, max_length=10)
    currency = fields.CharField(max_length=3)
    senior_extra_bps = fields.IntField(default=50, description="Extra rate for members aged 60 or more at opening")
    premature_penalty_bps = fields.IntField(default=100, description="Taken off the rate on premature closure")
    rd_missed_penalty_bps = fields.IntField(default=150, description="Charge on a late RD instalment, bps of it")
    min_amount_minor = fields.BigIntField(default=100_000, description="Smallest principal (FD) or instalment (RD)")
    max_amount_minor = fields.BigIntField(null=True)
    min_tenure_months = fields.IntField(default=1)
    max_tenure_months = fields.IntField(default=120)
    payouts = fields.CharField(max_length=40, default="CUMULATIVE,MONTHLY,QUARTERLY",
                               description="Interest payout options offered, comma-separated")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deposit_product"


class DepositRate(Model):
    """A rate-chart line: deposits of ``min_days``..``max_days`` (inclusive, null = no upper
    bound) opened on or after ``effective_from`` earn ``rate_bps``, until a later chart."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("bankcore.DepositProduct", related_name="rates", on_delete=fields.RESTRICT)
    effective_from = fields.DateField()
    min_days = fields.IntField()
    max_days = fields.IntField(null=True)
    rate_bps = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deposit_rate"
        unique_together = (("product", "effective_from", "min_days"),)


class TermDeposit(Model):
    """A member's fixed or recurring deposit.

    ``principal_minor`` is the FD's principal or the RD's monthly instalment. ``rate_bps``
    is the contracted rate (card rate plus any senior-citizen extra). ``payout_account``
    is the member's savings account: interest payouts and the maturity value go there,
    RD instalments come from it. ``last_payout_on`` is the end of the last interest
    period paid (payout FDs). ``interest_paid_minor`` / ``tds_minor`` total what was
    credited and deducted over the deposit's life.
    """

    id = fields.BigIntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    kind = fields.CharEnumField(DepositKind, max_length=10)
    product = fields.ForeignKeyField("bankcore.DepositProduct", related_name="deposits", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("bankcore.Member", related_name="deposits", on_delete=fields.RESTRICT)
    branch = fields.ForeignKeyField("bankcore.Branch", related_name="deposits", on_delete=fields.RESTRICT)
    ledger_account = fields.OneToOneField("bankcore.LedgerAccount", related_name="deposit", on_delete=fields.RESTRICT)
    payout_account = fields.ForeignKeyField("bankcore.Account", related_name="linked_deposits", on_delete=fields.RESTRICT)
    currency = fields.CharField(max_length=3)
    principal_minor = fields.BigIntField()
    rate_bps = fields.IntField()
    senior_citizen = fields.BooleanField(default=False)
    tenure_months = fields.IntField()
    opened_on = fields.DateField()
    maturity_date = fields.DateField()
    payout = fields.CharEnumField(InterestPayout, max_length=12, default=InterestPayout.CUMULATIVE)
    maturity_instruction = fields.CharEnumField(MaturityInstruction, max_length=16,
                                                default=MaturityInstruction.CREDIT_SAVINGS)
    status = fields.CharEnumField(DepositStatus, max_length=20, default=DepositStatus.ACTIVE)
    closed_on = fields.DateField(null=True)
    last_payout_on = fields.DateField(null=True)
    interest_paid_minor = fields.BigIntField(default=0)
    tds_minor = fields.BigIntField(default=0)
    maturity_value_minor = fields.BigIntField(null=True, description="What was paid out at maturity or closure")
    instalments_paid = fields.IntField(default=0)
    missed_instalments = fields.IntField(default=0)
    penalty_minor = fields.BigIntField(default=0)
    renewed_from = fields.ForeignKeyField("bankcore.TermDeposit", related_name="renewals", null=True,
                                          on_delete=fields.RESTRICT)
    opened_by = fields.CharField(max_length=100)
    idempotency_key = fields.CharField(max_length=100, unique=True, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "term_deposit"
        indexes = (
            Index(fields=("member_id",), name="term_deposit_member_idx"),
            Index(fields=("status", "maturity_date"), name="term_deposit_status_maturity_idx"),
        )


class DepositLien(Model):
    """A lien on a deposit (a loan against it): while ACTIVE the deposit cannot be closed."""

    id = fields.BigIntField(primary_key=True)
    deposit = fields.ForeignKeyField("bankcore.TermDeposit", related_name="liens", on_delete=fields.RESTRICT)
    amount_minor = fields.BigIntField()
    reference = fields.CharField(max_length=60, description="What the lien secures, e.g. the loan account number")
    status = fields.CharEnumField(LienStatus, max_length=10, default=LienStatus.ACTIVE)
    marked_on = fields.DateField()
    marked_by = fields.CharField(max_length=100)
    released_on = fields.DateField(null=True)
    released_by = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deposit_lien"
        indexes = (Index(fields=("deposit_id", "status"), name="deposit_lien_deposit_idx"),)


class DepositInterestCredit(Model):
    """Interest credited or paid on a deposit and the TDS deducted from it: the s.194A base
    (per member per financial year, April-March, ``financial_year`` being its starting year)."""

    id = fields.BigIntField(primary_key=True)
    deposit = fields.ForeignKeyField("bankcore.TermDeposit", related_name="interest_credits", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("bankcore.Member", related_name="deposit_interest", on_delete=fields.RESTRICT)
    financial_year = fields.IntField()
    credited_on = fields.DateField()
    interest_minor = fields.BigIntField()
    tds_minor = fields.BigIntField(default=0)
    rate_bps = fields.IntField(default=0, description="TDS rate applied (0 under the threshold or a 15G/15H)")
    pan_held = fields.BooleanField(default=True)
    entry_id = fields.BigIntField(null=True)
    reason = fields.CharField(max_length=20, description="payout, maturity, closure")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deposit_interest_credit"
        indexes = (
            Index(fields=("member_id", "financial_year"), name="deposit_interest_member_fy_idx"),
            Index(fields=("credited_on",), name="deposit_interest_date_idx"),
        )


class TdsDeclaration(Model):
    """A Form 15G (under 60) or 15H (60 or more) on record for a financial year: no TDS that year (s.197A)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("bankcore.Member", related_name="tds_declarations", on_delete=fields.RESTRICT)
    financial_year = fields.IntField()
    form = fields.CharField(max_length=3, description="15G or 15H")
    received_on = fields.DateField()
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tds_declaration"
        unique_together = (("member", "financial_year"),)
