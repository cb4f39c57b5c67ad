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
