"""Share capital and dividends (issue 12): who holds how many shares, and what they were paid.

A member's holding is the sum of their ACTIVE certificates: every purchase issues a
certificate; a transfer or redemption cancels certificates (oldest first) and issues a
balance certificate for what is left. A certificate keeps the nominal value its shares
were paid up at, so the share capital in the books (GL 3100) always equals the paid-up
value of the active certificates, whatever the nominal-value setting says today, and the
holding on any past date is read from ``issued_on`` / ``cancelled_on``.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class ShareTransactionKind(StrEnum):
    PURCHASE = "purchase"
    TRANSFER = "transfer"
    REDEMPTION = "redemption"


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class ShareAccount(Model):
    """A member's admission as a shareholder: the admission fee was paid on ``admitted_on``.

    The row is also what share operations of one member lock, so they queue.
    """

    id = fields.BigIntField(primary_key=True)
    member = fields.OneToOneField("bankcore.Member", related_name="share_account", on_delete=fields.RESTRICT)
    admitted_on = fields.DateField()
    admission_fee_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    left_on = fields.DateField(null=True, description="Business date the member redeemed their last share")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "share_account"


class ShareTransaction(Model):
    """One purchase, transfer or redemption of shares (the share register's journal).

    ``member`` gave up the shares of a transfer (or bought, or redeemed them);
    ``counterparty`` received a transfer. ``amount_minor`` is the paid-up value moved
    (0 for a transfer, which moves no money in the bank's books).
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(ShareTransactionKind, max_length=12)
    member = fields.ForeignKeyField("bankcore.Member", related_name="share_transactions", on_delete=fields.RESTRICT)
    counterparty = fields.ForeignKeyField(
        "bankcore.Member", related_name="share_transfers_in", null=True, on_delete=fields.RESTRICT
    )
    shares = fields.IntField()
    amount_minor = fields.BigIntField(default=0)
    admission_fee_minor = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="share_transactions", null=True,
                                   on_delete=fields.RESTRICT)
    business_date = fields.DateField()
    idempotency_key = fields.CharField(max_length=100, unique=True)
    request_fingerprint = fields.CharField(max_length=64)
    initiator = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "share_transaction"
        indexes = (Index(fields=("member_id", "id"), name="share_transaction_member_idx"),)


class ShareCertificate(Model):
    """A share certificate: ``shares`` shares of ``nominal_minor`` each, held by ``member``."""

    id = fields.BigIntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True, description="SC-000001")
    member = fields.ForeignKeyField("bankcore.Member", related_name="share_certificates", on_delete=fields.RESTRICT)
    shares = fields.IntField()
    nominal_minor = fields.BigIntField(description="Paid-up value of one share")
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(CertificateStatus, max_length=10, default=CertificateStatus.ACTIVE)
    issued_on = fields.DateField()
    cancelled_on = fields.DateField(null=True)
    issued_by = fields.ForeignKeyField("bankcore.ShareTransaction", related_name="issued_certificates",
                                       on_delete=fields.RESTRICT)
    cancelled_by = fields.ForeignKeyField("bankcore.ShareTransaction", related_name="cancelled_certificates",
                                          null=True, on_delete=fields.RESTRICT)

    class Meta:
        table = "share_certificate"
        indexes = (Index(fields=("member_id", "status"), name="share_certificate_member_idx"),)


class DividendStatus(StrEnum):
    PROPOSED = "proposed"
    REJECTED = "rejected"
    CREDITED = "credited"  # approved by a manager and paid out (to savings or the unpaid register)


class DividendDeclaration(Model):
    """A dividend for a financial year: proposed by an accountant, approved by a manager.

    ``financial_year`` is the year's first calendar year (2025 = April 2025 - March 2026).
    ``rate_bps``: annual rate on paid-up share capital in basis points (1250 = 12.50 %).
    """

    id = fields.BigIntField(primary_key=True)
    financial_year = fields.IntField()
    rate_bps = fields.IntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(DividendStatus, max_length=10, default=DividendStatus.PROPOSED)
    proposed_by = fields.CharField(max_length=100)
    proposed_on = fields.DateField()
    net_npa_bps = fields.IntField(null=True, description="Net NPA in bps when last checked")
    approved_by = fields.CharField(max_length=100, null=True)
    decided_on = fields.DateField(null=True)
    total_minor = fields.BigIntField(default=0)
    credited_minor = fields.BigIntField(default=0)
    unpaid_minor = fields.BigIntField(default=0)
    members = fields.IntField(default=0)
    idempotency_key = fields.CharField(max_length=100, unique=True)
    request_fingerprint = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "dividend_declaration"
        indexes = (Index(fields=("financial_year", "status"), name="dividend_declaration_year_idx"),)


class DividendPayment(Model):
    """One member's dividend: credited to ``account`` or, with none, left in the unpaid-dividend register."""

    id = fields.BigIntField(primary_key=True)
    declaration = fields.ForeignKeyField("bankcore.DividendDeclaration", related_name="payments", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("bankcore.Member", related_name="dividends", on_delete=fields.RESTRICT)
    shares = fields.IntField()
    paid_up_minor = fields.BigIntField(description="Paid-up share capital held at the year end")
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    account = fields.ForeignKeyField("bankcore.Account", related_name="dividends", null=True, on_delete=fields.RESTRICT)
    unpaid = fields.BooleanField(default=False, description="No savings account: kept in the unpaid-dividend register")
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="dividend_payments", null=True,
                                   on_delete=fields.RESTRICT)

    class Meta:
        table = "dividend_payment"
        unique_together = (("declaration", "member"),)
        indexes = (Index(fields=("member_id",), name="dividend_payment_member_idx"),)


class FinancialYearClose(Model):
    """The close of one financial year (April-March) in one currency.

    ``net_profit_minor`` is negative for a loss (then nothing is appropriated).
    """

    id = fields.BigIntField(primary_key=True)
    year_start = fields.DateField()
    year_end = fields.DateField()
    currency = fields.CharField(max_length=3)
    net_profit_minor = fields.BigIntField(default=0)
    statutory_reserve_minor = fields.BigIntField(default=0)
    education_fund_minor = fields.BigIntField(default=0)
    unforeseen_reserve_minor = fields.BigIntField(default=0)
    closing_entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="year_closes", null=True,
                                           on_delete=fields.RESTRICT)
    appropriation_entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="year_appropriations",
                                                 null=True, on_delete=fields.RESTRICT)
    closed_by = fields.CharField(max_length=100)
    closed_on = fields.DateField(description="Business date of the close")
    idempotency_key = fields.CharField(max_length=100, null=True, description="The key the close was asked with")
    completed = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "financial_year_close"
        unique_together = (("year_start", "currency"),)
