"""Queries the staff dashboards and the member portal need beyond the core ones
(cash totals, branch overview figures, ...). Kept apart so the core Query stays small."""

from __future__ import annotations

import strawberry


@strawberry.type
class DashboardQuery:
    pass
