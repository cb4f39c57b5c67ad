"""Suspense items from settlement reconciliation: the accountant's ageing report (pure maths + a query).

Buckets by age in days from the item's opening business date to the report's date:
0-7, 8-30, 31-90, over 90 (the usual ageing of sundry and suspense accounts: RBI asks
banks to review and clear suspense entries promptly and to provide for old ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bankcore.models import SuspenseItem, SuspenseStatus

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7 days", 0, 7), ("8-30 days", 8, 30), ("31-90 days", 31, 90), ("over 90 days", 91, None),
)


@dataclass(slots=True)
class AgeingBucket:
    label: str
    count: int = 0
    credit_minor: int = 0  # the gateway holds money the bank has not given to anyone
    debit_minor: int = 0  # the bank booked money the gateway does not show
    items: list[int] = field(default_factory=list)


def bucket_of(age_days: int) -> str:
    """The label of the bucket an item ``age_days`` old falls in (negative ages count as 0)."""
    age = max(age_days, 0)
    for label, low, high in BUCKETS:
        if age >= low and (high is None or age <= high):
            return label
    raise AssertionError("buckets cover every age")


def age_items(items: list[tuple[int, date, int]], as_of: date) -> list[AgeingBucket]:
    """Bucket (id, opened on, signed amount in minor units) items by age as of ``as_of``."""
    buckets = {label: AgeingBucket(label) for label, _, _ in BUCKETS}
    for item_id, opened_on, amount in items:
        bucket = buckets[bucket_of((as_of - opened_on).days)]
        bucket.count += 1
        bucket.items.append(item_id)
        if amount >= 0:
            bucket.credit_minor += amount
        else:
            bucket.debit_minor += -amount
    return list(buckets.values())


async def open_suspense_items(limit: int = 500) -> list[SuspenseItem]:
    """Open suspense items, oldest first."""
    return await SuspenseItem.filter(status=SuspenseStatus.OPEN).order_by("opened_on", "id").limit(limit)
