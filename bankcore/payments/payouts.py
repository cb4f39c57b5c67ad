"""Money out: a payment to another bank (NEFT, IMPS) or a UPI address, through the gateway.

1. ``submit_payout`` checks the payee, the limits (settings) and the step-up, then holds
   the amount and records the payout in one transaction (the hold's idempotency key is
   the payout's), so the money cannot be spent twice while it travels;
2. ``dispatch_payout`` sends it to the gateway with ``X-Payout-Idempotency`` = the
   payout's key: retrying after a timeout returns the same gateway payout, never a second;
3. the gateway's word (webhook, or a status check by ``polling``) is applied by
   ``apply_gateway_payout``: ``processed`` posts the hold (Dr member, Cr gateway
   settlement account), ``failed``/``rejected``/``cancelled`` void it, ``reversed`` after
   processing credits the money back. Each happens once, whatever the order and number
   of deliveries.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from bankcore.calendar.business_date import business_date
from bankcore.chart import GATEWAY_SETTLEMENT
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import PaymentUpdated, broker
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.holds import place_hold, void_hold
from bankcore.ledger.posting import post_entry
from bankcore.ledger.sql import placeholders
from bankcore.models import (
    Account,
    AccountHolder,
    EntryType,
    GatewayEvent,
    GatewayEventOutcome,
    HoldStatus,
    Payee,
    PayeeKind,
    Payout,
    PayoutMode,
    PayoutStatus,
    ProductKind,
)
from bankcore.money import Money
from bankcore.payments.gateway import GatewayPayout, PayoutBeneficiary, payment_gateway
from bankcore.payments.settings import (
    PAYOUT_DAILY_LIMIT,
    PAYOUT_HOLD_DAYS,
    PAYOUT_MAX_PER_TRANSACTION,
    PAYOUT_MAX_UPI,
    STATUS_CHECK_OFFSETS_S,
    STEP_UP_ABOVE,
)
from bankcore.services._lookup import get_account, gl_account_id
from bankcore.services.money_movement import _check_key

log = logging.getLogger(__name__)

_PROCESSING = {"queued", "pending", "processing", "scheduled", "initiated"}
_FAILED = {"failed", "rejected", "cancelled"}
_OPEN = (PayoutStatus.HELD, PayoutStatus.PROCESSING, PayoutStatus.REVIEW)


async def payout_needs_step_up(amount_minor: int) -> bool:
    """Whether a payment of ``amount_minor`` needs a step-up code (``payments.step_up_above_minor``)."""
    return amount_minor > await STEP_UP_ABOVE.get()


async def submit_payout(
    *, account_number: str, payee_id: int, amount: Money, mode: PayoutMode, idempotency_key: str, initiator: str,
    narration: str | None = None, step_up_verified: bool = False,
) -> tuple[Payout, bool]:
    """Hold ``amount`` on the account and record a payout to ``payee_id``; returns (payout, replayed).

    The payee must belong to a holder of the account; a UPI payee takes ``UPI``, a bank
    account ``NEFT`` or ``IMPS``. Call ``dispatch_payout`` afterwards (outside any transaction).
    Raises ``DomainError``: ``NOT_FOUND`` (payee), ``INVALID_INPUT`` (mode, key),
    ``WRONG_PURPOSE`` (a loan account), ``LIMIT_EXCEEDED`` (per transaction, UPI or
    daily limit), ``STEP_UP_REQUIRED`` (above the step-up threshold without a verified
    code), ``INSUFFICIENT_FUNDS``, ``ACCOUNT_NOT_ACTIVE``, ``CURRENCY_MISMATCH``,
    ``INVALID_AMOUNT``, ``IDEMPOTENCY_CONFLICT``.
    """
    _check_key(idempotency_key)
    account_ref = await get_account(account_number)
    fingerprint = request_fingerprint({"op": "payout", "account": account_ref.number, "payee": payee_id,
                                       "amount": amount.amount_minor, "currency": amount.currency, "mode": mode.value})
    existing = await Payout.get_or_none(idempotency_key=idempotency_key)
    if existing is not None:
        if existing.request_fingerprint != fingerprint:
            raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used for a different request",
                              field="idempotency_key")
        return existing, True
    account = await Account.get(id=account_ref.id).select_related("product")
    if account.product.kind == ProductKind.LOAN:
        raise DomainError(ErrorCode.WRONG_PURPOSE, "payments leave from a savings or current account", field="account_number")
    holders = await AccountHolder.filter(account_id=account.id).values_list("member_id", flat=True)
    payee = await Payee.get_or_none(id=payee_id, active=True)
    if payee is None or payee.member_id not in holders:
        raise DomainError(ErrorCode.NOT_FOUND, "no such payee", field="payee_id")
    if (payee.kind == PayeeKind.VPA) != (mode is PayoutMode.UPI):
        raise DomainError(ErrorCode.INVALID_INPUT, "UPI addresses are paid by UPI, bank accounts by NEFT or IMPS",
                          field="mode")
    if amount.amount_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount must be greater than zero", field="amount")
    if amount.currency != account_ref.currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"account is in {account_ref.currency}", field="amount")
    await _check_limits(account.id, amount, mode)
    if await payout_needs_step_up(amount.amount_minor) and not step_up_verified:
        raise DomainError(ErrorCode.STEP_UP_REQUIRED, "a payment this large needs a one-time code", field="step_up_code")
    today = await business_date()
    gateway = payment_gateway().config.kind
    now = datetime.now(UTC)
    created: dict[str, Payout] = {}

    async def record(conn: BaseDBAsyncClient, hold_id: int) -> None:
        created["payout"] = await Payout.create(
            account_id=account.id, payee_id=payee.id, amount_minor=amount.amount_minor, currency=amount.currency,
            mode=mode, hold_id=hold_id, gateway=gateway, idempotency_key=idempotency_key, request_fingerprint=fingerprint,
            narration=(narration or "").strip()[:30] or None, initiator=initiator[:100], created_on=today, created_at=now,
            using_db=conn,
        )

    to = payee.vpa or f"{payee.ifsc} {payee.account_number}"
    try:
        hold = await place_hold(
            ledger_account_id=account_ref.ledger_account_id, amount_minor=amount.amount_minor, currency=amount.currency,
            reason=f"{mode.value} to {payee.name} ({to})", initiator=initiator, idempotency_key=f"payout:{idempotency_key}"[:100],
            expires_on=today + timedelta(days=await PAYOUT_HOLD_DAYS.get()), effects=record,
        )
    except IntegrityError:
        hold = None
    if "payout" not in created:  # a concurrent retry with the same key placed it
        payout = await Payout.get(idempotency_key=idempotency_key)
        return payout, True
    assert hold is not None
    broker.publish(PaymentUpdated(ledger_account_id=account_ref.ledger_account_id, kind="payout",
                                  ref_id=created["payout"].id, status="held"))
    return created["payout"], False


async def _check_limits(account_id: int, amount: Money, mode: PayoutMode) -> None:
    cap = await PAYOUT_MAX_PER_TRANSACTION.get()
    if mode is PayoutMode.UPI:
        cap = min(cap, await PAYOUT_MAX_UPI.get())
    if amount.amount_minor > cap:
        raise DomainError(ErrorCode.LIMIT_EXCEEDED, f"at most {Money(cap, amount.currency).to_plain()} per payment",
                          field="amount")
    today = await business_date()
    sent = await Payout.filter(account_id=account_id, created_on=today).exclude(status=PayoutStatus.FAILED).annotate(
        total=Sum("amount_minor")).values_list("total", flat=True)
    daily = await PAYOUT_DAILY_LIMIT.get()
    if int(sent[0] or 0) + amount.amount_minor > daily:
        raise DomainError(ErrorCode.LIMIT_EXCEEDED, f"the daily limit of {Money(daily, amount.currency).to_plain()} "
                          "to other banks would be exceeded", field="amount")


async def first_check_at(sent_at: datetime, checks_done: int) -> datetime | None:
    """When the next status check is due (NPCI: first at 90 s, at most 3 within ~2 h), None after the last."""
    offsets = [int(x) for x in await STATUS_CHECK_OFFSETS_S.get()]
    return sent_at + timedelta(seconds=offsets[checks_done]) if checks_done < len(offsets) else None


async def dispatch_payout(payout_id: int, *, now: datetime | None = None) -> Payout:
    """Send payout ``payout_id`` to the gateway (again, after a timeout: same idempotency key).

    A gateway that does not answer leaves it HELD, to be sent again by the status checker.
    A gateway that refuses it (4xx) voids the hold: the payout failed.
    """
    now = now or datetime.now(UTC)
    payout = await Payout.get(id=payout_id).select_related("payee")
    if payout.status != PayoutStatus.HELD:
        return payout
    payee = payout.payee
    try:
        result = await payment_gateway().create_payout(
            idempotency_key=payout.idempotency_key, amount_minor=payout.amount_minor, currency=payout.currency,
            mode=payout.mode, reference_id=f"coopbank-{payout.id}", narration=payout.narration,
            beneficiary=PayoutBeneficiary(name=payee.name, ifsc=payee.ifsc, account_number=payee.account_number, vpa=payee.vpa),
        )
    except DomainError as exc:
        if exc.code is ErrorCode.GATEWAY_REFUSED:
            await _fail(payout, f"refused by the gateway: {exc.message}")
        else:
            await Payout.filter(id=payout.id).update(next_check_at=await first_check_at(now, 0))
        return await Payout.get(id=payout_id)
    await Payout.filter(id=payout.id, gateway_payout_id__isnull=True).update(
        gateway_payout_id=result.id, next_check_at=await first_check_at(now, 0))
    await apply_gateway_payout(result)
    return await Payout.get(id=payout_id)


async def apply_gateway_payout(result: GatewayPayout, *, event_id: str | None = None,
                               event_type: str = "status") -> tuple[GatewayEventOutcome, str | None]:
    """Apply the gateway's status of one payout (from a webhook, the create answer or a status check), once."""
    payout = await Payout.get_or_none(gateway_payout_id=result.id)
    if payout is None and (result.reference_id or "").startswith("coopbank-") and result.reference_id[9:].isdigit():
        # The webhook outran our record of the gateway's id (it comes right after the create answer).
        await Payout.filter(id=int(result.reference_id[9:]), gateway_payout_id__isnull=True).update(gateway_payout_id=result.id)
        payout = await Payout.get_or_none(gateway_payout_id=result.id)
    if payout is None:
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.REFUSED, "unknown payout")
    if result.amount_minor != payout.amount_minor:
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.REFUSED, "amount differs from the payout")
    status = result.status
    if status == "processed":
        return await _settle(payout, result, event_id, event_type)
    if status in _FAILED or (status == "reversed" and payout.status != PayoutStatus.PROCESSED):
        return await _fail(payout, result.failure_reason or f"the gateway says {status}", event_id, event_type, status)
    if status == "reversed":
        return await _return(payout, result, event_id, event_type)
    if status in _PROCESSING and payout.status == PayoutStatus.HELD:
        await Payout.filter(id=payout.id, status=PayoutStatus.HELD).update(status=PayoutStatus.PROCESSING,
                                                                             gateway_status=status)
        await _publish(payout, PayoutStatus.PROCESSING)
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.APPLIED, status)
    return await _note(event_id, event_type, result.id, GatewayEventOutcome.IGNORED, f"{status} after {payout.status}")


