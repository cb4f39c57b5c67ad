"""The inbox, preferences and partners' webhooks through the real schema, per role."""

from __future__ import annotations

import json

from bankcore.background import run_once
from bankcore.models import Member
from bankcore.services.money_movement import withdraw_cash
from bankcore.webhooks.signing import verify
from tests.api.helpers import codes, gql, member, partner, staff
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings
from tests.webhooks.conftest import Endpoint, _private_targets, endpoint, make_admin, make_partner  # noqa: F401 - fixtures

INBOX = "query Inbox { unreadNotificationCount notifications(first: 5) { id kind title body read } }"
MARK = "mutation Mark($ids: [ID!]) { markNotificationsRead(ids: $ids) { count unreadCount userErrors { code } } }"
PREFS = """mutation Prefs($input: NotificationPreferencesInput!) {
  setNotificationPreferences(input: $input) {
    preferences { language sms email whatsapp debitAlertsMandatory creditAlertThreshold { amount currency } }
    userErrors { field code }
  }
}"""
CREATE = """mutation Create($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { webhook { id events isActive apiClientId } secretKey userErrors { field code message } }
}"""
DOC = """subscription {
  event {
    __typename
    ... on EntryPosted { eventId entry { entryId entryType postings { side amount { amount currency } } } }
    ... on BalanceChanged { balances { accountNumber balance { amount currency } } }
  }
}"""
DELIVERIES = """query Log($id: ID!) { webhookDeliveries(webhookId: $id) { id eventType status attemptCount
  attempts { statusCode durationMs } } }"""


async def test_a_member_reads_their_inbox_and_marks_it_read(db: str) -> None:
    asha, account = await member_with_savings("500.00")
    await withdraw_cash(account_number=account, amount=inr("20.00"), initiator="test")
    await run_once()
    result = await gql(member(asha.id), INBOX)
    assert result.errors is None
    unread, items = result.data["unreadNotificationCount"], result.data["notifications"]
    assert unread == len(items) >= 2 and items[0]["kind"] == "debit" and "₹20.00 debited" in items[0]["body"]
    # another member sees nothing of it, and marking someone else's item changes nothing
    ravi, _ = await member_with_savings("100.00", name="Ravi Kumar")
    other = await gql(member(ravi.id), MARK, ids=[items[0]["id"]])
    assert other.data["markNotificationsRead"]["count"] == 0
    mine = await gql(member(asha.id), MARK, ids=[items[0]["id"]])
    assert mine.data["markNotificationsRead"] == {"count": 1, "unreadCount": unread - 1, "userErrors": []}
    everything = await gql(member(asha.id), MARK)
    assert everything.data["markNotificationsRead"]["unreadCount"] == 0


async def test_preferences_are_saved_and_checked(db: str) -> None:
    asha, _ = await member_with_savings()
    ok = await gql(member(asha.id), PREFS, input={"language": "HI", "sms": False, "email": True, "whatsapp": True,
                                                 "creditAlertThreshold": {"amount": "1000.00", "currency": "INR"}})
    assert ok.data["setNotificationPreferences"]["preferences"] == {
        "language": "HI", "sms": False, "email": True, "whatsapp": True, "debitAlertsMandatory": True,
        "creditAlertThreshold": {"amount": "1000.00", "currency": "INR"}}
    bad = await gql(member(asha.id), PREFS, input={"language": "EN", "sms": True, "email": True, "whatsapp": False,
                                                  "creditAlertThreshold": {"amount": "-1.00", "currency": "INR"}})
    assert bad.data["setNotificationPreferences"]["userErrors"][0]["code"] == "INVALID_AMOUNT"
    unknown = await gql(member(asha.id), PREFS, input={"language": "FR", "sms": True, "email": True, "whatsapp": False})
    assert unknown.errors  # not one of the enum's values


