"""Re-KYC due dates: pure date arithmetic, table-driven (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.members.rekyc import re_kyc_due_on


@pytest.mark.parametrize(("verified", "years", "due"), [
    (date(2025, 3, 10), 2, date(2027, 3, 10)),     # high risk
    (date(2025, 3, 10), 8, date(2033, 3, 10)),     # medium
    (date(2025, 3, 10), 10, date(2035, 3, 10)),    # low
    (date(2024, 2, 29), 2, date(2026, 2, 28)),     # a leap day falls back, never late
    (date(2024, 2, 29), 8, date(2032, 2, 29)),     # into a leap year the day exists
])
def test_due_date_is_the_verification_date_plus_whole_years(verified: date, years: int, due: date) -> None:
    assert re_kyc_due_on(verified, years) == due


def test_a_period_under_a_year_is_refused() -> None:
    with pytest.raises(ValueError):
        re_kyc_due_on(date(2025, 1, 1), 0)
