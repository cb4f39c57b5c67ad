"""Loans: products, contracts, their fixed repayment schedules, guarantors (issue 11).

Money state of a loan: its ``account``'s ledger balance is the principal outstanding
(Dr at disbursal, Cr by the principal part of each repayment). Interest and penal
charges are *demands* kept on the instalment rows and booked as income when realised;
the interest accrued but unpaid is carried in the books by month-end entries
(``bankcore.loans.day_end``), so no per-loan-per-day journal entry is ever written.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class BerkaLoanStatus(StrEnum):
    """Contract status as the Berka data set gives it (codes A-D), kept as ``Loan.source_status``."""

    CLOSED = "closed"  # finished, repaid (Berka A)
    CLOSED_UNPAID = "closed_unpaid"  # finished, not repaid (Berka B)
    RUNNING = "running"  # running, no arrears (Berka C)
    RUNNING_IN_ARREARS = "running_in_arrears"  # running, client in debt (Berka D)


class LoanStatus(StrEnum):
    """A loan's place in its life (the values are the CLI/API contract of issue 11)."""

    APPLIED = "APPLIED"
    RECOMMENDED = "RECOMMENDED"
    SANCTIONED = "SANCTIONED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
    WRITTEN_OFF = "WRITTEN_OFF"
    REJECTED = "REJECTED"


class InterestMethod(StrEnum):
    REDUCING = "reducing"
    FLAT = "flat"
    EQUAL_PRINCIPAL = "equal-principal"


class DisburseTo(StrEnum):
    SAVINGS = "SAVINGS"  # Dr loan, Cr the member's savings account
    CLEARING = "CLEARING"  # Dr loan, Cr clearing: paid to a third party at another bank


