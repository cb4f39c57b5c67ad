"""Background work: draining the outboxes (notifications, partners' webhooks) with procrastinate.

The outbox tables are the source of truth: every message and webhook is a row written
in the transaction that caused it, and a row is done only when the database says so.
``run_once`` does one pass of the work (fan out new events and notifications, send what
is due, seal the audit chain's new rows: ``bankcore.audit.seal_audit_chain``); it is safe
to run in several processes at once (rows are claimed with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; one sealer at a time, the others skip).

Who runs ``run_once`` is procrastinate, the task queue the developers' guide names:

- **PostgreSQL**: a ``PsycopgConnector`` on the bank's database (procrastinate's tables
  are created on first start). A periodic job ``drain_outbox`` is deferred once a minute
  cluster-wide (procrastinate deduplicates periodic jobs across workers) and drains for
  most of that minute, polling every second; procrastinate retries it if it fails, and
  any number of instances may run workers (``coopbank worker``, or in-process in
  ``coopbank serve``).
- **SQLite** (the single-process default): procrastinate cannot store its jobs in SQLite
  (it is PostgreSQL-only), so the same app runs on its ``InMemoryConnector`` inside the
  web process: the same task and schedule, with jobs in memory. Nothing is lost by that:
  a job only says "drain now", and the outbox rows survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import procrastinate
from procrastinate.testing import InMemoryConnector

log = logging.getLogger(__name__)

DRAIN_SECONDS = 55.0  # each minute's job drains this long, polling every POLL_S
POLL_S = 1.0
QUEUE = "outbox"
STALLED_WORKER_S = 30.0  # procrastinate's default stalled_worker_timeout
SHUTDOWN_GRACE_S = 5.0  # on shutdown a running drain is aborted after this, not left to run its 55 s


@dataclass(frozen=True, slots=True)
class Pass:
    """What one ``run_once`` did: events fanned out, notifications fanned out, messages sent, webhooks
    delivered, audit rows sealed into the hash chain."""

    events: int
    notifications: int
    messages_sent: int
    webhooks_delivered: int
    audit_sealed: int = 0

    @property
    def busy(self) -> bool:
        return any((self.events, self.notifications, self.messages_sent, self.webhooks_delivered, self.audit_sealed))


async def run_once() -> Pass:
    """One pass over the outboxes: events → alerts and webhook deliveries, notifications →
    channel deliveries, then send the due messages and webhooks, then seal new audit rows
    (skipped if another process is sealing right now)."""
    from bankcore.audit import seal_audit_chain
    from bankcore.notifications.dispatch import dispatch_events, fan_out_notifications
    from bankcore.notifications.live import publish_inbox_changes
    from bankcore.notifications.sender import send_due_notifications
    from bankcore.webhooks.delivery import send_due_webhooks

    events = await dispatch_events()
    notifications, members, staff = await _fan_out_and_collect(fan_out_notifications)
    publish_inbox_changes(members=members, staff=staff)
    sent = await send_due_notifications()
    delivered = await send_due_webhooks()
    sealed = await seal_audit_chain(wait=False)
    return Pass(events=events, notifications=notifications, messages_sent=sent, webhooks_delivered=delivered,
                audit_sealed=sealed)


async def _fan_out_and_collect(fan_out) -> tuple[int, set[int], set[int]]:
    from bankcore.models import Notification

    # Who has new inbox items: read before the fan-out marks them dispatched.
    fresh = await Notification.filter(dispatched_at__isnull=True).limit(500).values_list("member_id", "staff_id")
    count = await fan_out()
    return count, {m for m, _ in fresh if m is not None}, {s for _, s in fresh if s is not None}


async def drain(*, seconds: float = DRAIN_SECONDS, poll_s: float = POLL_S) -> int:
    """Run ``run_once`` for ``seconds``: straight away while there is work, else every ``poll_s``; returns passes."""
    deadline = time.monotonic() + seconds
    passes = 0
    while True:
        try:
            result = await run_once()
        except Exception:
            log.exception("outbox pass failed; trying again")
            result = Pass(0, 0, 0, 0)
        passes += 1
        if time.monotonic() >= deadline:
            return passes
        if not result.busy:
            await asyncio.sleep(poll_s)


def make_app(database_url: str) -> procrastinate.App:
    """The procrastinate app for ``database_url``: PostgreSQL jobs, or in memory for SQLite."""
    if database_url.startswith(("postgres://", "postgresql://")):
        connector = procrastinate.PsycopgConnector(
            conninfo=database_url.split("?")[0].replace("postgres://", "postgresql://", 1)
        )
    else:
        connector = InMemoryConnector()
    app = procrastinate.App(connector=connector)

    @app.periodic(cron="* * * * *", periodic_id="drain")
    @app.task(name="coopbank.drain_outbox", queue=QUEUE, pass_context=False, lock="coopbank-drain",
              retry=procrastinate.RetryStrategy(max_attempts=3, wait=5))
    async def drain_outbox(timestamp: int) -> None:
        await drain()

    @app.periodic(cron="* * * * *", periodic_id="stalled")
    @app.task(name="coopbank.retry_stalled_jobs", queue=QUEUE, queueing_lock="coopbank-stalled", pass_context=False)
    async def retry_stalled_jobs(timestamp: int) -> None:
        await recover_stalled_jobs(app)

    @app.task(name="coopbank.drain_once", queue=QUEUE, lock="coopbank-drain")
    async def drain_once() -> None:
        """Drain now, once (deferred by hand or by tests)."""
        while (await run_once()).busy:
            pass

    return app


async def ensure_schema(app: procrastinate.App) -> None:
    """Create procrastinate's tables in the bank's PostgreSQL database if they are missing."""
    if isinstance(app.connector, InMemoryConnector):
        return
    row = await app.connector.execute_query_one_async("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present")
    if not row["present"]:
        await app.schema_manager.apply_schema_async()
        log.info("created procrastinate's tables")


async def recover_stalled_jobs(app: procrastinate.App) -> int:
    """Put back to ``todo`` the jobs left ``doing`` by a worker that died (``kill -9``, a lost
    host, a loop torn down mid-job); returns how many.

    Why it matters here: the drain holds the lock ``coopbank-drain`` while ``doing``, so one
    orphaned drain job would stop every later drain, and with it every SMS and webhook, for
    good. A worker counts as dead when its heartbeat is older than procrastinate's 30 s
    (its ``stalled_worker_timeout``); this is the recipe procrastinate's documentation gives.
    """
    if isinstance(app.connector, InMemoryConnector):
        return 0  # jobs die with the process that holds them
    await app.job_manager.prune_stalled_workers(STALLED_WORKER_S)
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_WORKER_S))
    for job in stalled:
        await app.job_manager.retry_job(job)
        log.warning("job %s (%s) was left running by a dead worker: queued again", job.id, job.task_name)
    return len(stalled)


async def run_worker(database_url: str, *, wait: bool = True, concurrency: int = 2) -> None:
    """Run the background worker until cancelled (``wait``) or until its queue is empty."""
    app = make_app(database_url)
    async with app.open_async():
        await ensure_schema(app)
        await recover_stalled_jobs(app)
        if not wait:
            await app.tasks["coopbank.drain_once"].defer_async()
        else:  # start draining now rather than at the next minute's periodic job
            await app.tasks["coopbank.drain_outbox"].defer_async(timestamp=0)
        await app.run_worker_async(queues=[QUEUE], wait=wait, concurrency=concurrency, delete_jobs="successful",
                                   install_signal_handlers=False, name="coopbank-outbox",
                                   shutdown_graceful_timeout=SHUTDOWN_GRACE_S)
