"""Who may call the notifications domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import STAFF_ROLES, Role

A = Role
_INBOX = STAFF_ROLES | {A.MEMBER}
_WEBHOOK_READ = frozenset({A.ADMIN, A.AUDITOR, A.PARTNER})
_WEBHOOK_WRITE = frozenset({A.ADMIN, A.PARTNER})

NOTIFICATIONS_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "notifications": _INBOX,
    "unreadNotificationCount": _INBOX,
    "notificationPreferences": frozenset({A.MEMBER}),
    "webhooks": _WEBHOOK_READ,
    "webhookDeliveries": _WEBHOOK_READ,
    # mutations
    "markNotificationsRead": _INBOX - {A.AUDITOR},  # auditors never mutate (ReadOnlyForAuditors)
    "setNotificationPreferences": frozenset({A.MEMBER}),
    "webhookCreate": _WEBHOOK_WRITE,
    "webhookUpdate": _WEBHOOK_WRITE,
    "webhookDelete": _WEBHOOK_WRITE,
    "eventDeliveryRetry": _WEBHOOK_WRITE,
    # subscriptions
    "inboxChanged": _INBOX,
    "event": frozenset({A.PARTNER}) | STAFF_ROLES,
}

NOTIFICATIONS_PARTNER_SCOPES: dict[str, str] = {
    "webhooks": "webhooks:manage",
    "webhookDeliveries": "webhooks:manage",
    "webhookCreate": "webhooks:manage",
    "webhookUpdate": "webhooks:manage",
    "webhookDelete": "webhooks:manage",
    "eventDeliveryRetry": "webhooks:manage",
    "event": "accounts:read",
}
