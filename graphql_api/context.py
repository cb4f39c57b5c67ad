"""The request context: who is asking, and per-request caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Role(StrEnum):
    """Who a request acts as. Staff roles come from the staff user; the rest from the principal kind."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"
    PARTNER = "partner"
    ADMIN = "admin"
    MANAGER = "manager"
    ACCOUNTANT = "accountant"
    CLERK = "clerk"
    CASHIER = "cashier"
    AUDITOR = "auditor"


# The long-lived cookie in which the web app keeps a random id for the browser (known devices).
DEVICE_COOKIE = "coopbank_device"

STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNTANT, Role.CLERK, Role.CASHIER, Role.AUDITOR})


class PrincipalLike(Protocol):
    """What the API needs of an authenticated principal (``bankcore.identity.Principal``)."""

    kind: str  # "staff" | "member" | "partner"
    id: int
    role: str | None
    member_id: int | None
    scopes: frozenset[str] | tuple[str, ...]
    session_id: int | None


@dataclass
class Context:
    """``info.context`` of every operation, over HTTP, WebSocket or in-process."""

    principal: PrincipalLike | None = None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    access_token: str | None = None
    # The client's IP address when the request did not come through /graphql itself (the web
    # app's in-process calls pass the address of the browser behind the page).
    client_address: str | None = None
    # The browser's User-Agent when the request did not come through /graphql itself.
    user_agent: str | None = None
    # The id the client keeps for its device (the web app's device cookie) when the request
    # did not come through /graphql itself: with the User-Agent it tells known devices apart.
    device_id: str | None = None
    # Account ids the principal may see, computed once per request for members and partners.
    _visible_account_ids: set[int] | None = field(default=None, repr=False)
    _loaders: Any = field(default=None, repr=False)

    @property
    def loaders(self) -> Any:
        """This request's dataloaders (``graphql_api.dataloaders.Loaders``), made on first use."""
        if self._loaders is None:
            from graphql_api.dataloaders import Loaders

            self._loaders = Loaders()
        return self._loaders

    @property
    def role(self) -> Role:
        p = self.principal
        if p is None:
            return Role.ANONYMOUS
        if p.kind == "member":
            return Role.MEMBER
        if p.kind == "partner":
            return Role.PARTNER
        return Role(p.role)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.principal.scopes) if self.principal is not None and self.principal.scopes else frozenset()

    @property
    def client(self) -> str:
        """The client's IP address (behind a trusted proxy, the one it forwarded), or ``in-process``."""
        if self.client_address:
            return self.client_address
        peer = getattr(self.request, "client", None)
        return peer.host if peer is not None and peer.host else "in-process"

    @property
    def device(self) -> str | None:
        """The client's User-Agent (what signed in, shown in the holder's list of sessions)."""
        if self.user_agent:
            return self.user_agent
        headers = getattr(self.request, "headers", None)
        return headers.get("user-agent") if headers is not None else None

    @property
    def device_key(self) -> str | None:
        """The client's own device id: given in-process, else the ``X-Device-Id`` header or the
        ``coopbank_device`` cookie of the HTTP request (None when there is none)."""
        if self.device_id:
            return self.device_id
        headers = getattr(self.request, "headers", None)
        if headers is not None and headers.get("x-device-id"):
            return headers.get("x-device-id")
        cookies = getattr(self.request, "cookies", None)
        return cookies.get(DEVICE_COOKIE) if cookies else None

    @property
    def actor(self) -> str:
        """How the ledger and audit log name the principal: ``staff:12``, ``member:7``, ``partner:3``."""
        p = self.principal
        return "anonymous" if p is None else f"{p.kind}:{p.id}"
