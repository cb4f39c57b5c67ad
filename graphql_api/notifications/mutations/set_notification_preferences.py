from __future__ import annotations

import strawberry

from bankcore.notifications.inbox import set_preferences
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.notifications.access import inbox_owner
from graphql_api.notifications.types import LanguageEnum, NotificationPreferencesType
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A member's choices; debit alerts go by SMS whatever `sms` says.")
class NotificationPreferencesInput:
    language: LanguageEnum = strawberry.field(description="Language of the messages.")
    sms: bool = strawberry.field(description="Alerts by SMS.")
    email: bool = strawberry.field(description="Alerts by e-mail.")
    whatsapp: bool = strawberry.field(description="Alerts by WhatsApp.")
    credit_alert_threshold: MoneyInput | None = strawberry.field(
        default=None, description="Alert credits above this amount; null: the bank's default.")


@strawberry.type(description="The saved preferences.")
class SetNotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None = strawberry.field(default=None, description="As saved.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def set_notification_preferences(info: strawberry.Info[Context, None],
                                       input: NotificationPreferencesInput) -> SetNotificationPreferencesPayload:
    async def act() -> SetNotificationPreferencesPayload:
        me = inbox_owner(info.context)
        threshold = input.credit_alert_threshold.to_money() if input.credit_alert_threshold is not None else None
        prefs = await set_preferences(
            member_id=me.id, language=input.language.value, sms=input.sms, email=input.email, whatsapp=input.whatsapp,
            credit_threshold_minor=threshold.amount_minor if threshold is not None else None)
        currency = threshold.currency if threshold is not None else "INR"
        return SetNotificationPreferencesPayload(preferences=NotificationPreferencesType.of(prefs, currency))

    return await run(SetNotificationPreferencesPayload, act)
