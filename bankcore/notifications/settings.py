"""Settings of notifications and partner webhooks (effective-dated, changed by the board or admin)."""

from __future__ import annotations

from bankcore.settings import integer_setting, money_setting

CREDIT_ALERT_THRESHOLD = money_setting(
    "notifications.credit_alert_threshold_minor", 0,
    "Credits above this amount are alerted unless the member set their own threshold (minor units; 0: every credit).",
    source="RBI master circular on customer service (transaction alerts); member's choice (issue 14)",
)
MAX_ATTEMPTS = integer_setting(
    "notifications.max_attempts", 6,
    "Sending attempts of one SMS / e-mail / WhatsApp message before it is given up as failed.",
)
RETRY_BASE_S = integer_setting(
    "notifications.retry_base_seconds", 30,
    "Wait before the first retry of a failed message; doubled at each later attempt (seconds).",
)
WEBHOOK_RETRY_HOURS = integer_setting(
    "webhooks.retry_window_hours", 24,
    "Hours a failing webhook delivery is retried (exponential backoff) and an endpoint may fail before it is disabled.",
    source="Razorpay and Saleor retry webhooks for about a day",
)
WEBHOOK_TIMEOUT_S = integer_setting(
    "webhooks.timeout_seconds", 10,
    "Seconds the bank waits for a partner's endpoint to answer one delivery.",
)

# --- day-end reminders and housekeeping (bankcore.notifications.day_end) ------------------

EMI_DUE_NOTICE_DAYS = integer_setting(
    "notifications.emi_due_notice_days", 3,
    "Members hear of an EMI this many days before it falls due (day-end; once per instalment).",
    source="issue 14: EMI due in 3 days",
)
EMI_OVERDUE_WINDOW_DAYS = integer_setting(
    "notifications.emi_overdue_window_days", 7,
    "An unpaid instalment is announced as overdue only if it fell due within this many days: a first run after an "
    "import, or a day-end catching up, does not announce years-old arrears (days).",
)
FD_MATURITY_NOTICE_DAYS = integer_setting(
    "notifications.fd_maturity_notice_days", 7,
    "Members hear of a term deposit's maturity this many days ahead (day-end; once per deposit and maturity date).",
    source="issue 14: FD maturity in 7 days",
)
KYC_DUE_NOTICE_DAYS = integer_setting(
    "notifications.kyc_due_notice_days", 30,
    "Members hear that their periodic KYC update is due this many days before the re-KYC date (or on it).",
    source="RBI KYC Master Direction s.38 (periodic updation); issue 14",
)
OUTBOX_RETENTION_DAYS = integer_setting(
    "notifications.outbox_retention_days", 90,
    "Sent (or given-up) SMS / e-mail / WhatsApp deliveries, sign-in codes and dispatched outbox events older than "
    "this are deleted at day-end; the in-app inbox is kept (days).",
)
