"""Share capital, dividend and year-end close through the GraphQL API, per role."""

from __future__ import annotations

from datetime import date

from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.models import Member
from tests.api.helpers import codes, gql, member, staff
from tests.shares.factory import bank_with_members
from tests.shares.test_year_end_dividend import _book

PURCHASE = """mutation P($input: PurchaseSharesInput!) { purchaseShares(input: $input) {
  transaction { kind shares amount { amount currency } admissionFee { amount } }
  certificates { number shares memberNumber paidUp { amount } } holding replayed userErrors { field code } } }"""
TRANSFER = """mutation T($input: TransferSharesInput!) { transferShares(input: $input) {
  certificates { memberNumber shares } holding userErrors { field code } } }"""
REDEEM = """mutation R($input: RedeemSharesInput!) { redeemShares(input: $input) {
  transaction { kind amount { amount } } holding userErrors { field code } } }"""
HOLDING = """query H($n: String) { shareHolding(memberNumber: $n) { memberNumber shares paidUp { amount }
  certificates { number active shares } transactions { kind shares }
  dividends { financialYear rate amount { amount } accountNumber unpaid } } }"""
REGISTER = "{ shareRegister { shareholders shares paidUp { amount } lines { memberNumber shares paidUp { amount } } } }"
CLOSE = """mutation C($input: CloseFinancialYearInput!) { closeFinancialYear(input: $input) { financialYear replayed
  closes { netProfit { amount } statutoryReserve { amount } educationFund { amount } unforeseenLossesReserve { amount } surplus { amount } }
  userErrors { field code } } }"""
PROPOSE = """mutation D($input: ProposeDividendInput!) { proposeDividend(input: $input) {
  dividend { id financialYear rate status total { amount } members } userErrors { field code } } }"""
APPROVE = """mutation A($input: ApproveDividendInput!) { approveDividend(input: $input) {
  dividend { status approvedBy credited { amount } unpaid { amount } } userErrors { field code } } }"""


async def test_members_buy_their_own_shares_and_staff_run_the_register(db: str) -> None:
    # given two verified members with savings
    people = await bank_with_members("Asha", "Ravi")
    (asha, asha_sb), (ravi, ravi_sb) = people["Asha"], people["Ravi"]
    asha_id = (await Member.get(member_number=asha)).id
    # when Asha buys 10 shares from her savings in the portal
    bought = await gql(member(asha_id), PURCHASE, input={"shares": 10, "fromAccountNumber": asha_sb, "idempotencyKey": "p1"})
    # then ₹1,000 of shares, ₹100 admission fee, one certificate
    result = bought.data["purchaseShares"]
    assert result["userErrors"] == []
    assert result["transaction"]["amount"] == {"amount": "1000.00", "currency": "INR"}
    assert result["transaction"]["admissionFee"]["amount"] == "100.00" and result["holding"] == 10
    assert [(c["shares"], c["memberNumber"]) for c in result["certificates"]] == [(10, asha)]
    # a member may not buy for someone else, pay from another's account, or pay in cash
    other = await gql(member(asha_id), PURCHASE, input={"shares": 10, "memberNumber": ravi, "fromAccountNumber": ravi_sb,
                                                         "idempotencyKey": "p2"})
    assert other.data["purchaseShares"]["userErrors"] == [{"field": "memberNumber", "code": "NOT_FOUND"}]
    theirs = await gql(member(asha_id), PURCHASE, input={"shares": 1, "fromAccountNumber": ravi_sb, "idempotencyKey": "p3"})
    assert theirs.data["purchaseShares"]["userErrors"] == [{"field": "fromAccountNumber", "code": "NOT_FOUND"}]
    cash = await gql(member(asha_id), PURCHASE, input={"shares": 1, "idempotencyKey": "p4"})
    assert cash.data["purchaseShares"]["userErrors"][0]["code"] == "INVALID_INPUT"
    # the cashier sells Ravi 15 shares for cash; the clerk transfers 5 of Asha's to him... below her minimum: refused
    sold = await gql(staff("cashier"), PURCHASE, input={"shares": 15, "memberNumber": ravi, "idempotencyKey": "p5"})
    assert sold.data["purchaseShares"]["holding"] == 15
    below = await gql(staff("clerk"), TRANSFER, input={"fromMemberNumber": asha, "toMemberNumber": ravi, "shares": 5,
                                                        "idempotencyKey": "t1"})
    assert below.data["transferShares"]["userErrors"] == [{"field": "shares", "code": "BELOW_MINIMUM_SHARES"}]
    moved = await gql(staff("clerk"), TRANSFER, input={"fromMemberNumber": ravi, "toMemberNumber": asha, "shares": 5,
                                                        "idempotencyKey": "t2"})
    assert moved.data["transferShares"]["holding"] == 10
    redeemed = await gql(staff("manager"), REDEEM, input={"memberNumber": ravi, "shares": 10, "toAccountNumber": ravi_sb,
                                                           "idempotencyKey": "r1"})
    assert redeemed.data["redeemShares"]["transaction"]["amount"]["amount"] == "1000.00"
    assert redeemed.data["redeemShares"]["holding"] == 0
    # a member may not transfer or redeem through the API
    assert codes(await gql(member(asha_id), REDEEM, input={"memberNumber": asha, "shares": 1, "idempotencyKey": "x"})) == ["FORBIDDEN"]
    # the register and the member's own page
    register = (await gql(staff("accountant"), REGISTER)).data["shareRegister"]
    assert register["shareholders"] == 1 and register["shares"] == 15 and register["paidUp"]["amount"] == "1500.00"
    mine = (await gql(member(asha_id), HOLDING)).data["shareHolding"]
    assert mine["shares"] == 15 and sum(c["active"] for c in mine["certificates"]) == 2
    assert (await gql(member(asha_id), HOLDING, n=ravi)).data["shareHolding"] is None  # not someone else's