class LoanProduct(Model):
    """A loan product's rules. ``product`` is the account product its loan accounts open under.

    Amounts in minor units, rates in basis points a year. ``collateral_kinds`` is a
    comma-separated list of GOLD, DEPOSIT_LIEN, PROPERTY (empty: unsecured).
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=100)
    product = fields.OneToOneField("bankcore.Product", related_name="loan_product", on_delete=fields.RESTRICT)
    currency = fields.CharField(max_length=3)
    method = fields.CharEnumField(InterestMethod, max_length=20, default=InterestMethod.REDUCING)
    annual_rate_bps = fields.IntField()
    min_amount_minor = fields.BigIntField()
    max_amount_minor = fields.BigIntField()
    min_tenure_months = fields.IntField()
    max_tenure_months = fields.IntField()
    repayment_day = fields.IntField(null=True, description="Day of month instalments fall on (null: the disbursal day)")
    moratorium_months = fields.IntField(default=0)
    processing_fee_bps = fields.IntField(default=0, description="Processing fee, % of the principal in bps (GST on top)")
    penal_rate_bps = fields.IntField(default=0, description="Penal charge a year on overdue instalments (a charge, never capitalised)")
    prepayment_mode = fields.CharField(max_length=20, default="reduce-tenure", description="reduce-tenure or reduce-emi")
    prepayment_allowed = fields.BooleanField(default=True)
    arrears_tolerance_minor = fields.BigIntField(default=0, description="Overdue amounts up to this do not count as arrears")
    guarantors_required = fields.IntField(default=0)
    collateral_kinds = fields.CharField(max_length=60, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loan_product"


class Loan(Model):
    """A loan contract. Its money is on ``account`` (an asset sub-ledger account).

    The loan's number is its account's number. Instalments are collected from
    ``repayment_account`` (the member's savings account, for Berka the data's account).
    ``granted_on`` is the (planned) disbursal date: the schedule is fixed at disbursal.
    Classification columns are written by day-end when they change (the date of the last
    classification is ``LoanClassification``); days past due and accrued interest are not
    stored but computed on read (``bankcore.loans.book``, ``bankcore.loans.classify``).
    """

    id = fields.BigIntField(primary_key=True)
    account = fields.OneToOneField("bankcore.Account", related_name="loan", on_delete=fields.RESTRICT)
    repayment_account = fields.ForeignKeyField(
        "bankcore.Account", related_name="repaid_loans", on_delete=fields.RESTRICT
    )
    member = fields.ForeignKeyField("bankcore.Member", related_name="loans", null=True, on_delete=fields.RESTRICT,
                                    description="The borrower")
    loan_product = fields.ForeignKeyField("bankcore.LoanProduct", related_name="loans", null=True,
                                          on_delete=fields.RESTRICT)
    granted_on = fields.DateField()
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    duration_months = fields.IntField()
    instalment_minor = fields.BigIntField()
    status = fields.CharEnumField(LoanStatus, max_length=20)
    source_status = fields.CharEnumField(BerkaLoanStatus, max_length=20, null=True,
                                         description="Status as an imported data set gave it")
    source_ref = fields.CharField(max_length=60, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # terms
    method = fields.CharEnumField(InterestMethod, max_length=20, default=InterestMethod.REDUCING, db_default="reducing")
    annual_rate_bps = fields.IntField(default=0, db_default=0)
    repayment_day = fields.IntField(null=True)
    moratorium_months = fields.IntField(default=0, db_default=0)
    penal_rate_bps = fields.IntField(default=0, db_default=0)
    arrears_tolerance_minor = fields.BigIntField(default=0, db_default=0)
    fee_minor = fields.BigIntField(default=0, db_default=0)
    gst_minor = fields.BigIntField(default=0, db_default=0)
    disburse_to = fields.CharEnumField(DisburseTo, max_length=10, default=DisburseTo.SAVINGS, db_default="SAVINGS")
    auto_debit = fields.BooleanField(default=True, db_default=True, description="Day-end collects due instalments from the repayment account")
    purpose = fields.CharField(max_length=200, default="", db_default="")
    collateral_kind = fields.CharField(max_length=20, null=True)
    collateral_value_minor = fields.BigIntField(null=True)
    collateral_ref = fields.CharField(max_length=60, null=True, description="e.g. the deposit account under lien")
    # workflow
    applied_on = fields.DateField(null=True)
    applied_by = fields.CharField(max_length=100, default="", db_default="")
    recommended_by = fields.CharField(max_length=100, null=True)
    sanctioned_by = fields.CharField(max_length=100, null=True)
    second_approver = fields.CharField(max_length=100, null=True)
    sanctioned_on = fields.DateField(null=True)
    rejected_by = fields.CharField(max_length=100, null=True)
    decision_reason = fields.CharField(max_length=200, null=True)
    disbursed_on = fields.DateField(null=True)
    closed_on = fields.DateField(null=True)
    written_off_on = fields.DateField(null=True)
    written_off_minor = fields.BigIntField(default=0, db_default=0)
    write_off_requested_by = fields.CharField(max_length=100, null=True, description="The manager who proposed the write-off")
    restructured = fields.BooleanField(default=False, db_default=False)
    restructured_until = fields.DateField(null=True, description="End of the specified period after a restructuring: "
                                          "the class is not upgraded before it (bankcore.loans.classify)")
    # classification (day-end)
    own_class = fields.CharField(max_length=12, default="STANDARD", db_default="STANDARD", description="This facility's class before borrower-wise")
    asset_class = fields.CharField(max_length=12, default="STANDARD", db_default="STANDARD")
    npa_since = fields.DateField(null=True)
    provision_minor = fields.BigIntField(default=0, db_default=0)
    penal_through = fields.DateField(null=True, description="Last day-end that levied penal charges (keeps the step idempotent)")

    class Meta:
        table = "loan"
        indexes = (
            Index(fields=("repayment_account_id",), name="loan_repayment_account_idx"),
            Index(fields=("member_id",), name="loan_member_idx"),
            Index(fields=("status",), name="loan_status_idx"),
            Index(fields=("loan_product_id",), name="loan_product_idx"),
        )


class LoanInstalment(Model):
    """One row of a loan's repayment schedule, and how much of it has been paid.

    Principal and interest are fixed at disbursal (replaced for unpaid rows by a
    prepayment or reschedule). ``penal_e6`` holds the penal charges accrued through
    ``penal_through`` in millionths of a minor unit, ``penal_minor`` is it rounded half up;
    the charges accrued since are computed on read (``bankcore.loans.penal_sql``), so
    day-end rewrites no row for them.
    """

    id = fields.BigIntField(primary_key=True)
    loan = fields.ForeignKeyField("bankcore.Loan", related_name="instalments", on_delete=fields.RESTRICT)
    number = fields.IntField()
    due_date = fields.DateField()
    principal_minor = fields.BigIntField()
    interest_minor = fields.BigIntField()
    paid_principal_minor = fields.BigIntField(default=0)
    paid_interest_minor = fields.BigIntField(default=0)
    penal_e6 = fields.BigIntField(default=0)
    penal_minor = fields.BigIntField(default=0)
    paid_penal_minor = fields.BigIntField(default=0)
    paid_on = fields.DateField(null=True, description="Date the row was fully paid")
    penal_through = fields.DateField(null=True, description="Last day-end whose penal charge penal_e6 includes (NULL: none)")

    class Meta:
        table = "loan_instalment"
        unique_together = (("loan", "number"),)
        indexes = (Index(fields=("due_date", "loan_id"), name="loan_instalment_due_idx"),)


class LoanPenalLevy(Model):
    """The day-ends that levied penal charges: every date from ``levied_from`` to ``levied_through`` (one row).

    Written once a day by ``loans.penal_charges`` instead of every overdue instalment row;
    readers add the charge of these dates to each row's ``penal_e6`` (``bankcore.loans.penal_sql``).
    """

    id = fields.IntField(primary_key=True)
    levied_from = fields.DateField()
    levied_through = fields.DateField()

    class Meta:
        table = "loan_penal_levy"
        table_description = "Dates whose penal charges readers compute on read (one row)"


class LoanClassification(Model):
    """The business date of the loans' last classification (one row; ``loans.classify``).

    Classification writes only the loans whose class or NPA date changes, so the date it
    ran is kept here, not on every loan row (the NPA report names a stale classification).
    """

    id = fields.IntField(primary_key=True)
    classified_on = fields.DateField()

    class Meta:
        table = "loan_classification"
        table_description = "Business date of the loans' last classification (one row)"


class LoanGuarantor(Model):
    """A member standing guarantor for a loan, ``confirmed_at`` set once they confirm (portal or branch)."""

    id = fields.BigIntField(primary_key=True)
    loan = fields.ForeignKeyField("bankcore.Loan", related_name="guarantors", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("bankcore.Member", related_name="guarantees", on_delete=fields.RESTRICT)
    confirmed_at = fields.DatetimeField(null=True)
    confirmed_by = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "loan_guarantor"
        unique_together = (("loan", "member"),)
