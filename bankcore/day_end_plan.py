"""Which domains take part in the close of business.

Each module named here registers its steps with ``bankcore.calendar.registry`` when
imported; the runner loads this plan and so never imports a domain itself. Add your
domain's ``day_end`` module here (the order of this list does not matter: steps carry
their own positions).
"""

from __future__ import annotations

import importlib

DAY_END_MODULES: tuple[str, ...] = (
    "bankcore.payments.day_end",
    "bankcore.deposits.day_end",
    "bankcore.loans.day_end",
    "bankcore.savings.day_end",
    "bankcore.reports.day_end",
    "bankcore.inoperative.day_end",
    "bankcore.instructions.day_end",
    "bankcore.notifications.day_end",
)


def load_day_end_plan() -> None:
    """Import every module of the plan (idempotent)."""
    for name in DAY_END_MODULES:
        importlib.import_module(name)
