"""A member must learn nothing about accounts and members that are not theirs, by any route."""

from __future__ import annotations

import base64

from bankcore.models import Member
from tests.api.helpers import gql, member, partner
from tests.ledger.factory import make_account, make_member, small_bank


def gid(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


async def two_members() -> tuple[int, str, int, str, str]:
    await small_bank()
    asha, ravi = await make_member("Asha"), await make_member("Ravi")
    mine = await make_account("SB0", owner=asha, deposit="10.00")
    theirs = await make_account("SB0", owner=ravi, deposit="99.00")
    asha_id = (await Member.get(member_number=asha)).id
    ravi_id = (await Member.get(member_number=ravi)).id
    return asha_id, mine, ravi_id, theirs, ravi


async def test_node_nested_alias_and_connection_routes_leak_nothing(db: str) -> None:
    # given
    asha_id, mine, _, theirs, ravi_number = await two_members()
    as_asha = member(asha_id)
    # when: every way of naming Ravi's account or Ravi
    result = await gql(as_asha, f"""
      query Probe {{
        a: account(number: "{theirs}") {{ number balance {{ amount }} }}
        b: node(id: "{gid('Account', theirs)}") {{ ... on Account {{ number balance {{ amount }} }} }}
        c: node(id: "{gid('Member', ravi_number)}") {{ ... on Member {{ fullName }} }}
        d: member(memberNumber: "{ravi_number}") {{ fullName accounts {{ number }} }}
        e: accounts(memberNumber: "{ravi_number}") {{ edges {{ node {{ number }} }} }}
        f: accounts {{ edges {{ node {{ number }} }} }}
        h: account(number: "001000999994") {{ number }}
      }}""")
    # then: forbidden answers exactly like unknown
    assert result.data is not None, result.errors
    assert result.data["a"] is None and result.data["h"] is None
    assert result.data["b"] is None and result.data["c"] is None and result.data["d"] is None
    assert result.data["e"]["edges"] == []
    assert [e["node"]["number"] for e in result.data["f"]["edges"]] == [mine]
    assert result.errors is None
    journal = await gql(as_asha, f'{{ journalEntries(accountNumber: "{theirs}") {{ edges {{ node {{ entryId }} }} }} }}')
    assert journal.data is None and journal.errors[0].extensions["code"] == "FORBIDDEN"  # back-office only
    text = str(result.data)
    assert "99.00" not in text and theirs not in text


async def test_subscription_to_someone_elses_account_is_refused_like_an_unknown_one(db: str) -> None:
    asha_id, _, _, theirs, _ = await two_members()
    from graphql_api.schema import schema

    outcomes = []
    for number in (theirs, "001000999994"):
        stream = await schema.subscribe(
            f'subscription {{ balanceChanged(accountNumber: "{number}") {{ balance {{ amount }} }} }}',
            context_value=member(asha_id),
        )
        first = await stream.__anext__()
        await stream.aclose()
        outcomes.append((first.data, [e.message for e in first.errors]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] is None


async def test_partner_sees_only_its_members_accounts_and_only_with_its_scopes(db: str) -> None:
    asha_id, mine, _, theirs, _ = await two_members()
    query = f'{{ mine: account(number: "{mine}") {{ number }} theirs: account(number: "{theirs}") {{ number }} }}'
    scoped = await gql(partner({"accounts:read"}, member_id=asha_id), query)
    assert scoped.data == {"mine": {"number": mine}, "theirs": None}
    unscoped = await gql(partner({"transfers:write"}, member_id=asha_id), query)
    assert unscoped.data is None or unscoped.data.get("mine") is None
    unbound = await gql(partner({"accounts:read"}, member_id=None), query)
    assert unbound.data == {"mine": None, "theirs": None}


async def test_oversized_and_odd_inputs_are_user_errors_not_crashes(db: str) -> None:
    await small_bank()
    clerk_ctx = __import__("tests.api.helpers", fromlist=["staff"]).staff("clerk")
    huge = "x" * 1_000_000
    for name, pan, mobile in [(huge, None, None), ("Asha", "ABCDE１２３４F", None), ("Asha", None, "९८१२३४५६७८"), ("", None, None)]:
        result = await gql(clerk_ctx, """
          mutation R($input: RegisterMemberInput!) { registerMember(input: $input) { member { memberNumber } userErrors { field code } } }""",
            input={"fullName": name, "branchCode": "001", "pan": pan, "mobile": mobile})
        assert result.errors is None, result.errors
        payload = result.data["registerMember"]
        assert payload["member"] is None and payload["userErrors"], (name[:10], pan, mobile)
    assert await Member.all().count() == 0
