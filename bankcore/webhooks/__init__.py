"""Webhooks for partners (issue 13 item 7), and the domain-event outbox they are fed from.

Any domain records an event inside its own transaction::

    from bankcore.webhooks import emit_event

    async with in_transaction() as conn:
        ...  # mark the loan overdue
        await emit_event(event_type="loan.overdue", ref_id=loan.id,
                         payload={"loan_id": loan.id, "days_overdue": 31}, conn=conn)

The row (``outbox_event``) commits or rolls back with the change. After commit the
background worker fans it out to every active subscription listening to that type,
renders each payload from the subscription's GraphQL document (Saleor's pattern), signs
it and POSTs it, with exponential backoff over 24 hours (``bankcore.webhooks.delivery``).
``post_entry`` emits ``entry.posted`` itself (one event per journal entry; the
``BALANCE_CHANGED`` webhooks come from it too), so ledger callers need do nothing.
"""

from bankcore.webhooks.events import EVENT_TYPES, emit_event

__all__ = ["EVENT_TYPES", "emit_event"]