async def test_an_admin_subscribes_a_partner_and_the_payload_is_the_document(  # noqa: F811 - the fixture
        db: str, endpoint: Endpoint, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("COOPBANK_WEBHOOKS_ALLOW_PRIVATE", "1")
    asha, account = await member_with_savings("500.00")
    admin = await make_admin()
    client = await make_partner(admin, await Member.get(id=asha.id))
    refused = await gql(staff("admin", admin.id), CREATE, input={"name": "x", "targetUrl": endpoint.url,
                                                                 "query": "subscription { event { __typename } }",
                                                                 "apiClient": client.client_id})
    assert refused.data["webhookCreate"]["userErrors"][0]["field"] == "query"
    made = await gql(staff("admin", admin.id), CREATE, input={"name": "books", "targetUrl": endpoint.url, "query": DOC,
                                                              "apiClient": client.client_id})
    payload = made.data["webhookCreate"]
    assert payload["userErrors"] == [] and sorted(payload["webhook"]["events"]) == ["BALANCE_CHANGED", "ENTRY_POSTED"]
    secret = payload["secretKey"]
    await run_once()
    endpoint.reset()
    posted = await withdraw_cash(account_number=account, amount=inr("20.00"), initiator="test")
    await run_once()
    by_type = {h["x-coopbank-event"]: (h, body) for h, body in endpoint.received}
    headers, body = by_type["ENTRY_POSTED"]
    assert verify(secret, headers["x-coopbank-timestamp"], body, headers["x-coopbank-signature"])
    document = json.loads(body)
    assert document["type"] == "ENTRY_POSTED" and "errors" not in document
    assert document["data"]["event"]["entry"]["entryId"] == str(posted.entry_id)
    balances = json.loads(by_type["BALANCE_CHANGED"][1])["data"]["event"]["balances"]
    assert balances == [{"accountNumber": account, "balance": {"amount": "480.00", "currency": "INR"}}]
    log = await gql(staff("auditor"), DELIVERIES, id=payload["webhook"]["id"])
    assert {d["status"] for d in log.data["webhookDeliveries"]} == {"success"}
    assert log.data["webhookDeliveries"][0]["attempts"][0]["statusCode"] == 200


async def test_partners_manage_only_their_own_webhooks(db: str, endpoint: Endpoint, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("COOPBANK_WEBHOOKS_ALLOW_PRIVATE", "1")
    admin = await make_admin()
    mine = await make_partner(admin)
    theirs = await make_partner(admin)
    as_partner = partner({"webhooks:manage", "accounts:read"}, id=mine.id)
    made = await gql(as_partner, CREATE, input={"name": "mine", "targetUrl": endpoint.url, "query": DOC})
    assert made.data["webhookCreate"]["webhook"]["apiClientId"] == mine.client_id
    other = await gql(as_partner, CREATE, input={"name": "theirs", "targetUrl": endpoint.url, "query": DOC,
                                                 "apiClient": theirs.client_id})
    assert other.data["webhookCreate"]["userErrors"][0]["code"] == "NOT_FOUND"
    theirs_hook = await gql(staff("admin", admin.id), CREATE, input={"name": "t", "targetUrl": endpoint.url, "query": DOC,
                                                                     "apiClient": theirs.client_id})
    hook_id = theirs_hook.data["webhookCreate"]["webhook"]["id"]
    delete = await gql(as_partner, "mutation D($id: ID!) { webhookDelete(id: $id) { deleted userErrors { code } } }", id=hook_id)
    assert delete.data["webhookDelete"] == {"deleted": False, "userErrors": [{"code": "NOT_FOUND"}]}
    listed = await gql(as_partner, "query { webhooks { name } }")
    assert listed.data["webhooks"] == [{"name": "mine"}]
    no_scope = await gql(partner({"accounts:read"}, id=mine.id), "query { webhooks { name } }")
    assert codes(no_scope) == ["FORBIDDEN"]


async def test_event_is_not_a_live_subscription(db: str) -> None:
    from graphql_api.schema import schema

    stream = await schema.subscribe("subscription { event { __typename } }", context_value=staff("admin"))
    first = await stream.__anext__()
    await stream.aclose()
    assert first.data is None and "webhook documents" in first.errors[0].message
