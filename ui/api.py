"""The UI's only way into the bank: named GraphQL operations run in-process on the schema.

Every call builds a ``Context`` from the signed-in user's session token, exactly as
/graphql does for a bearer token, so the API's policy and scoping apply to the UI too.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql_api.auth_cache import principal_for
from graphql_api.context import Context, Role
from graphql_api.policy import allowed
from graphql_api.schema import schema


class SignedOut(Exception):
    """The session is gone (signed out, idle, expired or revoked): go to sign-in."""


class ApiError(Exception):
    """The API answered with errors (refused, or failed)."""

    def __init__(self, codes: list[str], messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.codes = codes
        self.messages = messages

    @property
    def forbidden(self) -> bool:
        return "FORBIDDEN" in self.codes

    def for_person(self) -> str:
        if self.forbidden:
            return "Your role may not do this."
        if "NOT_FOUND" in self.codes:
            return "Not found, or not yours to see."
        return self.messages[0] if self.messages else "Something went wrong; try again."


@dataclass
class Api:
    """One signed-in user's (or an anonymous visitor's) handle on the schema."""

    token: str | None = None
    # The browser's address (the page request's client, as uvicorn resolved it behind trusted
    # proxies): sign-in attempts are rate limited per address, not for the whole web app at once.
    client_address: str | None = None
    # The browser's User-Agent: shown in the list of sessions ("Firefox on Android").
    user_agent: str | None = None
    # The browser's device id (the ``coopbank_device`` cookie): sign-in tells known devices by it.
    device_id: str | None = None
    role: Role = Role.ANONYMOUS
    kind: str | None = None
    principal_id: int | None = None
    # Staff after an admin's password reset: every page but /security says so.
    must_change_password: bool = False
    # When this user last asked for something (not counting live updates): for idle expiry.
    last_activity: float = field(default_factory=time.monotonic)

    @classmethod
    async def for_token(cls, token: str | None, client_address: str | None = None,
                        user_agent: str | None = None) -> Api | None:
        """The API handle for a session token, or None when the token is not a live session."""
        principal = await principal_for(token)
        if principal is None:
            return None
        ctx = Context(principal=principal)
        return cls(token=token, client_address=client_address, user_agent=user_agent, role=ctx.role, kind=principal.kind,
                   principal_id=principal.id, must_change_password=bool(getattr(principal, "must_change_password", False)))

    async def _context(self) -> Context:
        if self.token is None:
            return Context(client_address=self.client_address, user_agent=self.user_agent, device_id=self.device_id)
        principal = await principal_for(self.token)
        if principal is None:
            raise SignedOut()
        return Context(principal=principal, access_token=self.token, client_address=self.client_address,
                       user_agent=self.user_agent)

    def may(self, field_name: str) -> bool:
        """Whether the policy lets this user's role call root field ``field_name`` (to hide what it cannot)."""
        return allowed(Context(principal=_RoleOnly(self.kind or "", self.role)), field_name) if self.token else False

    async def run(self, document: str, **variables: Any) -> dict[str, Any]:
        """Execute ``document``; returns ``data``. Raises ``SignedOut`` or ``ApiError``."""
        self.last_activity = time.monotonic()
        context = await self._context()
        result = await schema.execute(document, variable_values=variables or None, context_value=context)
        if result.errors:
            codes = [(e.extensions or {}).get("code", "ERROR") for e in result.errors]
            if self.token is not None and await principal_for(self.token) is None:
                raise SignedOut()
            raise ApiError(codes, [e.message for e in result.errors])
        return result.data or {}

    async def subscribe(self, document: str, **variables: Any) -> AsyncIterator[dict[str, Any]]:
        """Yield ``data`` of each event of subscription ``document``; ends when the session ends."""
        context = await self._context()
        stream = await schema.subscribe(document, variable_values=variables or None, context_value=context)
        if not hasattr(stream, "__aiter__"):  # refused before it started
            errors = getattr(stream, "errors", None) or []
            raise ApiError([(e.extensions or {}).get("code", "ERROR") for e in errors], [e.message for e in errors])
        async for result in stream:
            if result.errors:
                raise ApiError([(e.extensions or {}).get("code", "ERROR") for e in result.errors],
                               [e.message for e in result.errors])
            yield result.data or {}


@dataclass(frozen=True)
class _RoleOnly:
    """Enough of a principal for the policy table to answer "may this role ...?"."""

    kind: str
    role_name: Role
    id: int = 0
    member_id: int | None = None
    scopes: frozenset[str] = frozenset()
    session_id: int | None = None

    @property
    def role(self) -> str | None:
        return self.role_name.value if self.kind == "staff" else None


def user_errors(payload: dict[str, Any] | None) -> list[str]:
    """Messages of a payload's ``userErrors``, for showing to the person."""
    return [e["message"] for e in (payload or {}).get("userErrors") or []]
