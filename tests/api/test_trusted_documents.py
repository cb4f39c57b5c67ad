"""Trusted documents: the member read and transferFunds on their dedicated executor answer exactly
as graphql-core's generic executor does, for every kind of caller; anything else takes the generic path."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import httpx
import orjson
import pytest
import strawberry

from bankcore.models import HolderRole, Member
from bankcore.services.accounts import open_account
from graphql_api.schema import BankSchema, schema
from graphql_api.trusted import trusted_registry
from tests.api.helpers import anonymous, gql, member, partner, staff
from tests.ledger.factory import fund, inr, make_account, make_member, small_bank

ACCOUNT_HISTORY = trusted_registry(schema).text_named("AccountHistory")
TRANSFER_FUNDS = trusted_registry(schema).text_named("TransferFunds")
PERIOD = {"fromDate": "1900-01-01", "toDate": "2999-12-31"}


@contextmanager
def generic_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the operations that reached Strawberry's generic ``execute``."""
    calls: list[str] = []
    generic = strawberry.Schema.execute

    async def counting(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return await generic(self, query, *args, **kwargs)

    monkeypatch.setattr(strawberry.Schema, "execute", counting)
    try:
        yield calls
    finally:
        monkeypatch.setattr(strawberry.Schema, "execute", generic)


@contextmanager
def generic_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(BankSchema, "fast_executors", False)
    yield
    monkeypatch.setattr(BankSchema, "fast_executors", True)


def answer(result: Any) -> dict[str, Any]:
    """What a client reads, but the budget left (it refills with time between two runs)."""
    cost = dict((result.extensions or {}).get("cost") or {})
    cost.pop("throttleStatus", None)
    errors = [(e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or ()]
    return {"data": result.data, "errors": errors, "cost": cost}


async def _bank() -> dict[str, Any]:
    await small_bank()
    asha, ravi = await make_member("Asha"), await make_member("Ravi")
    asha_account = await make_account("SB0", owner=asha, deposit="500.00")
    ravi_account = await make_account("SB0", owner=ravi, deposit="100.00")
    ids = {n: (await Member.get(member_number=n)).id for n in (asha, ravi)}
    return {"asha": ids[asha], "ravi": ids[ravi], "asha_account": asha_account, "ravi_account": ravi_account}


async def test_the_member_read_answers_as_the_generic_executor_for_every_caller(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given an account with more lines than a page, and callers who may, may not, or may not know it
    bank = await _bank()
    for i in range(4):
        result = await gql(staff("cashier"), TRANSFER_FUNDS, input={
            "fromAccountNumber": bank["asha_account"], "toAccountNumber": bank["ravi_account"],
            "amount": {"amount": f"1.{i}0", "currency": "INR"}, "idempotencyKey": f"seed-{i}"})
        assert result.data["transferFunds"]["userErrors"] == []
    callers = {
        "owner": member(bank["asha"]), "clerk": staff("clerk"), "auditor": staff("auditor"),
        "other member (not visible: null)": member(bank["ravi"]),
        "partner with accounts:read": partner({"accounts:read"}, member_id=bank["asha"]),
        "partner without scope (denied)": partner(set(), member_id=bank["asha"]),
        "anonymous (denied)": anonymous(),
    }
    for first, after in ((3, None), (20, None), (2, "bad cursor")):
        variables = {"number": bank["asha_account"], **PERIOD, "first": first, "after": after}
        for who, context in callers.items():
            # when the member read runs on its executor, then generically
            with generic_calls(monkeypatch) as calls:
                fast = await gql(context, ACCOUNT_HISTORY, **variables)
            with generic_only(monkeypatch):
                reference = await gql(context, ACCOUNT_HISTORY, **variables)
            # then both answers are the same, key for key (and in the same order)
            assert answer(fast) == answer(reference), (who, first, after)
            assert list((fast.data or {}).get("account") or {}) == list((reference.data or {}).get("account") or {})
            # (a refusal is left to the generic path; an account the caller cannot see has no statement to refuse)
            served_generically = "denied" in who or (after is not None and "not visible" not in who)
            assert bool(calls) == served_generically, (who, after)
        assert answer(fast)["errors"], "the denied callers were refused"
    owner_read = await gql(member(bank["asha"]), ACCOUNT_HISTORY, number=bank["asha_account"], **PERIOD, first=3)
    assert len(owner_read.data["account"]["statement"]["lines"]) == 3
    assert owner_read.data["account"]["statement"]["nextCursor"]
    assert (await gql(member(bank["ravi"]), ACCOUNT_HISTORY, number=bank["asha_account"], **PERIOD, first=3)).data == {"account": None}


async def test_transfer_funds_answers_as_the_generic_executor(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    bank = await _bank()
    asha = member(bank["asha"])

    def transfer(key: str, amount: str = "40.00", payer: str = bank["asha_account"], payee: str = bank["ravi_account"]) -> dict:
        return {"input": {"fromAccountNumber": payer, "toAccountNumber": payee,
                          "amount": {"amount": amount, "currency": "INR"}, "idempotencyKey": key}}

    # when Asha pays on the executor, then retries generically and on the executor
    with generic_calls(monkeypatch) as calls:
        paid = await gql(asha, TRANSFER_FUNDS, **transfer("k1"))
        replay_fast = await gql(asha, TRANSFER_FUNDS, **transfer("k1"))
    assert calls == []
    with generic_only(monkeypatch):
        replay_generic = await gql(asha, TRANSFER_FUNDS, **transfer("k1"))
    # then the payment went through once and every answer agrees
    payload = paid.data["transferFunds"]
    assert payload["userErrors"] == [] and payload["replayed"] is False
    assert payload["account"]["balance"]["amount"] == "460.00"
    assert answer(replay_fast) == answer(replay_generic)
    assert answer(replay_generic)["data"]["transferFunds"] == {**payload, "replayed": True}
    # and refusals read the same both ways: too much, someone else's account, a cashier's unknown payer
    refusals = [(asha, transfer("k2", amount="9999.00")), (asha, transfer("k3", payer=bank["ravi_account"])),
                (staff("cashier"), transfer("k4", payer="001999999996")),
                (partner({"transfers:write"}, member_id=bank["asha"]), transfer("k5"))]
    for context, variables in refusals:
        fast = await gql(context, TRANSFER_FUNDS, **variables)
        variables["input"]["idempotencyKey"] += "-generic"
        with generic_only(monkeypatch):
            reference = await gql(context, TRANSFER_FUNDS, **variables)
        assert answer(fast) == answer(reference), variables
    # and an auditor (read-only) and an anonymous caller are refused by the generic path
    for context in (staff("auditor"), anonymous()):
        with generic_calls(monkeypatch) as calls:
            refused = await gql(context, TRANSFER_FUNDS, **transfer("k6"))
        assert calls and refused.errors and refused.data in (None, {"transferFunds": None})


async def test_an_untrusted_or_changed_document_takes_the_generic_path_with_its_limits(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given the member read, trusted as written and changed by one space
    bank = await _bank()
    changed = ACCOUNT_HISTORY.replace("number status", "number  status")
    assert trusted_registry(schema).get(changed) is None
    variables = {"number": bank["asha_account"], **PERIOD, "after": None}
    for document in (ACCOUNT_HISTORY, changed):
        # when each asks for more lines than one request may cost
        with generic_calls(monkeypatch) as calls:
            costly = await gql(member(bank["asha"]), document, **variables, first=999)
            fine = await gql(member(bank["asha"]), document, **variables, first=1)
        # then both are priced and refused alike; the changed text always runs generically
        assert [(e.extensions or {}).get("code") for e in costly.errors] == ["QUERY_TOO_COSTLY"]
        assert fine.errors is None and len(fine.data["account"]["statement"]["lines"]) == 1
        assert len(calls) == (1 if document is ACCOUNT_HISTORY else 2)
    # and a control character in a variable is refused before anything runs, on either text
    for document in (ACCOUNT_HISTORY, changed):
        refused = await gql(member(bank["asha"]), document, **{**variables, "number": "0010\x00"}, first=2)
        assert [(e.extensions or {}).get("code") for e in refused.errors] == ["INVALID_INPUT"]


def test_the_manifest_lists_the_pages_documents_as_they_are() -> None:
    # given the documents of the ui package's pages, read from their sources
    from coopbank.trusted_manifest import manifest_text
    from graphql_api.trusted import MANIFEST_PATH

    # then the manifest holds exactly them (after changing a page: python -m coopbank.trusted_manifest)
    assert MANIFEST_PATH.read_text() == manifest_text()
    assert {"AccountHistory", "TransferFunds"} <= set(trusted_registry(schema).texts.values())


def _json(result: Any) -> bytes:
    """The ``data`` of a result as the HTTP view writes it (orjson, keys in order): compared byte for byte."""
    return orjson.dumps(result.data)


async def test_the_member_read_gives_the_generic_executors_bytes_for_accounts_pages_and_refusals(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given accounts of three products (a minimum balance, an overdraft, none), one held jointly,
    # one with a nominee, each with a few lines, and a page cursor taken from the generic answer
    await small_bank()
    asha, ravi = await make_member("Asha"), await make_member("Ravi")
    ids = {who: (await Member.get(member_number=n)).id for who, n in (("asha", asha), ("ravi", ravi))}
    savings = (await open_account(product_code="SB", holders=[(asha, HolderRole.OWNER), (ravi, HolderRole.NOMINEE)])).number
    current = (await open_account(product_code="CA", holders=[(asha, HolderRole.OWNER), (ravi, HolderRole.JOINT)])).number
    basic = await make_account("SB0", owner=ravi, deposit="75.00")
    for number, amounts in ((savings, ("900.00", "12.34", "0.05")), (current, ("40.00",))):
        for amount in amounts:
            await fund(number, inr(amount))
    paid = await gql(staff("cashier"), TRANSFER_FUNDS, input={
        "fromAccountNumber": current, "toAccountNumber": basic, "amount": {"amount": "140.00", "currency": "INR"},
        "idempotencyKey": "overdrawn"})  # the current account goes into its overdraft
    assert paid.data["transferFunds"]["userErrors"] == []
    with generic_only(monkeypatch):
        first_page = await gql(staff("clerk"), ACCOUNT_HISTORY, number=savings, **PERIOD, first=2)
    cursor = first_page.data["account"]["statement"]["nextCursor"]
    assert cursor
    callers = {"asha": member(ids["asha"]), "ravi": member(ids["ravi"]), "clerk": staff("clerk"),
               "partner": partner({"accounts:read"}, member_id=ids["ravi"]),
               "partner bound to no member": partner({"accounts:read"})}
    requests = [
        *({"number": number, **PERIOD, "first": first, "after": None}
          for number in (savings, current, basic) for first in (1, 20)),
        {"number": savings, **PERIOD, "first": 2, "after": cursor},  # the second page
        {"number": savings, "fromDate": "2999-01-01", "toDate": "2999-12-31", "first": 20, "after": None},  # no lines
        {"number": f"{savings[:6]} {savings[6:]}", **PERIOD, "first": 20, "after": None},  # typed with a space
        {"number": "001999999996", **PERIOD, "first": 20, "after": None},  # no such account
        {"number": savings, **PERIOD, "first": 20, "after": "bm90IG91cnM="},  # a bad cursor
        {"number": savings, **PERIOD, "first": 0, "after": None},  # a page size out of range
        {"number": savings, "fromDate": "2026-12-31", "toDate": "2026-01-01", "first": 20, "after": None},  # dates reversed
    ]
    for who, context in callers.items():
        for variables in requests:
            # when each caller reads each on the executor, then generically
            fast = await gql(context, ACCOUNT_HISTORY, **variables)
            with generic_only(monkeypatch):
                reference = await gql(context, ACCOUNT_HISTORY, **variables)
            # then the data are the same bytes, and errors and prices the same
            assert _json(fast) == _json(reference), (who, variables)
            assert answer(fast) == answer(reference), (who, variables)
    # (what the callers were shown: their own accounts, never a nominee's, refusals as typed errors)
    seen = {who: [bool((await gql(c, ACCOUNT_HISTORY, number=n, **PERIOD, first=1)).data["account"])
                  for n in (savings, current, basic)] for who, c in callers.items()}
    assert seen == {"asha": [True, True, False], "ravi": [False, True, True], "clerk": [True, True, True],
                    "partner": [False, True, True], "partner bound to no member": [False, False, False]}
    refused = await gql(member(ids["asha"]), ACCOUNT_HISTORY, number=savings, **PERIOD, first=0)
    assert [(e.extensions or {}).get("code") for e in refused.errors] == ["INVALID_INPUT"]
    overdrawn = (await gql(member(ids["asha"]), ACCOUNT_HISTORY, number=current, **PERIOD, first=20)).data["account"]
    assert overdrawn["balance"]["amount"] == "-100.00" and overdrawn["availableBalance"]["amount"] == "9900.00"


async def test_the_http_edge_answers_trusted_documents_as_strawberrys_view(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a member signed in, her account, and the API's HTTP endpoint
    from bankcore.identity.clock import utcnow
    from bankcore.identity.sessions import open_session
    from bankcore.models import PrincipalKind
    from graphql_api.http import BankGraphQL

    bank = await _bank()
    token = (await open_session(kind=PrincipalKind.MEMBER, principal_id=bank["asha"], now=utcnow())).token
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    client = httpx.AsyncClient(transport=httpx.ASGITransport(BankGraphQL(schema)), base_url="http://bank.test")

    async def both(body: dict[str, Any]) -> tuple[httpx.Response, httpx.Response, list[str]]:
        with generic_calls(monkeypatch) as calls:
            fast = await client.post("/graphql", content=orjson.dumps(body), headers=headers)
        with generic_only(monkeypatch):
            reference = await client.post("/graphql", content=orjson.dumps(body), headers=headers)
        return fast, reference, calls

    def without_budget(response: httpx.Response) -> dict[str, Any]:
        answer = response.json()
        answer.get("extensions", {}).get("cost", {}).pop("throttleStatus", None)
        return answer

    def transfer(payer: str, payee: str, key: str) -> dict[str, Any]:
        return {"query": TRANSFER_FUNDS, "variables": {"input": {
            "fromAccountNumber": payer, "toAccountNumber": payee, "amount": {"amount": "25.00", "currency": "INR"},
            "idempotencyKey": key}}}

    async with client:
        read = {"query": ACCOUNT_HISTORY, "operationName": "AccountHistory",
                "variables": {"number": bank["asha_account"], **PERIOD, "first": 20}}
        paid = await client.post("/graphql", content=orjson.dumps(transfer(bank["asha_account"], bank["ravi_account"],
                                                                            "http-1")), headers=headers)
        # when the member read, a transfer sent again (a replay) and a refused transfer are posted to
        # /graphql, on the trusted edge and through Strawberry's view
        answers = []
        for body in (read, transfer(bank["asha_account"], bank["ravi_account"], "http-1"),
                     transfer(bank["ravi_account"], bank["asha_account"], "http-2")):
            fast, reference, calls = await both(body)
            # then the executor answered without the view, with the view's status, type and bytes
            assert calls == []
            assert (fast.status_code, fast.headers["content-type"]) == (reference.status_code, reference.headers["content-type"])
            assert orjson.dumps(fast.json()["data"]) == orjson.dumps(reference.json()["data"])
            assert without_budget(fast) == without_budget(reference)
            answers.append(fast.json()["data"])
        first = paid.json()["data"]["transferFunds"]
        assert first["userErrors"] == [] and first["account"]["balance"]["amount"] == "475.00"
        assert answers[1]["transferFunds"] == {**first, "replayed": True}
        assert answers[2]["transferFunds"]["userErrors"][0]["code"] == "NOT_FOUND"
        # and what the executor does not take reaches the view as it was sent: another operation
        # name, a malformed body, a variable of the wrong type, no token at all
        for content, extra in ((orjson.dumps({**read, "operationName": "Other"}), {}), (b'{"query": ', {}),
                               (orjson.dumps({**read, "variables": {**read["variables"], "first": "20"}}), {}),
                               (orjson.dumps(read), {"authorization": ""})):
            with generic_calls(monkeypatch) as calls:
                fast = await client.post("/graphql", content=content, headers={**headers, **extra})
            with generic_only(monkeypatch):
                reference = await client.post("/graphql", content=content, headers={**headers, **extra})
            assert fast.status_code == reference.status_code
            if fast.status_code == 400:
                assert fast.text == reference.text
            else:
                assert calls and without_budget(fast) == without_budget(reference)
