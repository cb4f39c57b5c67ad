"""Every declared setting, for the staff Settings page and the ``settings`` query.

Settings are declared next to the rule that uses them, in each domain's ``settings``
module, and registered when that module is imported. ``load_all`` imports every
``bankcore.<domain>.settings`` module, so the catalog lists a new domain's settings
without anyone having to register them here.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import date, datetime

import bankcore
from bankcore.errors import DomainError, ErrorCode
from bankcore.settings import SettingSpec, get_setting, set_setting, setting_specs, spec_of

_loaded = False


def load_all() -> list[SettingSpec]:
    """Import every domain's ``settings`` module once; return every declared setting by key."""
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(bankcore.__path__):
            if info.ispkg:
                try:
                    importlib.import_module(f"bankcore.{info.name}.settings")
                except ModuleNotFoundError as exc:
                    if exc.name != f"bankcore.{info.name}.settings":
                        raise
        _loaded = True
    return setting_specs()


@dataclass(frozen=True, slots=True)
class SettingChange:
    effective_from: date
    value: str
    set_by: str
    reason: str | None
    created_at: datetime


async def history(key: str) -> list[SettingChange]:
    """Every value ``key`` was given, oldest effective date first, with who set it and why."""
    from bankcore.models import BankSetting

    rows = await BankSetting.filter(key=key).order_by("effective_from")
    return [SettingChange(r.effective_from, r.value, r.set_by, r.reason, r.created_at) for r in rows]


async def change_setting(*, key: str, value: str, effective_from: date | None, set_by: str, reason: str | None) -> SettingSpec:
    """Give ``key`` a new value from ``effective_from`` (default: the business date).

    A setting cannot be changed for a date already past: what applied then stays what
    applied. Raises ``DomainError``: ``NOT_FOUND`` (no such setting), ``INVALID_INPUT``
    (a value of the wrong type, a past date, a date that already has a value, no reason).
    """
    from bankcore.calendar.business_date import business_date

    load_all()
    spec = spec_of(key)
    today = await business_date()
    effective_from = effective_from or today
    if effective_from < today:
        raise DomainError(ErrorCode.INVALID_INPUT, f"a setting can change from {today.isoformat()} on, not before",
                          field="effective_from")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(ErrorCode.INVALID_INPUT, "say why the setting changes (the reason is kept)", field="reason")
    await set_setting(key, value.strip(), effective_from=effective_from, set_by=set_by, reason=reason)
    return spec


async def value_text(spec: SettingSpec, *, on: date | None = None) -> str:
    """The value in force on ``on`` (default the business date), as text."""
    return spec.format(await get_setting(spec.key, on=on))