async def test_accountant_closes_the_year_and_a_manager_approves_the_dividend(db: str) -> None:
    people = await bank_with_members("Asha")
    asha, asha_sb = people["Asha"]
    asha_id = (await Member.get(member_number=asha)).id
    await gql(staff("cashier"), PURCHASE, input={"shares": 50, "memberNumber": asha, "idempotencyKey": "p"})
    await _book(100_000_00, 40_000_00, date(2025, 6, 2))
    early = await gql(staff("accountant"), CLOSE, input={"financialYear": "2025-26", "idempotencyKey": "c"})
    assert early.data["closeFinancialYear"]["userErrors"] == [{"field": "financialYear", "code": "YEAR_NOT_ENDED"}]
    await set_business_date_at_least(date(2026, 4, 1))
    assert codes(await gql(staff("manager"), CLOSE, input={"financialYear": "2025-26", "idempotencyKey": "c"})) == ["FORBIDDEN"]
    closed = (await gql(staff("accountant"), CLOSE, input={"financialYear": "2025-26", "idempotencyKey": "c"})).data["closeFinancialYear"]
    # net profit ₹60,100 (fees 1,00,000 + admission 100 - interest 40,000): 25 % / 1 % / 10 %
    (year,) = closed["closes"]
    assert year["netProfit"]["amount"] == "60100.00" and year["statutoryReserve"]["amount"] == "15025.00"
    assert year["educationFund"]["amount"] == "601.00" and year["unforeseenLossesReserve"]["amount"] == "6010.00"
    assert year["surplus"]["amount"] == "38464.00"
    bad_year = await gql(staff("accountant"), PROPOSE, input={"financialYear": "2025-27", "rate": "10", "idempotencyKey": "d0"})
    assert bad_year.data["proposeDividend"]["userErrors"] == [{"field": "financialYear", "code": "INVALID_INPUT"}]
    capped = await gql(staff("accountant"), PROPOSE, input={"financialYear": "2025-26", "rate": "15.01", "idempotencyKey": "d1"})
    assert capped.data["proposeDividend"]["userErrors"] == [{"field": "rate", "code": "RATE_ABOVE_CAP"}]
    bad_rate = await gql(staff("accountant"), PROPOSE, input={"financialYear": "2025-26", "rate": "1e1", "idempotencyKey": "d2"})
    assert bad_rate.data["proposeDividend"]["userErrors"][0]["code"] == "INVALID_RATE"
    proposed = (await gql(staff("accountant", id=3), PROPOSE, input={"financialYear": "2025-26", "rate": "12.50",
                                                                      "idempotencyKey": "d3"})).data["proposeDividend"]
    dividend = proposed["dividend"]
    assert dividend["rate"] == "12.50" and dividend["status"] == "PROPOSED" and dividend["total"]["amount"] == "625.00"
    assert codes(await gql(staff("accountant", id=4), APPROVE, input={"dividendId": dividend["id"], "idempotencyKey": "a"})) == ["FORBIDDEN"]
    approved = (await gql(staff("manager", id=5), APPROVE, input={"dividendId": dividend["id"], "idempotencyKey": "a"})).data["approveDividend"]
    assert approved["dividend"]["status"] == "CREDITED" and approved["dividend"]["credited"]["amount"] == "625.00"
    mine = (await gql(member(asha_id), HOLDING)).data["shareHolding"]
    assert mine["dividends"] == [{"financialYear": "2025-26", "rate": "12.50", "amount": {"amount": "625.00"},
                                  "accountNumber": asha_sb, "unpaid": False}]
    report = await gql(staff("auditor"), "query R($d: ID!) { dividendReport(dividendId: $d) { memberNumber amount { amount } } }",
                       d=dividend["id"])
    assert report.data["dividendReport"] == [{"memberNumber": asha, "amount": {"amount": "625.00"}}]
