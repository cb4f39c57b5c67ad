"""Every mutation, failure and denial lands in the hash-chained audit log."""

from bankcore.audit import verify_audit_chain
from bankcore.audit_batch import audit_writer
from bankcore.models import AuditLog
from tests.api.helpers import gql, staff
from tests.api.test_money_operations import DEPOSIT
from tests.ledger.factory import make_account, small_bank


async def test_mutations_and_denials_are_audited(db: str) -> None:
    # given
    await small_bank()
    number = await make_account("SB0")

    def deposit(amount: str, key: str) -> dict:
        return {"input": {"accountNumber": number, "amount": {"amount": amount, "currency": "INR"}, "idempotencyKey": key}}

    # when
    await gql(staff("cashier", id=7), DEPOSIT, **deposit("10", "a"))
    await gql(staff("cashier", id=7), DEPOSIT, **deposit("-1", "b"))
    await gql(staff("clerk", id=8), DEPOSIT, **deposit("10", "c"))
    await gql(staff("auditor", id=9), DEPOSIT, **deposit("10", "d"))
    await gql(staff("clerk", id=8), "{ auditEvents { edges { node { id } } } }")
    # then
    await audit_writer.flush()
    rows = await AuditLog.filter(action__startswith="graphql.").order_by("id").values_list("actor", "action", "outcome")
    assert rows == [
        ("staff:7", "graphql.depositCash", "ok"),
        ("staff:7", "graphql.depositCash", "failed"),
        ("staff:8", "graphql.depositCash", "denied"),
        ("staff:9", "graphql.depositCash", "denied"),
        ("staff:8", "graphql.auditEvents", "denied"),
    ]
    assert await verify_audit_chain() == []
