"""GraphQL types of the settings domain."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from bankcore.settings import SettingSpec
from bankcore.settings.catalog import history, value_text


@strawberry.type(name="SettingChange", description="One value a setting was given, from a date on.")
class SettingChangeType:
    effective_from: date = strawberry.field(description="The value applies from this business date (inclusive).")
    value: str = strawberry.field(description="The value as text.")
    set_by: str = strawberry.field(description="Who set it (staff:12).")
    reason: str | None = strawberry.field(description="Why.")
    created_at: datetime = strawberry.field(description="When it was entered.")


@strawberry.type(name="Setting", description="A threshold, limit or rate of the bank: typed, effective-dated, with its source.")
class SettingType:
    key: str = strawberry.field(description="The setting's key; the unit is in its name (_minor, _bps, _days).")
    kind: str = strawberry.field(description="money (minor units), integer, decimal, boolean, text, date or json.")
    description: str = strawberry.field(description="What it means.")
    source: str | None = strawberry.field(description="The rule or policy it comes from.")
    default: str = strawberry.field(description="The value when none was set, as text.")
    value: str = strawberry.field(description="The value in force on the business date, as text.")

    @strawberry.field(description="Every value it was given, oldest first.")
    async def history(self) -> list[SettingChangeType]:
        return [SettingChangeType(effective_from=c.effective_from, value=c.value, set_by=c.set_by, reason=c.reason,
                                  created_at=c.created_at) for c in await history(self.key)]

    @classmethod
    async def of(cls, spec: SettingSpec) -> SettingType:
        return cls(key=spec.key, kind=spec.kind, description=spec.description, source=spec.source,
                   default=spec.format(spec.default), value=await value_text(spec))
