"""Nominees: a member names one for an account they own; staff for any account."""

from __future__ import annotations

from bankcore.models import Member
from tests.api.helpers import gql, member, staff
from tests.ledger.factory import make_account, make_member, small_bank

SET = """
mutation Nominate($n: String!, $m: String) {
  setNominee(accountNumber: $n, nomineeMemberNumber: $m) { account { holders { role memberNumber } } userErrors { field code } }
}"""


async def test_owner_names_replaces_and_removes_a_nominee(db: str) -> None:
    # given
    await small_bank()
    owner = await make_member("Arun")
    wife, son, stranger = await make_member("Divya"), await make_member("Kabir"), await make_member("Zoya")
    account = await make_account("SB0", owner=owner)
    theirs = await make_account("SB0", owner=stranger)
    as_owner = member((await Member.get(member_number=owner)).id)
    # when / then
    named = await gql(as_owner, SET, n=account, m=wife)
    assert {"role": "NOMINEE", "memberNumber": wife} in named.data["setNominee"]["account"]["holders"]
    replaced = await gql(as_owner, SET, n=account, m=son)
    nominees = [h for h in replaced.data["setNominee"]["account"]["holders"] if h["role"] == "NOMINEE"]
    assert nominees == [{"role": "NOMINEE", "memberNumber": son}]
    self_nominated = await gql(as_owner, SET, n=account, m=owner)
    assert self_nominated.data["setNominee"]["userErrors"][0]["code"] == "INVALID_INPUT"
    not_mine = await gql(as_owner, SET, n=theirs, m=wife)
    assert not_mine.data["setNominee"]["userErrors"][0]["code"] == "NOT_FOUND"
    removed = await gql(staff("clerk"), SET, n=account, m=None)
    assert [h["role"] for h in removed.data["setNominee"]["account"]["holders"]] == ["OWNER"]


CREATE_PRODUCT = """
mutation P($input: CreateProductInput!) {
  createProduct(input: $input) { product { code kind interestRatePercent minimumBalance { amount currency } } userErrors { field code } }
}"""


async def test_admin_creates_a_product_with_exact_rate_and_limits(db: str) -> None:
    await small_bank()
    made = await gql(staff("admin"), CREATE_PRODUCT, input={
        "code": "sb-senior", "name": "Senior citizens' savings", "kind": "SAVINGS", "currency": "INR",
        "interestRatePercent": "4.25", "minimumBalance": "1000.00"})
    assert made.data["createProduct"]["product"] == {
        "code": "SB-SENIOR", "kind": "SAVINGS", "interestRatePercent": "4.25", "minimumBalance": {"amount": "1000.00", "currency": "INR"}}
    for bad, field in (({"interestRatePercent": "NaN"}, "interestRatePercent"), ({"minimumBalance": "1.005"}, "amount"),
                       ({"code": "SB-SENIOR"}, "code"), ({"code": "x"}, "code")):
        result = await gql(staff("admin"), CREATE_PRODUCT, input={
            "code": "SB-2", "name": "Another", "kind": "SAVINGS", "currency": "INR", **bad})
        errors = result.data["createProduct"]["userErrors"]
        assert errors and errors[0]["field"] == field, (bad, errors)
