"""Settings of the inoperative rule (effective-dated, see ``bankcore.settings``)."""

from bankcore.settings import integer_setting

INOPERATIVE_AFTER_MONTHS = integer_setting(
    "accounts.inoperative_after_months", 24,
    "A savings or current account with no customer-induced transaction for this many months becomes inoperative.",
    source="RBI Master Direction on KYC s.38; RBI circular on inoperative accounts (2024)",
)
INOPERATIVE_NOTICE_MONTHS = integer_setting(
    "accounts.inoperative_notice_months", 3,
    "The member is told this many months before the account would become inoperative.",
    source="RBI circular on inoperative accounts (2024): intimate the customer in advance",
)
