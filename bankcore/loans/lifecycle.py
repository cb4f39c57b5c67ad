"""A loan's way from application to disbursal, split by concept (the names stay importable from here):

* ``bankcore.loans.application``: apply, guarantors confirm, eligibility, collateral and LTV caps, the EMI preview;
* ``bankcore.loans.sanction``: maker-checker recommend / sanction / reject, and a loan against a deposit's lien;
* ``bankcore.loans.disbursal``: the schedule fixed and stored at disbursal, the money booked net of fee and GST.
"""

from __future__ import annotations

from bankcore.loans.application import (
    NPA_CLASSES,
    Collateral,
    EligibilityCheck,
    apply_for_loan,
    confirm_guarantee,
    eligibility,
    find_loan,
    gold_ltv_cap_bps,
    preview_schedule,
)
from bankcore.loans.disbursal import disbursal_key, disburse_loan, loan_ledger_balance, processing_fee_minor, store_schedule
from bankcore.loans.sanction import recommend_loan, reject_loan, sanction_loan, sanction_loan_against_lien

__all__ = [
    "NPA_CLASSES", "Collateral", "EligibilityCheck", "apply_for_loan", "confirm_guarantee", "disbursal_key", "disburse_loan",
    "eligibility", "find_loan", "gold_ltv_cap_bps", "loan_ledger_balance", "preview_schedule", "processing_fee_minor",
    "recommend_loan", "reject_loan", "sanction_loan", "sanction_loan_against_lien", "store_schedule",
]
