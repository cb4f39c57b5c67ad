"""WebSocket connections that live and die with their session (``graphql-transport-ws``).

A socket is authenticated once, in ``connection_init``; after that the session behind it
may end in many ways, and the socket must end with it, on this instance and every other:

* **Every operation re-checks the session.** A ``subscribe`` message (a subscription, or a
  query or mutation sent over the socket) first re-authenticates the connection's token
  against the database (no cache) and counts as activity; a dead session closes the socket
  instead of running the operation.
* **A watchdog per connection** listens for ``SessionRevoked`` on the broker topic
  ``session:<id>`` (sign-out, an admin's revocation, deactivation or role change through
  ``bankcore.identity.sessions.revoke_sessions_of``; other instances' revocations arrive
  through the PostgreSQL NOTIFY relay) and sleeps until the moment the session would
  end by itself (idle or absolute expiry, a partner token's 15 minutes), then re-checks;
  at the latest every ``RECHECK_S`` it re-reads the session and the staff user or API
  client too, in case one was changed without the hook. Watching never counts as
  activity, so an open socket cannot keep an idle session alive.

Close codes: **4401** when the session ended by its own rules (signed out, idle, expired:
sign in again); **4403** when it was ended by someone else or no longer stands for the
same principal (revoked by an admin, refresh-token reuse, deactivated, role changed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage, SubscribeMessage

from bankcore.events import SessionRevoked, broker
from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import SIGN_OUT_REASON, Principal, authenticate, check_session
from graphql_api.context import Context

log = logging.getLogger(__name__)

RECHECK_S = 30.0
# On a revocation, how long running operations get to send their own `complete` first.
OPERATIONS_GRACE_S = 0.3
UNAUTHORIZED = 4401
FORBIDDEN = 4403
# Ways a session ends by its own rules; every other end is someone else's doing.
_OWN_ENDS = frozenset({"signed-out", "expired", "idle"})


def close_code(ended: str) -> int:
    """4401 for a session that ended by its own rules (sign in again), 4403 for one ended by someone else."""
    return UNAUTHORIZED if ended in _OWN_ENDS else FORBIDDEN


def _same_principal(a: Any, b: Any) -> bool:
    return (a.kind, a.id, a.role, a.member_id, frozenset(a.scopes or ())) == (b.kind, b.id, b.role, b.member_id, frozenset(b.scopes or ()))


class SessionBoundHandler(BaseGraphQLTransportWSHandler):
    """Strawberry's ``graphql-transport-ws`` handler, bound to the connection's session (see the module)."""

    watchdog: asyncio.Task[None] | None = None
    closing = False

    @property
    def _principal(self) -> Principal | None:
        return self.context.principal if isinstance(self.context, Context) else None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        principal = self._principal
        if self.connection_acknowledged and self.watchdog is None and principal is not None and principal.session_id:
            self.watchdog = asyncio.create_task(self._watch(principal.session_id), name="ws-session-watchdog")
            self.watchdog.add_done_callback(self._task_done)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not await self._recheck():
            return
        await super().handle_subscribe(message)

    async def _recheck(self) -> bool:
        """Re-authenticate before an operation; False (and the socket closing) when the session is over."""
        before = self._principal
        if before is None or self.closing:
            return False
        current = await authenticate(self.context.access_token)
        if current is None:
            ended = (await check_session(before.session_id)).ended or "revoked"
            await self._close(close_code(ended), ended)
            return False
        if not _same_principal(current, before):
            await self._close(FORBIDDEN, "role changed")
            return False
        self.context.principal = current
        self.context._visible_account_ids = None  # holdings may have changed since the last operation
        return True

    async def _watch(self, session_id: int) -> None:
        try:
            async with broker.subscribe(f"session:{session_id}") as queue:
                while True:
                    check = await check_session(session_id)
                    if check.principal is None:
                        await self._close(close_code(check.ended or "revoked"), check.ended or "revoked")
                        return
                    before = self._principal
                    if before is not None and not _same_principal(check.principal, before):
                        await self._close(FORBIDDEN, "role changed")
                        return
                    wait_s = RECHECK_S
                    if check.ends_at is not None:
                        wait_s = min(wait_s, max((check.ends_at - utcnow()).total_seconds(), 0.0) + 0.05)
                    try:
                        event = await asyncio.wait_for(queue.get(), wait_s)
                    except TimeoutError:
                        continue
                    if isinstance(event, SessionRevoked):
                        ended = "signed-out" if event.reason == SIGN_OUT_REASON else "revoked"
                        await self._let_operations_finish()
                        await self._close(close_code(ended), ended)
                        return
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a watchdog that cannot check must not leave the socket open
            log.exception("session watchdog failed; closing the connection")
            await self._close(FORBIDDEN, "session could not be checked")

    async def _let_operations_finish(self) -> None:
        """Subscriptions end on the same event and send their ``complete``: let them, briefly, before closing."""
        tasks = [op.task for op in self.operations.values() if op.task is not None and not op.task.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=OPERATIONS_GRACE_S)

    async def _close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        log.info("closing a WebSocket: session %s (%s)", reason, code)
        with contextlib.suppress(Exception):
            await self.websocket.close(code=code, reason=f"session {reason}")

    async def shutdown(self) -> None:
        if self.watchdog is not None and self.watchdog is not asyncio.current_task():
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.watchdog
        await super().shutdown()
