"""Whose inbox and which webhooks the caller may touch."""

from __future__ import annotations

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import ApiClient, WebhookSubscription
from bankcore.notifications.inbox import Recipient
from graphql_api.context import Context, Role


def inbox_owner(ctx: Context) -> Recipient:
    """The caller's own inbox: a member's, or a staff user's. Others have none (FORBIDDEN by policy)."""
    p = ctx.principal
    if p is not None and ctx.role is Role.MEMBER and p.member_id is not None:
        return Recipient("member", p.member_id)
    if p is not None and ctx.is_staff:
        return Recipient("staff", p.id)
    raise DomainError(ErrorCode.NOT_FOUND, "no inbox")


async def own_client(ctx: Context, client_id: str | None) -> str:
    """The API client a webhook is for: any active one for an admin (``client_id`` required),
    the caller's own for a partner. Raises ``DomainError(NOT_FOUND, field="apiClient")``."""
    if ctx.role is Role.PARTNER:
        client = await ApiClient.get_or_none(id=ctx.principal.id, active=True)
        if client is None or (client_id is not None and client_id != client.client_id):
            raise DomainError(ErrorCode.NOT_FOUND, "no such API client", field="apiClient")
        return client.client_id
    if not client_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "name the API client", field="apiClient")
    return client_id


async def visible_webhook(ctx: Context, webhook_id: str) -> WebhookSubscription:
    """Webhook ``webhook_id`` if the caller may see it (staff: any; a partner: its own), else NOT_FOUND."""
    sub = await WebhookSubscription.get_or_none(id=int(webhook_id)) if str(webhook_id).isdigit() else None
    if sub is None or (ctx.role is Role.PARTNER and sub.api_client_id != ctx.principal.id):
        raise DomainError(ErrorCode.NOT_FOUND, "no such webhook", field="id")
    return sub
