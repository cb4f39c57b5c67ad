"""Day-end reminders (issue 14 item 3): EMI due in 3 days, overdue EMI, FD maturing in 7
days, KYC due; one notification per event over several day-ends, none more on a re-run;
and the outbox purge keeps what is pending."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from bankcore.calendar.runner import run_day_end
from bankcore.deposits.products import create_deposit_product
from bankcore.deposits.service import open_deposit
from bankcore.models import (
    DeliveryStatus,
    DepositKind,
    Loan,
    Member,
    Notification,
    NotificationDelivery,
    NotificationOutbox,
    OutboxEvent,
)
from bankcore.models.notification import NotificationChannel
from bankcore.notifications.day_end import (
    add_years,
    notify_emi_due,
    notify_emi_overdue,
    notify_fd_maturing,
    notify_kyc_due,
    purge_outbox,
)
from bankcore.notifications.templates import render
from tests.deposits.factory import CHART
from tests.ledger.factory import inr
from tests.loans.factory import active_loan, borrower, loan_bank, move_to

FIRST_DUE = date(2025, 2, 5)
REMINDERS = ("emi_due", "emi_overdue", "fd_maturing", "kyc_due")


async def _notices() -> list[tuple[int, str, str]]:
    rows = await Notification.filter(kind__in=REMINDERS).order_by("id").values_list("member_id", "kind", "params")
    return [(m, k, p) for m, k, p in rows]


async def test_day_end_over_several_dates_sends_each_reminder_once(db: str) -> None:
    # given a bank on 1 Jan 2025 with two borrowers (one pays by auto-debit, one does not),
    await loan_bank(penal_bps=0, tolerance_minor=0)
    payer = await borrower(deposit="30000.00", name="Asha Rao")
    payer_loan = await active_loan(payer)
    late = await borrower(deposit="30000.00", name="Ravi Kulkarni")
    late_loan = await active_loan(late)
    await Loan.filter(account__number=late_loan).update(auto_debit=False)
    # a one-month fixed deposit maturing on 1 Feb,
    await create_deposit_product(code="FD1", name="Fixed deposit", kind=DepositKind.FIXED, currency="INR",
                                 rate_chart=CHART, effective_from=date(2020, 1, 1), min_amount_minor=1_000_00)
    fd = await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("5000.00"), tenure_months=1,
                            from_account_number=payer.savings, initiator="test")
    # and members whose re-KYC falls due: one by the column, one reckoned from the
    # verification date (high risk: 2 years), one far off (low risk: 10 years)
    by_column = await Member.get(member_number=payer.member)
    await Member.filter(id=by_column.id).update(re_kyc_due_on=date(2025, 3, 1))
    reckoned = await Member.get(member_number=late.member)
    # (verified before re-KYC dates were kept: approving KYC now fills the column, so clear it)
    await Member.filter(id=reckoned.id).update(risk_category="high", kyc_verified_on=date(2023, 2, 15),
                                               re_kyc_due_on=None)
    await Member.filter(member_number=late.guarantor).update(risk_category="low", kyc_verified_on=date(2023, 2, 15),
                                                             re_kyc_due_on=None)

    # when day-end closes 30 Jan to 7 Feb (the dates before were skipped)
    await move_to(date(2025, 1, 30))
    await run_day_end(through=date(2025, 2, 7), initiator="test")

    # then each event produced exactly one notification, to the right member
    notices = await _notices()
    kinds = sorted((m, k) for m, k, _ in notices)
    payer_id, late_id = by_column.id, reckoned.id
    assert kinds == sorted([
        (payer_id, "emi_due"), (late_id, "emi_due"),   # both reminded 3 days ahead
        (late_id, "emi_overdue"),                        # only the unpaid one overdue
        (payer_id, "fd_maturing"),
        (payer_id, "kyc_due"), (late_id, "kyc_due"),
    ])
    params = {(m, k): json.loads(p) for m, k, p in notices}
    assert params[(payer_id, "emi_due")]["due_date"] == "2025-02-05"
    assert params[(payer_id, "emi_due")]["loan"] == payer_loan
    overdue = params[(late_id, "emi_overdue")]
    assert overdue["due_date"] == "2025-02-05" and overdue["amount_minor"] == params[(late_id, "emi_due")]["amount_minor"]
    assert params[(payer_id, "fd_maturing")] == {"account": fd.deposit.number, "amount_minor": 5_000_00, "currency": "INR",
                                                "maturity_date": "2025-02-01"}
    assert params[(payer_id, "kyc_due")] == {"due_date": "2025-03-01"}
    assert params[(late_id, "kyc_due")] == {"due_date": "2025-02-15"}
    # and the texts render with the amount and date in the member's language
    text = render("emi_overdue", overdue, "hi")
    assert "₹" in text.body and payer_loan != late_loan and late_loan in text.body

    # and running the steps again for any of those dates adds nothing
    for day in (date(2025, 2, 2), date(2025, 2, 5), date(2025, 2, 6)):
        assert await notify_emi_due(on=day, days=3) == 0
        assert await notify_emi_overdue(on=day, window_days=7) == 0
        assert await notify_fd_maturing(on=day, days=7) == 0
        assert await notify_kyc_due(on=day, days=30) == 0
    assert len(await _notices()) == 6


async def test_reminders_respect_their_windows(db: str) -> None:
    await loan_bank(penal_bps=0, tolerance_minor=0)
    b = await borrower(deposit="30000.00")
    number = await active_loan(b)
    await Loan.filter(account__number=number).update(auto_debit=False)
    # four days ahead is too early; an instalment overdue for longer than the window is old news
    assert await notify_emi_due(on=FIRST_DUE - timedelta(days=4), days=3) == 0
    assert await notify_emi_overdue(on=FIRST_DUE + timedelta(days=7), window_days=7) == 0
    assert await notify_emi_overdue(on=FIRST_DUE + timedelta(days=6), window_days=7) == 1
    assert await notify_emi_due(on=FIRST_DUE - timedelta(days=3), days=3) == 1
    # a member whose KYC is not verified is not told of re-KYC
    await Member.filter(member_number=b.member).update(kyc_status="pending", re_kyc_due_on=date(2025, 1, 2))
    assert await notify_kyc_due(on=date(2025, 1, 1), days=30) == 0
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


async def test_purge_deletes_old_finished_rows_and_keeps_pending_ones(db: str) -> None:
    await loan_bank()
    b = await borrower()
    member = await Member.get(member_number=b.member)
    old, recent = datetime.now(UTC) - timedelta(days=120), datetime.now(UTC) - timedelta(days=5)
    note = await Notification.create(member=member, kind="message", params="{}", created_at=old, dispatched_at=old)

    async def delivery(status: DeliveryStatus, at: datetime) -> None:
        await NotificationDelivery.create(notification=note, channel="sms", destination="+919800000001", subject="s",
                                          body="b", status=status, next_attempt_at=at, created_at=at,
                                          sent_at=at if status is DeliveryStatus.SENT else None)

    await delivery(DeliveryStatus.SENT, old)
    await delivery(DeliveryStatus.FAILED, old)
    await delivery(DeliveryStatus.PENDING, old)     # still being retried: kept
    await delivery(DeliveryStatus.SENT, recent)     # within the retention: kept
    await NotificationOutbox.create(channel=NotificationChannel.SMS, recipient="+919800000001", body="x",
                                    created_at=old, sent_at=old)
    await NotificationOutbox.create(channel=NotificationChannel.SMS, recipient="+919800000001", body="y",
                                    created_at=old)  # never sent: kept
    await OutboxEvent.filter().delete()
    await OutboxEvent.create(topic="entry.posted", payload="{}", created_at=old, dispatched_at=old)
    await OutboxEvent.create(topic="entry.posted", payload="{}", created_at=old)  # not dispatched: kept

    deleted = await purge_outbox(older_than=datetime.now(UTC) - timedelta(days=90))

    assert deleted == 4
    assert sorted(await NotificationDelivery.all().values_list("status", flat=True)) == ["pending", "sent"]
    assert await NotificationOutbox.all().values_list("body", flat=True) == ["y"]
    assert await OutboxEvent.filter(dispatched_at__isnull=True).count() == await OutboxEvent.all().count() == 1
    assert await Notification.exists(id=note.id)  # the inbox keeps its item
    assert await purge_outbox(older_than=datetime.now(UTC) - timedelta(days=90)) == 0
