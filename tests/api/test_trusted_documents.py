"""Trusted documents: the member read and transferFunds on their dedicated executor answer exactly
as graphql-core's generic executor does, for every kind of caller; anything else takes the generic path."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import pytest
import strawberry

from bankcore.models import Member
from graphql_api.schema import BankSchema, schema
from graphql_api.trusted import trusted_registry
from tests.api.helpers import anonymous, gql, member, partner, staff
from tests.ledger.factory import make_account, make_member, small_bank

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
