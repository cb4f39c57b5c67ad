"""Notifications to members and staff: an in-app inbox, and SMS, e-mail and WhatsApp
sent from a transactional outbox by the background worker (issue 14 item 3).

Other domains call one function, inside their own transaction::

    from bankcore.notifications import notify

    async with in_transaction() as conn:
        ...  # the change that the member must hear about
        await notify(member_id=loan.member_id, kind="emi_due",
                     params={"loan_number": "L-00012", "amount_minor": 523_400, "currency": "INR",
                             "due_date": "2026-12-03"},
                     dedupe_key=f"emi_due:{loan.id}:2026-12-03", conn=conn)

``notify`` only writes one ``notification`` row (one round trip); nothing is sent from
inside the caller's transaction. After commit the worker (``bankcore.notifications.worker``)
fans the row out to the member's channels (their preferences, language and addresses)
and sends each delivery through a provider adapter, with retries. A rolled-back
transaction leaves no notification behind.

Ledger transaction alerts (every debit; credits above the member's threshold) need no
call: ``post_entry`` writes an ``entry.posted`` outbox event and the worker turns it into
alerts (``bankcore.notifications.alerts``).
"""

from bankcore.notifications.enqueue import KINDS, MANDATORY_SMS_KINDS, notify, notify_staff

__all__ = ["KINDS", "MANDATORY_SMS_KINDS", "notify", "notify_staff"]
