"""The loans domain's settings: limits and rates the board or the regulator changes (effective-dated)."""

from __future__ import annotations

from bankcore.settings import integer_setting, money_setting

SANCTION_LIMIT = money_setting(
    "loans.sanction_limit_minor", 10_00_000_00,
    "Loans above this amount need a second approver (another manager, or an admin) after the manager's sanction, minor units.",
    source="Board policy on delegation of sanctioning powers",
)
GST_RATE_BPS = integer_setting(
    "loans.gst_rate_bps", 1800,
    "GST on the processing fee, basis points (18% on financial services).",
    source="CGST Act 2017 / notification 11/2017-CT(Rate), financial services at 18%",
)
GOLD_LTV_SMALL_BPS = integer_setting(
    "loans.gold_ltv_upto_2_5_lakh_bps", 8500,
    "Loan-to-value cap of a gold loan up to ₹2.5 lakh, basis points of the gold's value.",
    source="RBI (Lending Against Gold and Silver Collateral) Directions, June 2025",
)
GOLD_LTV_MEDIUM_BPS = integer_setting(
    "loans.gold_ltv_upto_5_lakh_bps", 8000,
    "Loan-to-value cap of a gold loan above ₹2.5 lakh up to ₹5 lakh, basis points.",
    source="RBI (Lending Against Gold and Silver Collateral) Directions, June 2025",
)
GOLD_LTV_LARGE_BPS = integer_setting(
    "loans.gold_ltv_above_5_lakh_bps", 7500,
    "Loan-to-value cap of a gold loan above ₹5 lakh, basis points.",
    source="RBI (Lending Against Gold and Silver Collateral) Directions, June 2025",
)
GOLD_SMALL_LIMIT = money_setting("loans.gold_small_limit_minor", 2_50_000_00, "Upper bound of the smallest gold-loan LTV band, minor units.",
                                 source="RBI gold-loan directions, June 2025")
GOLD_MEDIUM_LIMIT = money_setting("loans.gold_medium_limit_minor", 5_00_000_00, "Upper bound of the middle gold-loan LTV band, minor units.",
                                  source="RBI gold-loan directions, June 2025")
DEPOSIT_LIEN_LTV_BPS = integer_setting(
    "loans.deposit_lien_ltv_bps", 9000,
    "Most a loan against a deposit under lien may be, basis points of the deposit's balance.",
    source="Board policy (UCBs commonly lend up to 90% of a term deposit)",
)
# Provisioning (month-end). UCB defaults, sources in bankcore/classification/provisioning.py:
# RBI/2023-24/18 (standard 0.40%), IRACP master circular for UCBs DOR.STR.REC.9/21.04.048/2024-25
# (sub-standard 10%, doubtful secured D1 20% / D2 30% / D3 100%, unsecured 100%, loss 100%).
_IRACP = "RBI IRACP master circular for UCBs (DOR.STR.REC.9/21.04.048/2024-25); RBI/2023-24/18 for standard assets"
PROVISION_STANDARD_BPS = integer_setting("loans.provision_standard_bps", 40, "Provision on standard (and SMA) loans, bps of the outstanding.", source=_IRACP)
PROVISION_SUBSTANDARD_BPS = integer_setting("loans.provision_substandard_bps", 1000, "Provision on sub-standard loans, bps of the outstanding.", source=_IRACP)
PROVISION_D1_BPS = integer_setting("loans.provision_doubtful_1_bps", 2000, "Provision on the secured part of D1 loans, bps.", source=_IRACP)
PROVISION_D2_BPS = integer_setting("loans.provision_doubtful_2_bps", 3000, "Provision on the secured part of D2 loans, bps.", source=_IRACP)
PROVISION_D3_BPS = integer_setting("loans.provision_doubtful_3_bps", 10000, "Provision on the secured part of D3 loans, bps.", source=_IRACP)
PROVISION_DOUBTFUL_UNSECURED_BPS = integer_setting(
    "loans.provision_doubtful_unsecured_bps", 10000, "Provision on the unsecured part of doubtful loans, bps.", source=_IRACP)
PROVISION_LOSS_BPS = integer_setting("loans.provision_loss_bps", 10000, "Provision on loss assets, bps of the outstanding.", source=_IRACP)
