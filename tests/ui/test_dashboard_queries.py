"""The dashboard queries the staff pages use (graphql_api/queries_dashboards.py), through the schema."""

from __future__ import annotations

from bankcore.services.money_movement import deposit_cash, withdraw_cash
from tests.api.helpers import gql, member, staff
from tests.ledger.factory import inr, make_account, small_bank

CASH_TOTALS = "query CashTotals { cashTotals { currency depositsCount withdrawalsCount deposits { amount } withdrawals { amount } net { amount } } }"
OVERVIEW = """
query Overview($branchCode: String) {
  branchOverview(branchCode: $branchCode, days: 7) {
    members membersKycPending accountsByStatus { status count } deposits { amount currency }
    dailyVolume { entries amount { amount currency } }
  }
}"""


async def test_cash_totals_count_only_the_callers_cash_of_today(db: str) -> None:
    # given: cashier 7 takes in 1,000 and 250 and pays out 100; cashier 8 takes in 5,000
    await small_bank()
    account = await make_account("SB0")
    for amount in ("1000.00", "250.00"):
        await deposit_cash(account_number=account, amount=inr(amount), initiator="staff:7")
    await withdraw_cash(account_number=account, amount=inr("100.00"), initiator="staff:7")
    await deposit_cash(account_number=account, amount=inr("5000.00"), initiator="staff:8")
    # when
    result = await gql(staff("cashier", id=7), CASH_TOTALS)
    # then
    assert result.errors is None, result.errors
    assert result.data["cashTotals"] == [{
        "currency": "INR", "depositsCount": 2, "withdrawalsCount": 1, "deposits": {"amount": "1250.00"},
        "withdrawals": {"amount": "100.00"}, "net": {"amount": "1150.00"},
    }]


async def test_branch_overview_counts_and_sums(db: str) -> None:
    await small_bank()
    await make_account("SB0", deposit="1000.00")
    await make_account("SB0", deposit="234.50")
    whole = (await gql(staff("manager"), OVERVIEW)).data["branchOverview"]
    assert whole["members"] == 2 and whole["membersKycPending"] == 0
    assert whole["accountsByStatus"] == [{"status": "active", "count": 2}]
    assert whole["deposits"] == [{"amount": "1234.50", "currency": "INR"}]
    assert whole["dailyVolume"] == [{"entries": 2, "amount": {"amount": "1234.50", "currency": "INR"}}]
    other = (await gql(staff("manager"), OVERVIEW, branchCode="999")).data["branchOverview"]
    assert other["members"] == 0 and other["dailyVolume"] == []


async def test_members_and_cashiers_may_not_see_the_branch_overview(db: str) -> None:
    await small_bank()
    for ctx in (member(1), staff("cashier")):
        result = await gql(ctx, OVERVIEW)
        assert [(e.extensions or {}).get("code") for e in result.errors] == ["FORBIDDEN"]
