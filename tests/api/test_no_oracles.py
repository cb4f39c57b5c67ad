"""No oracles, no over-sharing (issue 8 item 4).

- ``setNominee`` must not tell a member the name behind a member number they typed;
- a member asking to change their mobile to one another member uses is not told so;
- a partner sees ``mobile`` masked, as the schema says, even for the member it acts for;
- a partner token without ``accounts:read`` gets no balance through a mutation payload,
  and without ``entries:read`` no journal entry: payload fields obey the query scopes.
"""

from __future__ import annotations

from bankcore.models import Member
from bankcore.services.members import update_contact_details
from tests.api.helpers import gql, member, partner, staff
from tests.ledger.factory import make_account, make_member, small_bank

SET = """
mutation Nominate($n: String!, $m: String) {
  setNominee(accountNumber: $n, nomineeMemberNumber: $m) {
    account { holders { role memberNumber fullName } } userErrors { field code message }
  }
}"""


async def test_set_nominee_does_not_reveal_a_non_holders_name(db: str) -> None:
    await small_bank()
    owner = await make_member("Arun Mehta")
    stranger = await make_member("Zoya Qureshi")
    account = await make_account("SB0", owner=owner)
    as_owner = member((await Member.get(member_number=owner)).id)
    named = await gql(as_owner, SET, n=account, m=stranger)
    assert named.errors is None, named.errors
    text = str(named.data)
    assert "Zoya" not in text and "Qureshi" not in text
    nominee = [h for h in named.data["setNominee"]["account"]["holders"] if h["role"] == "NOMINEE"][0]
    assert nominee["fullName"] == "Z**** Q****"
    # Nor through the account query afterwards; the owner's own name is shown in full.
    read = await gql(as_owner, f'{{ account(number: "{account}") {{ holders {{ role fullName }} }} }}')
    names = {h["role"]: h["fullName"] for h in read.data["account"]["holders"]}
    assert names == {"OWNER": "Arun Mehta", "NOMINEE": "Z**** Q****"}
    # Staff see the name.
    by_staff = await gql(staff("clerk"), f'{{ account(number: "{account}") {{ holders {{ role fullName }} }} }}')
    assert {"role": "NOMINEE", "fullName": "Zoya Qureshi"} in by_staff.data["account"]["holders"]


UPDATE = """
mutation U($input: UpdateMemberInput!) {
  updateMember(input: $input) { member { mobile } userErrors { field code message } }
}"""


async def test_a_member_is_not_told_that_a_mobile_belongs_to_another_member(db: str) -> None:
    await small_bank()
    asha, ravi = await make_member("Asha Rao"), await make_member("Ravi Kumar")
    await update_contact_details(member_number=ravi, mobile="9812345678")
    await update_contact_details(member_number=asha, mobile="9822222222")
    as_asha = member((await Member.get(member_number=asha)).id)
    taken = await gql(as_asha, UPDATE, input={"memberNumber": asha, "mobile": "9812345678"})
    free = await gql(as_asha, UPDATE, input={"memberNumber": asha, "mobile": "9833333333"})
    assert taken.errors is None and free.errors is None
    taken_errors = taken.data["updateMember"]["userErrors"]
    free_errors = free.data["updateMember"]["userErrors"]
    # One answer for both: the change needs a code sent to the new number.
    assert [e["code"] for e in taken_errors] == [e["code"] for e in free_errors] == ["STEP_UP_REQUIRED"]
    assert "another member" not in str(taken.data)
    assert (await Member.get(member_number=asha)).mobile == "+919822222222"


async def test_a_partner_sees_the_mobile_masked_even_for_its_own_member(db: str) -> None:
    await small_bank()
    asha = await make_member("Asha Rao")
    await update_contact_details(member_number=asha, mobile="9812345678")
    asha_id = (await Member.get(member_number=asha)).id
    as_partner = partner({"accounts:read"}, member_id=asha_id)
    result = await gql(as_partner, "{ me { member { mobile } } }")
    assert result.errors is None, result.errors
    assert result.data["me"]["member"]["mobile"] == "+91XXXXXX5678"
    # The member themself sees it in full.
    own = await gql(member(asha_id), "{ me { member { mobile } } }")
    assert own.data["me"]["member"]["mobile"] == "+919812345678"


TRANSFER = """
mutation T($input: TransferFundsInput!) {
  transferFunds(input: $input) {
    account { number balance { amount } availableBalance { amount } }
    entry { entryId }
    userErrors { code }
  }
}"""


async def test_mutation_payloads_obey_the_partner_scopes(db: str) -> None:
    await small_bank()
    asha = await make_member("Asha Rao")
    mine = await make_account("SB0", owner=asha, deposit="1000.00")
    other = await make_account("SB0", owner=await make_member("Ravi Kumar"))
    asha_id = (await Member.get(member_number=asha)).id

    def transfer(key: str) -> dict:
        return {"fromAccountNumber": mine, "toAccountNumber": other, "amount": {"amount": "10.00", "currency": "INR"},
                "idempotencyKey": key}

    write_only = await gql(partner({"transfers:write"}, member_id=asha_id), TRANSFER, input=transfer("k1"))
    assert write_only.data is not None
    payload = write_only.data["transferFunds"]
    assert payload["userErrors"] == []
    assert payload["account"] is None and payload["entry"] is None
    assert "990.00" not in str(write_only.data)
    full = await gql(partner({"transfers:write", "accounts:read", "entries:read"}, member_id=asha_id), TRANSFER,
                     input=transfer("k2"))
    assert full.data["transferFunds"]["account"]["balance"]["amount"] == "980.00"
    assert full.data["transferFunds"]["entry"] is not None