async def _settle(payout: Payout, result: GatewayPayout, event_id: str | None,
                  event_type: str) -> tuple[GatewayEventOutcome, str | None]:
    if payout.status not in _OPEN:
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.IGNORED, f"processed after {payout.status}")
    account = await Account.get(id=payout.account_id).select_related("ledger_account")
    gateway_gl = await gl_account_id(GATEWAY_SETTLEMENT, payout.currency)
    now = datetime.now(UTC)

    async def effects(conn: BaseDBAsyncClient, entry_id: int) -> None:
        m = placeholders(conn, 6)
        await conn.execute_query(
            f"UPDATE payout SET status = 'processed', entry_id = {m[0]}, utr = {m[1]}, gateway_status = {m[2]}, "
            f"resolved_at = {m[3]}, next_check_at = NULL WHERE id = {m[4]} AND status <> {m[5]}",
            [entry_id, (result.utr or "")[:40] or None, "processed", now, payout.id, "processed"],
        )
        if event_id:
            await GatewayEvent.create(event_id=event_id, event_type=event_type[:40], entity_id=result.id,
                                      outcome=GatewayEventOutcome.APPLIED, detail=f"posted entry {entry_id}",
                                      received_at=now, using_db=conn)

    draft = EntryDraft(
        entry_type=EntryType.OUTWARD_TRANSFER, value_date=None,
        narration=f"{payout.mode} payout {result.id}" + (f" UTR {result.utr}" if result.utr else ""),
        initiator=payout.initiator,
        postings=(debit(account.ledger_account_id, payout.amount_minor, payout.currency),
                  credit(gateway_gl, payout.amount_minor, payout.currency)),
        idempotency_key=f"gw:pout:{payout.id}:post",
        request_fingerprint=request_fingerprint({"op": "payout_post", "payout": payout.id, "amount": payout.amount_minor}),
        posts_hold_id=payout.hold_id,
    )
    try:
        posted = await post_entry(draft, effects=effects)
    except DomainError as exc:
        if exc.code is not ErrorCode.HOLD_NOT_PENDING:
            raise
        # Processed after the hold expired or was voided: the money left; the settlement
        # report will show it and reconciliation parks it in suspense for staff.
        await Payout.filter(id=payout.id).update(status=PayoutStatus.REVIEW, gateway_status="processed",
                                                 failure_reason="processed after its hold ended: see reconciliation")
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.REFUSED, "hold already released")
    if posted.replayed:
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.IGNORED, "already posted")
    await _publish(payout, PayoutStatus.PROCESSED)
    return GatewayEventOutcome.APPLIED, f"posted entry {posted.entry_id}"


