"""The gateway's daily settlement report, reconciled against the bank's books.

The report has Razorpay's settlement-recon columns (``RECON_COLUMNS``: one row per
settled payment, refund, payout, adjustment; ``amount`` gross, ``fee`` and ``tax`` the
gateway's charges, all in paise). Each row is matched by its id against what the bank
booked: a payment against the order it credited, a payout against the payout it posted.

* matched rows: the charges (fee + tax) of the day are booked once, Dr gateway charges,
  Cr gateway settlement account;
* a row the bank cannot match (an unknown id, an amount that differs, a refund or an
  adjustment the bank never booked) goes to suspense: the difference between what the
  gateway says and what the bank booked is posted between the gateway settlement
  account and the suspense account, and a ``SuspenseItem`` records it for the
  accountant (ageing in ``suspense.py``).

Reconciling a date twice does nothing the second time (one run per gateway and date).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError

from bankcore.calendar.business_date import business_date
from bankcore.chart import GATEWAY_CHARGES, GATEWAY_SETTLEMENT, SUSPENSE
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.models import EntryType, PaymentOrder, PaymentOrderStatus, Payout, PayoutStatus, SettlementRun, SuspenseItem
from bankcore.services._lookup import gl_account_id

RECON_COLUMNS = (
    "entity_id", "type", "debit", "credit", "amount", "currency", "fee", "tax", "on_hold", "settled", "created_at",
    "settled_at", "settlement_id", "posted_at", "credit_type", "description", "notes", "payment_id", "settlement_utr",
    "order_id", "order_receipt", "method", "card_network", "card_issuer", "card_type", "dispute_id",
)
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class SettlementLine:
    """One row of the report: amounts in minor units."""

    entity_id: str
    type: str
    amount_minor: int
    fee_minor: int
    tax_minor: int
    currency: str
    order_id: str | None = None


def parse_settlement_csv(text: str) -> list[SettlementLine]:
    """Rows of a settlement report in Razorpay's recon CSV shape.

    Raises ``DomainError(INVALID_INPUT)`` naming the row for a missing column or a
    non-integer amount (amounts are paise, never decimals).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"entity_id", "type", "amount", "currency", "fee", "tax"} - set(reader.fieldnames or ())
    if missing:
        raise DomainError(ErrorCode.INVALID_INPUT, f"settlement report lacks columns: {', '.join(sorted(missing))}",
                          field="csv")
    lines: list[SettlementLine] = []
    for number, row in enumerate(reader, start=2):
        if len(lines) >= MAX_ROWS:
            raise DomainError(ErrorCode.INVALID_INPUT, "settlement report too long", field="csv")
        try:
            lines.append(SettlementLine(
                entity_id=row["entity_id"].strip()[:60], type=row["type"].strip().lower()[:20],
                amount_minor=_paise(row["amount"]), fee_minor=_paise(row["fee"] or "0"), tax_minor=_paise(row["tax"] or "0"),
                currency=row["currency"].strip().upper()[:3], order_id=(row.get("order_id") or "").strip() or None,
            ))
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, f"row {number}: amounts must be whole paise", field="csv") from None
    return lines


def _paise(text: str) -> int:
    text = text.strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(text)
    return int(text)


def lines_from_recon(items: list[dict]) -> list[SettlementLine]:
    """Rows from the recon API's JSON items (the same fields as the CSV)."""
    return [SettlementLine(entity_id=str(i["entity_id"]), type=str(i["type"]), amount_minor=int(i["amount"]),
                           fee_minor=int(i.get("fee") or 0), tax_minor=int(i.get("tax") or 0),
                           currency=str(i["currency"]).upper(), order_id=i.get("order_id")) for i in items]


def settlement_csv(items: list[dict]) -> str:
    """Write recon items as the CSV report (the simulator's file, and a download for staff)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RECON_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: ("" if item.get(k) is None else item.get(k)) for k in RECON_COLUMNS})
    return out.getvalue()


async def _booked_minor(line: SettlementLine) -> int | None:
    """What the bank booked for this row's id (gross, in minor units), or None if nothing."""
    if line.type == "payment":
        order = await PaymentOrder.get_or_none(payment_id=line.entity_id, status=PaymentOrderStatus.PAID)
        return order.amount_minor if order else None
    if line.type == "payout":
        payout = await Payout.get_or_none(gateway_payout_id=line.entity_id, status=PayoutStatus.PROCESSED)
        return payout.amount_minor if payout else None
    return None


