"""GraphQL money operations per role: given / when / then, through the real schema."""

from __future__ import annotations

from bankcore.models import Member
from tests.api.helpers import anonymous, gql, member, partner, staff
from tests.ledger.factory import make_account, make_member, small_bank

DEPOSIT = """
mutation Deposit($input: DepositCashInput!) {
  depositCash(input: $input) {
    replayed
    entry { entryId entryType postings { ledgerAccountCode side amount { amount currency } } }
    account { number balance { amount currency } }
    userErrors { field message code }
  }
}
"""

TRANSFER = """
mutation Transfer($input: TransferFundsInput!) {
  transferFunds(input: $input) {
    account { number balance { amount currency } availableBalance { amount } }
    userErrors { field message code }
  }
}
"""

ACCOUNT = """
query Account($number: String!) {
  account(number: $number) {
    number status currency balance { amount currency }
    holders { role memberNumber }
    statement(fromDate: "2000-01-01", toDate: "2100-01-01") {
      openingBalance { amount } closingBalance { amount }
      lines { narration credit { amount } debit { amount } runningBalance { amount } }
    }
  }
}
"""


async def member_id(number: str) -> int:
    return (await Member.get(member_number=number)).id


async def test_cashier_deposits_and_a_retry_replays(db: str) -> None:
    # given
    await small_bank()
    number = await make_account("SB0")
    variables = {"input": {"accountNumber": number, "amount": {"amount": "1500.50", "currency": "INR"}, "idempotencyKey": "dep-1"}}
    # when
    first = await gql(staff("cashier"), DEPOSIT, **variables)
    again = await gql(staff("cashier"), DEPOSIT, **variables)
    # then
    assert first.errors is None, first.errors
    payload = first.data["depositCash"]
    assert payload["userErrors"] == []
    assert payload["account"]["balance"] == {"amount": "1500.50", "currency": "INR"}
    assert {p["side"] for p in payload["entry"]["postings"]} == {"DEBIT", "CREDIT"}
    assert again.data["depositCash"]["replayed"] is True
    assert again.data["depositCash"]["entry"]["entryId"] == payload["entry"]["entryId"]


async def test_bad_amounts_are_user_errors_and_write_nothing(db: str) -> None:
    # given
    await small_bank()
    number = await make_account("SB0")
    bad = ["0", "-5", "NaN", "Infinity", "1.005", "1e3", "१२३", "12,00", "9" * 30, "x" * 1_000_000]
    for i, amount in enumerate(bad):
        # when
        result = await gql(staff("cashier"), DEPOSIT, input={"accountNumber": number, "amount": {"amount": amount, "currency": "INR"}, "idempotencyKey": f"k{i}"})
        # then
        assert result.errors is None, (amount, result.errors)
        errors = result.data["depositCash"]["userErrors"]
        assert [e["code"] for e in errors] == ["INVALID_AMOUNT"], (amount[:20], errors)
        assert errors[0]["field"] == "amount"
    result = await gql(staff("cashier"), DEPOSIT, input={"accountNumber": number, "amount": {"amount": "1", "currency": "EUR"}, "idempotencyKey": "eur"})
    assert result.data["depositCash"]["userErrors"][0]["code"] == "CURRENCY_MISMATCH"
    result = await gql(staff("cashier"), ACCOUNT, number=number)
    assert result.data["account"]["balance"]["amount"] == "0.00"
    assert result.data["account"]["statement"]["lines"] == []


async def test_member_sees_and_moves_only_their_own_money(db: str) -> None:
    # given
    await small_bank()
    asha = await make_member("Asha")
    ravi = await make_member("Ravi")
    asha_account = await make_account("SB0", owner=asha, deposit="100.00")
    ravi_account = await make_account("SB0", owner=ravi, deposit="100.00")
    as_asha = member(await member_id(asha))
    # when: Asha pays Ravi, then tries to pay herself from Ravi's account
    paid = await gql(as_asha, TRANSFER, input={"fromAccountNumber": asha_account, "toAccountNumber": ravi_account,
                                                "amount": {"amount": "40", "currency": "INR"}, "idempotencyKey": "t1"})
    stolen = await gql(as_asha, TRANSFER, input={"fromAccountNumber": ravi_account, "toAccountNumber": asha_account,
                                                  "amount": {"amount": "40", "currency": "INR"}, "idempotencyKey": "t2"})
    unknown = await gql(as_asha, TRANSFER, input={"fromAccountNumber": "001999999996", "toAccountNumber": asha_account,
                                                   "amount": {"amount": "40", "currency": "INR"}, "idempotencyKey": "t3"})
    # then
    assert paid.data["transferFunds"]["account"]["balance"]["amount"] == "60.00"
    assert stolen.data["transferFunds"]["account"] is None
    stolen_error = stolen.data["transferFunds"]["userErrors"][0]
    assert stolen_error["code"] == "NOT_FOUND"
    # Forbidden and unknown answer alike (the number differs, the shape and code do not).
    unknown_error = unknown.data["transferFunds"]["userErrors"][0]
    assert unknown_error["code"] in {"NOT_FOUND", "INVALID_ACCOUNT_NUMBER"}
    own = await gql(as_asha, ACCOUNT, number=asha_account)
    theirs = await gql(as_asha, ACCOUNT, number=ravi_account)
    assert own.data["account"]["balance"]["amount"] == "60.00"
    assert theirs.data["account"] is None and theirs.errors is None
    ravi_now = await gql(staff("manager"), ACCOUNT, number=ravi_account)
    assert ravi_now.data["account"]["balance"]["amount"] == "140.00"


async def test_roles_without_the_right_cannot_move_money(db: str) -> None:
    await small_bank()
    number = await make_account("SB0")
    variables = {"input": {"accountNumber": number, "amount": {"amount": "1", "currency": "INR"}, "idempotencyKey": "x"}}
    for ctx in (anonymous(), member(1), staff("clerk"), staff("accountant"), partner({"transfers:write"})):
        result = await gql(ctx, DEPOSIT, **variables)
        assert result.data is None or result.data.get("depositCash") is None
        assert result.errors, ctx
    auditor = await gql(staff("auditor"), DEPOSIT, **variables)
    assert auditor.errors and auditor.errors[0].message == "Auditors are read-only."
    balance = await gql(staff("auditor"), ACCOUNT, number=number)
    assert balance.data["account"]["balance"]["amount"] == "0.00"
