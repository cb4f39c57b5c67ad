"""Root fields of the settings domain: ``SettingsQuery``, ``SettingsMutation``."""

from __future__ import annotations

import strawberry

from bankcore.settings.catalog import load_all
from graphql_api.policy import RootFieldPolicy
from graphql_api.settings.mutations.set_setting import set_setting
from graphql_api.settings.types import SettingType

GUARD = [RootFieldPolicy]


@strawberry.type
class SettingsQuery:
    @strawberry.field(description="Every setting of the bank with its value on the business date, by key.",
                      permission_classes=GUARD)
    async def settings(self) -> list[SettingType]:
        return [await SettingType.of(spec) for spec in load_all()]


@strawberry.type
class SettingsMutation:
    set_setting = strawberry.mutation(resolver=set_setting, permission_classes=GUARD,
                                      description="Admin: give a setting a new value from a business date on (never back-dated).")