async def reconcile_settlement(*, gateway: str, settlement_date: date, lines: list[SettlementLine],
                               initiator: str) -> SettlementRun:
    """Match ``lines`` (the report of ``settlement_date``) against the books; see the module docstring.

    Resumable and idempotent: every entry it posts has a key made of the run and the
    row, so running it again (after a crash, or twice) posts nothing twice; a different
    report for a date already reconciled is refused (``IDEMPOTENCY_CONFLICT``). Raises
    ``DomainError(INVALID_INPUT)`` for a report with lines in several currencies.
    """
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise DomainError(ErrorCode.INVALID_INPUT, "one settlement report, one currency", field="csv")
    currency = currencies.pop() if currencies else "INR"
    unmatched: list[tuple[str, SettlementLine, int, str]] = []  # reference, line, gateway - bank, reason
    fees = matched = 0
    seen: dict[str, int] = {}
    for line in lines:
        seen[line.entity_id] = seen.get(line.entity_id, 0) + 1
        reference = line.entity_id if seen[line.entity_id] == 1 else f"{line.entity_id}#{seen[line.entity_id]}"
        booked = None if seen[line.entity_id] > 1 else await _booked_minor(line)
        # The gateway's view of the money, from the bank's side: payments it holds for us
        # are positive, payouts and refunds it paid out for us negative.
        outgoing = line.type in ("payout", "refund", "transfer")
        gateway_minor = -line.amount_minor if outgoing else line.amount_minor
        bank_minor = None if booked is None else (-booked if outgoing else booked)
        if bank_minor == gateway_minor:
            matched += 1
            fees += line.fee_minor + line.tax_minor
            continue
        if booked is None:
            reason = f"{line.type} {line.entity_id} is not in the bank's books" + (" (listed twice)" if seen[line.entity_id] > 1 else "")
        else:
            reason = f"{line.type} {line.entity_id}: the gateway says {line.amount_minor}, the bank booked {booked}"
            fees += line.fee_minor + line.tax_minor
        unmatched.append((reference, line, gateway_minor - (bank_minor or 0), reason))
    today = await business_date()
    try:
        run, _ = await SettlementRun.get_or_create(
            gateway=gateway, settlement_date=settlement_date,
            defaults={"rows": len(lines), "matched": matched, "unmatched": len(unmatched), "fees_minor": fees,
                      "initiator": initiator[:100], "created_at": datetime.now(UTC)})
    except IntegrityError:
        run = await SettlementRun.get(gateway=gateway, settlement_date=settlement_date)
    settlement_gl = await gl_account_id(GATEWAY_SETTLEMENT, currency)
    fingerprint = request_fingerprint({"op": "recon", "run": run.id, "fees": fees, "rows": len(lines),
                                       "unmatched": [(r, d) for r, _, d, _ in unmatched]})
    if fees:
        posted = await post_entry(EntryDraft(
            entry_type=EntryType.FEE, value_date=None, narration=f"Gateway charges settled {settlement_date.isoformat()}",
            initiator=initiator,
            postings=(debit(await gl_account_id(GATEWAY_CHARGES, currency), fees, currency), credit(settlement_gl, fees, currency)),
            idempotency_key=f"recon:{run.id}:fees", request_fingerprint=fingerprint,
        ))
        await SettlementRun.filter(id=run.id).update(fee_entry_id=posted.entry_id)
    suspense_gl = await gl_account_id(SUSPENSE, currency)
    for reference, line, difference, reason in unmatched:
        if difference == 0:
            continue
        legs = (debit(settlement_gl, difference, currency), credit(suspense_gl, difference, currency)) if difference > 0 \
            else (debit(suspense_gl, -difference, currency), credit(settlement_gl, -difference, currency))
        posted = await post_entry(EntryDraft(
            entry_type=EntryType.ADJUSTMENT, value_date=None, narration=f"Suspense: {reason}"[:255], initiator=initiator,
            postings=legs, idempotency_key=f"recon:{run.id}:{reference}"[:100],
            request_fingerprint=request_fingerprint({"op": "recon_suspense", "run": run.id, "ref": reference,
                                                     "amount": difference}),
        ))
        await SuspenseItem.get_or_create(run=run, reference=reference[:60], defaults={
            "kind": line.type, "amount_minor": difference, "currency": currency, "reason": reason[:255], "opened_on": today,
            "entry_id": posted.entry_id, "created_at": datetime.now(UTC)})
    return await SettlementRun.get(id=run.id)