async def _fail(payout: Payout, reason: str, event_id: str | None = None, event_type: str = "status",
                status: str = "failed") -> tuple[GatewayEventOutcome, str | None]:
    now = datetime.now(UTC)

    async def effects(conn: BaseDBAsyncClient) -> None:
        await Payout.filter(id=payout.id).using_db(conn).update(
            status=PayoutStatus.FAILED, failure_reason=reason[:255], gateway_status=status, resolved_at=now,
            next_check_at=None)
        if event_id:
            await GatewayEvent.create(event_id=event_id, event_type=event_type[:40], entity_id=payout.gateway_payout_id,
                                      outcome=GatewayEventOutcome.APPLIED, detail="hold voided", received_at=now,
                                      using_db=conn)

    if payout.status not in _OPEN or await void_hold(hold_id=payout.hold_id, status=HoldStatus.VOIDED,
                                                     effects=effects) is None:
        return await _note(event_id, event_type, payout.gateway_payout_id, GatewayEventOutcome.IGNORED,
                           f"{status} after {payout.status}")
    await _publish(payout, PayoutStatus.FAILED)
    return GatewayEventOutcome.APPLIED, "hold voided"


async def _return(payout: Payout, result: GatewayPayout, event_id: str | None,
                  event_type: str) -> tuple[GatewayEventOutcome, str | None]:
    """Processed, then returned by the beneficiary's bank: credit the member back, once."""
    account = await Account.get(id=payout.account_id)
    gateway_gl = await gl_account_id(GATEWAY_SETTLEMENT, payout.currency)
    now = datetime.now(UTC)

    async def effects(conn: BaseDBAsyncClient, entry_id: int) -> None:
        await Payout.filter(id=payout.id).using_db(conn).update(status=PayoutStatus.REVERSED, return_entry_id=entry_id,
                                                                gateway_status="reversed", resolved_at=now)

    posted = await post_entry(EntryDraft(
        entry_type=EntryType.INWARD_TRANSFER, value_date=None, narration=f"Returned: {payout.mode} payout {result.id}",
        initiator=f"gateway:{payout.gateway}",
        postings=(debit(gateway_gl, payout.amount_minor, payout.currency),
                  credit(account.ledger_account_id, payout.amount_minor, payout.currency)),
        idempotency_key=f"gw:pout:{payout.id}:return",
        request_fingerprint=request_fingerprint({"op": "payout_return", "payout": payout.id}),
    ), effects=effects)
    if posted.replayed:
        return await _note(event_id, event_type, result.id, GatewayEventOutcome.IGNORED, "already returned")
    await _note(event_id, event_type, result.id, GatewayEventOutcome.APPLIED, f"returned in entry {posted.entry_id}")
    await _publish(payout, PayoutStatus.REVERSED)
    return GatewayEventOutcome.APPLIED, f"returned in entry {posted.entry_id}"


async def _note(event_id: str | None, event_type: str, entity_id: str | None, outcome: GatewayEventOutcome,
                detail: str | None) -> tuple[GatewayEventOutcome, str | None]:
    if event_id:
        try:
            await GatewayEvent.create(event_id=event_id, event_type=event_type[:40], entity_id=entity_id and entity_id[:40],
                                      outcome=outcome, detail=detail and detail[:255], received_at=datetime.now(UTC))
        except IntegrityError:
            return GatewayEventOutcome.IGNORED, "duplicate"
    return outcome, detail


async def _publish(payout: Payout, status: PayoutStatus) -> None:
    account = await Account.get(id=payout.account_id)
    broker.publish(PaymentUpdated(ledger_account_id=account.ledger_account_id, kind="payout", ref_id=payout.id,
                                  status=status.value))
