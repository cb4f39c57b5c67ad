"""The bank's settings: thresholds, limits and rates that regulators and boards change.

Each domain declares its settings next to the rule that uses them, with a type, a
default, a unit in the key's name (``_minor``, ``_bps``, ``_days``) and the rule's source:

    PAN_REQUIRED_ABOVE = money_setting(
        "cash.pan_required_above_minor", 50_000_00,
        "Cash deposits above this need the member's PAN or Form 60 (minor units of the bank's currency).",
        source="Income-tax Rules, rule 114B",
    )
    ...
    threshold = await PAN_REQUIRED_ABOVE.get()          # as of the business date
    crr = await CRR_BPS.get(on=date(2025, 12, 1))       # as of any date

Values are effective-dated: ``set_setting`` adds a row valid from a date (inclusive)
until a later row; nothing is overwritten, so what applied on any past date stays
known (a rate change splits a period; a report as of last year uses last year's rule).
Without a row, the declared default applies.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

from tortoise.exceptions import IntegrityError

from bankcore.errors import DomainError, ErrorCode

T = TypeVar("T")

# Seconds a process trusts its copy of a setting's history. Another instance's change
# reaches this one within that time; this process's own changes at once.
CACHE_TTL_S = 5.0

_REGISTRY: dict[str, SettingSpec] = {}
_cache: dict[str, tuple[float, list[tuple[date, str]]]] = {}


@dataclass(frozen=True, slots=True)
class SettingSpec(Generic[T]):
    """A declared setting: its key, type (``parse``/``format``), default and meaning."""

    key: str
    kind: str  # money | integer | decimal | boolean | text | date | json
    default: T
    description: str
    parse: Callable[[str], T]
    format: Callable[[T], str]
    source: str | None = None

    async def get(self, *, on: date | None = None) -> T:
        """The value in force on ``on`` (inclusive; default the business date)."""
        return await get_setting(self.key, on=on)


def _define(spec: SettingSpec[T]) -> SettingSpec[T]:
    existing = _REGISTRY.get(spec.key)
    if existing is not None and (existing.kind, existing.default) != (spec.kind, spec.default):
        raise ValueError(f"setting {spec.key!r} is declared twice, differently")
    _REGISTRY[spec.key] = spec
    return spec


def _parse_int(text: str) -> int:
    if not text.strip().lstrip("-").isdigit():
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)


def _parse_decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError("not a finite number")
    return value


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError("must be true or false")
    return lowered == "true"


def money_setting(key: str, default_minor: int, description: str, *, source: str | None = None) -> SettingSpec[int]:
    """An amount in minor units of the bank's currency (``int``)."""
    return _define(SettingSpec(key, "money", default_minor, description, _parse_int, str, source))


def integer_setting(key: str, default: int, description: str, *, source: str | None = None) -> SettingSpec[int]:
    """A whole number (a count, days, basis points: say which in the key and description)."""
    return _define(SettingSpec(key, "integer", default, description, _parse_int, str, source))


def decimal_setting(key: str, default: Decimal, description: str, *, source: str | None = None) -> SettingSpec[Decimal]:
    """An exact decimal (a percentage, a ratio), stored as its string."""
    return _define(SettingSpec(key, "decimal", default, description, _parse_decimal, str, source))


def boolean_setting(key: str, default: bool, description: str, *, source: str | None = None) -> SettingSpec[bool]:
    return _define(SettingSpec(key, "boolean", default, description, _parse_bool, lambda v: "true" if v else "false", source))


def text_setting(key: str, default: str, description: str, *, source: str | None = None) -> SettingSpec[str]:
    return _define(SettingSpec(key, "text", default, description, str, str, source))


def json_setting(key: str, default: object, description: str, *, source: str | None = None) -> SettingSpec[object]:
    """A small JSON value (a list of tiers, a table of rates)."""
    return _define(
        SettingSpec(key, "json", default, description, json.loads, lambda v: json.dumps(v, sort_keys=True), source)
    )


def setting_specs() -> list[SettingSpec]:
    """Every declared setting, by key (for the admin page and the API)."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def spec_of(key: str) -> SettingSpec:
    """The declared setting ``key``; ``DomainError(NOT_FOUND)`` if none is declared."""
    try:
        return _REGISTRY[key]
    except KeyError:
        raise DomainError(ErrorCode.NOT_FOUND, f"no setting {key}", field="key") from None


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _history(key: str) -> list[tuple[date, str]]:
    """(effective_from, value) rows of ``key``, oldest first, cached for ``CACHE_TTL_S``."""
    from bankcore.models import BankSetting

    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_S:
        return cached[1]
    rows = await BankSetting.filter(key=key).order_by("effective_from").values_list("effective_from", "value")
    history = [(_as_date(d), v) for d, v in rows]
    _cache[key] = (time.monotonic(), history)
    return history


async def get_setting(key: str, *, on: date | None = None) -> object:
    """The value of setting ``key`` in force on ``on`` (default: the business date).

    Raises ``DomainError(NOT_FOUND)`` for an undeclared key.
    """
    spec = spec_of(key)
    if on is None:
        from bankcore.calendar.business_date import business_date

        on = await business_date()
    value = spec.default
    for effective_from, text in await _history(key):
        if effective_from > on:
            break
        value = spec.parse(text)
    return value


async def setting_history(key: str) -> list[tuple[date, object]]:
    """Every value ``key`` has had, as (effective from, value), oldest first."""
    spec = spec_of(key)
    return [(d, spec.parse(v)) for d, v in await _history(key)]


async def set_setting(key: str, value: object, *, effective_from: date, set_by: str, reason: str | None = None) -> None:
    """Give setting ``key`` a new ``value`` from ``effective_from`` (inclusive) on.

    ``value`` may be the typed value or its text. Raises ``DomainError``: ``NOT_FOUND``
    (undeclared key), ``INVALID_INPUT`` (a value of the wrong type, or a value already
    set for that key and date: settings are never overwritten, add a later date instead).
    """
    from bankcore.models import BankSetting

    spec = spec_of(key)
    try:
        typed = spec.parse(value) if isinstance(value, str) else value
        text = spec.format(typed)
        spec.parse(text)
    except (ValueError, InvalidOperation, TypeError, json.JSONDecodeError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{key}: {exc}", field="value") from None
    try:
        await BankSetting.create(
            key=key, value=text, effective_from=effective_from, set_by=set_by[:100],
            reason=(reason or None) and reason[:255], created_at=datetime.now(UTC),
        )
    except IntegrityError:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"{key} already has a value from {effective_from.isoformat()}", field="effective_from"
        ) from None
    _cache.pop(key, None)


def forget_cached_settings() -> None:
    """Drop this process's copies of settings (tests empty the database between cases)."""
    _cache.clear()


# Settings of the bank as a whole.
BANK_CURRENCY = text_setting("bank.currency", "INR", "The bank's home currency (ISO 4217): the currency of money settings.")
def _parse_time_zone(text: str) -> str:
    """An IANA time zone name the system knows (``Asia/Kolkata``), else ``ValueError``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"not an IANA time zone: {text!r} (e.g. Asia/Kolkata)") from None
    return name


BANK_TIME_ZONE = _define(SettingSpec(
    "bank.time_zone", "text", "Asia/Kolkata",
    "IANA time zone in which the bank shows times, labelled with its abbreviation (IST for Asia/Kolkata).",
    _parse_time_zone, str,
))
