"""Settings of standing instructions."""

from bankcore.settings import integer_setting

MAX_ATTEMPTS = integer_setting(
    "instructions.max_attempts", 3,
    "A standing instruction that fails (insufficient funds, inactive account) is tried on this many "
    "business days in all; then that due date is skipped and the member told.",
    source="Bank policy (NACH/ECS practice: up to three presentations)",
)
