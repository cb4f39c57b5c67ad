"""Partners' webhook subscriptions: create, enable or disable, delete.

The GraphQL layer validates the subscription document and derives the event types from
it; here the types, the target URL and the owner are checked and the row written.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bankcore.audit import append_audit
from bankcore.models import AuditOutcome
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import ApiClient, WebhookDelivery, WebhookSubscription
from bankcore.webhooks.events import EVENT_TYPES

ALLOW_PRIVATE_ENV = "COOPBANK_WEBHOOKS_ALLOW_PRIVATE"


def check_target_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL a webhook may be sent to.

    HTTPS is required, and loopback, private and link-local addresses are refused (a
    partner must not make the bank call its own network), unless
    ``COOPBANK_WEBHOOKS_ALLOW_PRIVATE=1`` (development, tests, the demo). Host names are
    not resolved here: put outbound webhook traffic behind an egress proxy in production.
    Raises ``DomainError(INVALID_INPUT, field="targetUrl")``.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "the target URL must be an absolute http(s) URL", field="targetUrl")
    if os.environ.get(ALLOW_PRIVATE_ENV) == "1":
        return url
    if parts.scheme != "https":
        raise DomainError(ErrorCode.INVALID_INPUT, "the target URL must use https", field="targetUrl")
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host == "localhost" or host.endswith(".localhost") or (
        address is not None and (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved)
    ):
        raise DomainError(ErrorCode.INVALID_INPUT, "the target URL may not point into a private network", field="targetUrl")
    return url


def check_event_types(event_types: Iterable[str]) -> list[str]:
    """The distinct event types (outbox topics, e.g. ``entry.posted``), all known and at least one."""
    wanted = sorted(set(event_types))
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown or not wanted:
        raise DomainError(ErrorCode.INVALID_INPUT,
                          f"unknown event type {unknown[0]}" if unknown else "the document subscribes to no event",
                          field="query")
    return wanted


async def create_subscription(
    *, client_id: str, name: str, target_url: str, query: str, event_types: Iterable[str], actor: str,
    secret: str | None = None,
) -> WebhookSubscription:
    """Subscribe partner ``client_id`` (an API client) to ``event_types`` at ``target_url``.

    ``query`` is the subscription document defining the payload (validated by the
    caller); ``secret`` signs the deliveries (generated when not given; at least 16
    characters). Raises ``DomainError``: ``NOT_FOUND`` (no such active client, field
    ``apiClient``), ``INVALID_INPUT`` (bad name, URL, secret or event types).
    """
    client = await ApiClient.get_or_none(client_id=client_id, active=True)
    if client is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such API client", field="apiClient")
    label = name.strip()
    if not 1 <= len(label) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "the name must have 1 to 100 characters", field="name")
    url = check_target_url(target_url)
    types = check_event_types(event_types)
    if secret is not None and not 16 <= len(secret) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "the secret must have 16 to 100 characters", field="secretKey")
    subscription = await WebhookSubscription.create(
        api_client_id=client.id, name=label, target_url=url, secret=secret or "whsec_" + secrets.token_urlsafe(24),
        query=query, events=" ".join(types), created_by=actor, created_at=datetime.now(UTC),
    )
    await append_audit(actor=actor, action="webhook.create", outcome=AuditOutcome.OK, object_type="webhook",
                       object_id=subscription.id, details={"client": client_id, "events": types, "url": url})
    return subscription


async def set_subscription_active(*, subscription_id: int, active: bool, actor: str) -> WebhookSubscription:
    """Enable (clearing the failure record) or disable a subscription. ``DomainError(NOT_FOUND)`` if unknown."""
    subscription = await WebhookSubscription.get_or_none(id=subscription_id)
    if subscription is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such webhook", field="id")
    subscription.is_active = active
    subscription.failing_since = None
    subscription.disabled_reason = None if active else f"disabled by {actor}"
    await subscription.save(update_fields=["is_active", "failing_since", "disabled_reason"])
    await append_audit(actor=actor, action="webhook.enable" if active else "webhook.disable", outcome=AuditOutcome.OK,
                       object_type="webhook", object_id=subscription.id)
    return subscription


async def delete_subscription(*, subscription_id: int, actor: str) -> None:
    """Remove a subscription and its delivery log. ``DomainError(NOT_FOUND)`` if unknown."""
    from bankcore.models import WebhookAttempt

    subscription = await WebhookSubscription.get_or_none(id=subscription_id)
    if subscription is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such webhook", field="id")
    deliveries = WebhookDelivery.filter(subscription_id=subscription_id)
    await WebhookAttempt.filter(delivery__subscription_id=subscription_id).delete()
    await deliveries.delete()
    await subscription.delete()
    await append_audit(actor=actor, action="webhook.delete", outcome=AuditOutcome.OK, object_type="webhook",
                       object_id=subscription_id)
