from __future__ import annotations

from datetime import date

import strawberry

from bankcore.settings.catalog import change_setting
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.settings.types import SettingType


@strawberry.input(description="A new value of a setting from a business date on (never before the current one).")
class SetSettingInput:
    key: str = strawberry.field(description="The setting's key.")
    value: str = strawberry.field(description="The value as text: minor units for money, true/false, a decimal string, JSON.")
    effective_from: date | None = strawberry.field(default=None, description="From this business date (default: today's).")
    reason: str = strawberry.field(description="Why it changes (kept with the value).")


@strawberry.type(description="The setting with its new value.")
class SetSettingPayload:
    setting: SettingType | None = strawberry.field(default=None, description="The setting after the change.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def set_setting(info: strawberry.Info[Context, None], input: SetSettingInput) -> SetSettingPayload:
    async def act() -> SetSettingPayload:
        spec = await change_setting(key=input.key[:80], value=input.value[:2000], effective_from=input.effective_from,
                                    set_by=info.context.actor, reason=input.reason[:255])
        return SetSettingPayload(setting=await SettingType.of(spec))

    return await run(SetSettingPayload, act)
