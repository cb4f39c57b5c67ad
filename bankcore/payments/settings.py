"""The payment rails' settings: limits and thresholds the board changes (effective-dated)."""

from __future__ import annotations

from bankcore.settings import integer_setting, json_setting, money_setting, text_setting

PAYOUT_MAX_PER_TRANSACTION = money_setting(
    "payments.payout_max_per_transaction_minor", 2_00_000_00,
    "Largest single payment to another bank (NEFT, IMPS or UPI), in minor units of the bank's currency.",
    source="Board policy; IMPS is capped at ₹5 lakh and P2P UPI at ₹1 lakh by NPCI",
)
PAYOUT_MAX_UPI = money_setting(
    "payments.payout_max_upi_minor", 1_00_000_00,
    "Largest single UPI payment, in minor units (NPCI's per-transaction P2P limit).",
    source="NPCI UPI transaction limits",
)
PAYOUT_DAILY_LIMIT = money_setting(
    "payments.payout_daily_limit_minor", 5_00_000_00,
    "Most a member's account may send to other banks in one business date (payments not failed), minor units.",
    source="Board policy",
)
STEP_UP_ABOVE = money_setting(
    "payments.step_up_above_minor", 25_000_00,
    "Payments to other banks above this need a fresh one-time code (step-up), minor units.",
    source="Board policy (RBI: additional factor of authentication for digital payments)",
)
PAYOUT_HOLD_DAYS = integer_setting(
    "payments.payout_hold_days", 5,
    "Business days a payout's hold lives before day-end voids it if the gateway never answered.",
)
STATUS_CHECK_OFFSETS_S = json_setting(
    "payments.status_check_offsets_s", [90, 1800, 7000],
    "Seconds after a payout is sent at which its status is checked when no webhook came: "
    "NPCI's rule is the first check no sooner than 90 s and at most 3 checks within about 2 hours.",
    source="NPCI UPI operating guidelines on transaction status checks",
)
ORDER_MIN = money_setting(
    "payments.order_min_minor", 1_00, "Smallest amount a member may add through the gateway, minor units (Razorpay: ₹1)."
)
ORDER_MAX = money_setting(
    "payments.order_max_minor", 5_00_000_00, "Largest amount a member may add through the gateway in one order, minor units."
)
UPI_HANDLE = text_setting(
    "payments.upi_handle", "coopbank",
    "The bank's UPI handle: a savings account's UPI address is <account number>@<handle>.",
)
