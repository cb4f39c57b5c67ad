"""Webhook payloads as GraphQL subscription documents (Saleor's pattern).

A partner subscribes with a document such as::

    subscription {
      event {
        __typename
        ... on EntryPosted { eventId issuedAt entry { entryId entryType valueDate narration } }
        ... on BalanceChanged { balances { accountNumber balance { amount currency } } }
      }
    }

The event types are read from the document's inline fragments on ``event``; each
delivery's payload is that document executed for the event, as the partner (its scopes
and the member it acts for), so a webhook never shows more than the partner's queries
could. ``render_payload`` is registered with ``bankcore.webhooks.delivery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, OperationType, parse, validate
from graphql.error import GraphQLSyntaxError

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import ApiClient, OutboxEvent, WebhookSubscription
from bankcore.webhooks.delivery import set_payload_renderer
from bankcore.webhooks.events import EVENT_TYPES
from graphql_api.context import Context
from graphql_api.notifications.types import TYPE_NAME_TOPIC, event_object

MAX_DOCUMENT = 5000


def event_types_of(document: str) -> list[str]:
    """The event types (outbox topics) a subscription document selects, validated against the schema.

    Raises ``DomainError(INVALID_INPUT, field="query")`` for a document that does not parse
    or validate, is not one subscription selecting only ``event``, or names no event type.
    """
    from graphql_api.schema import schema

    if not document or len(document) > MAX_DOCUMENT:
        raise DomainError(ErrorCode.INVALID_INPUT, f"the document must have 1 to {MAX_DOCUMENT} characters", field="query")
    try:
        ast = parse(document)
    except GraphQLSyntaxError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, f"the document does not parse: {exc.message}", field="query") from None
    errors = validate(schema._schema, ast)
    if errors:
        raise DomainError(ErrorCode.INVALID_INPUT, f"the document is not valid: {errors[0].message}", field="query")
    operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.SUBSCRIPTION or len(ast.definitions) != 1:
        raise DomainError(ErrorCode.INVALID_INPUT, "the document must be one subscription operation (no fragments)",
                          field="query")
    selections = operations[0].selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode) or selections[0].name.value != "event":
        raise DomainError(ErrorCode.INVALID_INPUT, "the subscription must select `event` and nothing else", field="query")
    types = set()
    for node in selections[0].selection_set.selections if selections[0].selection_set else ():
        if isinstance(node, InlineFragmentNode) and node.type_condition is not None:
            topic = TYPE_NAME_TOPIC.get(node.type_condition.name.value)
            if topic is not None:
                types.add(topic)
    if not types:
        raise DomainError(ErrorCode.INVALID_INPUT,
                          "the document names no event: use `... on EntryPosted { ... }` (or another event type)",
                          field="query")
    return sorted(types)


@dataclass(frozen=True)
class _PartnerPrincipal:
    kind: str
    id: int
    role: str | None
    member_id: int | None
    scopes: frozenset[str]
    session_id: int | None = None


class WebhookContext(Context):
    """The context a webhook document runs in: the partner's principal, the one event."""

    def __init__(self, *, principal: _PartnerPrincipal, subscription_id: int, event: Any) -> None:
        super().__init__(principal=principal, client_address="webhook")
        self.webhook_event = event
        self.subscription_id = subscription_id

    @property
    def actor(self) -> str:  # its own query budget, not the partner's interactive one
        return f"webhook:{self.subscription_id}"


async def render_payload(subscription: WebhookSubscription, event_type: str, event: OutboxEvent) -> dict[str, Any]:
    """Execute the subscription's document for ``event`` as its partner; the payload sent.

    ``{"type": "ENTRY_POSTED", "eventId": "12", "issuedAt": "...", "data": {"event": {...}}}``,
    with ``"errors": [codes]`` when part of the document was refused.
    """
    from graphql_api.schema import schema

    client = await ApiClient.get(id=subscription.api_client_id)
    principal = _PartnerPrincipal(kind="partner", id=client.id, role=None, member_id=client.member_id,
                                  scopes=frozenset(client.scopes.split()))
    context = WebhookContext(principal=principal, subscription_id=subscription.id, event=event_object(event_type, event))
    stream = await schema.subscribe(subscription.query, context_value=context)
    document: dict[str, Any] = {"type": EVENT_TYPES.get(event_type, event_type), "eventId": str(event.id),
                                "issuedAt": event.created_at.isoformat()}
    if hasattr(stream, "__aiter__"):
        try:
            async for result in stream:
                document["data"] = result.data
                if result.errors:
                    document["errors"] = [(e.extensions or {}).get("code", "ERROR") for e in result.errors]
                break
        finally:
            await stream.aclose()
    else:  # an immediate result: the document was refused before it ran
        document["data"] = None
        document["errors"] = [(e.extensions or {}).get("code", "ERROR") for e in (stream.errors or [])]
    return document


set_payload_renderer(render_payload)
