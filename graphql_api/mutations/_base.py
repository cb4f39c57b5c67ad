"""What every mutation shares: turning refusals into userErrors and naming the actor."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bankcore.errors import DomainError
from graphql_api.context import Context
from graphql_api.errors import UserError, api_error, user_error

log = logging.getLogger(__name__)
P = TypeVar("P")


async def run(payload: type[P], action: Callable[[], Awaitable[P]]) -> P:
    """Run ``action``; a ``DomainError`` becomes ``payload(user_errors=[...])`` with nothing written.

    (Every service owns its transaction, so a refusal has rolled back before it gets here.)
    """
    try:
        return await action()
    except DomainError as exc:
        return payload(user_errors=[user_error(exc)])  # type: ignore[call-arg]


def not_found(field: str, what: str) -> list[UserError]:
    """The one answer for unknown and forbidden objects alike (no IDOR oracle)."""
    return [api_error("NOT_FOUND", f"no such {what}", field)]


def actor(info_context: Context) -> str:
    return info_context.actor
