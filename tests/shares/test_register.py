"""Share capital: joining (admission fee, minimum shares), purchase, transfer, redemption."""

from __future__ import annotations

import pytest

from bankcore.chart import ADMISSION_FEES, CASH
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, Loan, LoanStatus, ShareAccount, ShareCertificate, ShareTransaction
from bankcore.services.accounts import open_account
from bankcore.models import HolderRole, ProductKind
from bankcore.services.accounts import create_product
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import EntryType
from bankcore.services._lookup import get_account, gl_account_id
from bankcore.settings import set_setting
from bankcore.shares.register import holding, purchase_shares, redeem_shares, transfer_shares
from bankcore.verify import verify_ledger
from tests.ledger.factory import make_member
from tests.shares.factory import START, bank_with_members, capital_matches_books, gl_balance


async def balance(number: str) -> int:
    return (await get_account(number)).balance_minor


async def test_joining_buys_the_minimum_and_pays_the_admission_fee_once(db: str) -> None:
    # given a verified member with ₹50,000 in savings; ₹100 shares, ₹100 fee, minimum 10
    people = await bank_with_members("Asha")
    member, savings = people["Asha"]
    # when they buy fewer than the minimum, it is refused
    with pytest.raises(DomainError) as refused:
        await purchase_shares(member_number=member, shares=9, from_account_number=savings, initiator="clerk",
                              idempotency_key="k0")
    assert refused.value.code is ErrorCode.BELOW_MINIMUM_SHARES
    # when they buy 10, ₹1,000 for the shares and ₹100 fee leave savings
    first = await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="clerk",
                                  idempotency_key="k1")
    assert first.transaction.admission_fee_minor == 100_00 and first.transaction.amount_minor == 1_000_00
    assert await balance(savings) == 50_000_00 - 1_100_00
    assert [c.shares for c in first.certificates] == [10]
    assert first.certificates[0].number.startswith("SC-")
    # a later purchase of 1 share: no fee, no minimum
    await purchase_shares(member_number=member, shares=1, from_account_number=savings, initiator="clerk",
                          idempotency_key="k2")
    assert await balance(savings) == 50_000_00 - 1_200_00
    assert await holding((await ShareAccount.get()).member_id) == 11
    assert await gl_balance(ADMISSION_FEES) == 100_00
    assert await capital_matches_books()
    assert (await verify_ledger()).ok


async def test_a_retry_with_the_same_key_buys_once_and_another_request_is_a_conflict(db: str) -> None:
    member, savings = (await bank_with_members("Asha"))["Asha"]
    a = await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="same")
    b = await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="same")
    assert b.replayed and b.transaction.id == a.transaction.id
    assert await ShareTransaction.all().count() == 1
    with pytest.raises(DomainError) as conflict:
        await purchase_shares(member_number=member, shares=12, from_account_number=savings, initiator="c", idempotency_key="same")
    assert conflict.value.code is ErrorCode.IDEMPOTENCY_CONFLICT


async def test_cash_purchase_and_refusals(db: str) -> None:
    people = await bank_with_members("Asha", "Ravi")
    member, _ = people["Asha"]
    _, ravis = people["Ravi"]
    await purchase_shares(member_number=member, shares=10, initiator="cashier", idempotency_key="cash")
    assert await gl_balance(CASH) == 2 * 50_000_00 + 1_100_00
    with pytest.raises(DomainError) as not_theirs:
        await purchase_shares(member_number=member, shares=1, from_account_number=ravis, initiator="c", idempotency_key="x")
    assert not_theirs.value.code is ErrorCode.NOT_FOUND and not_theirs.value.field == "from_account_number"
    unverified = await make_member("Unverified", verified=False)
    with pytest.raises(DomainError) as kyc:
        await purchase_shares(member_number=unverified, shares=10, initiator="c", idempotency_key="y")
    assert kyc.value.code is ErrorCode.KYC_INCOMPLETE
    with pytest.raises(DomainError) as zero:
        await purchase_shares(member_number=member, shares=0, initiator="c", idempotency_key="z")
    assert zero.value.code is ErrorCode.INVALID_INPUT


async def test_transfer_moves_certificates_and_keeps_the_minimum(db: str) -> None:
    people = await bank_with_members("Asha", "Ravi", "Meera")
    (asha, asha_sb), (ravi, ravi_sb), (meera, _) = people["Asha"], people["Ravi"], people["Meera"]
    await purchase_shares(member_number=asha, shares=25, from_account_number=asha_sb, initiator="c", idempotency_key="a")
    await purchase_shares(member_number=ravi, shares=10, from_account_number=ravi_sb, initiator="c", idempotency_key="r")
    # the receiver must be a shareholder
    with pytest.raises(DomainError) as outsider:
        await transfer_shares(from_member_number=asha, to_member_number=meera, shares=5, initiator="c", idempotency_key="t0")
    assert outsider.value.code is ErrorCode.NOT_A_SHAREHOLDER
    # 25 - 20 = 5 is under the minimum of 10
    with pytest.raises(DomainError) as below:
        await transfer_shares(from_member_number=asha, to_member_number=ravi, shares=20, initiator="c", idempotency_key="t1")
    assert below.value.code is ErrorCode.BELOW_MINIMUM_SHARES
    with pytest.raises(DomainError) as too_many:
        await transfer_shares(from_member_number=asha, to_member_number=ravi, shares=26, initiator="c", idempotency_key="t2")
    assert too_many.value.code is ErrorCode.INSUFFICIENT_SHARES
    capital_before = await gl_balance("3100")
    moved = await transfer_shares(from_member_number=asha, to_member_number=ravi, shares=15, initiator="c", idempotency_key="t3")
    # Ravi gets a certificate of 15; Asha's certificate of 25 is cancelled and a balance certificate of 10 issued
    asha_id, ravi_id = moved.transaction.member_id, moved.transaction.counterparty_id
    assert sorted((c.member_id == ravi_id, c.shares) for c in moved.certificates) == [(False, 10), (True, 15)]
    assert await holding(asha_id) == 10 and await holding(ravi_id) == 25
    assert await ShareCertificate.filter(status="cancelled").count() == 1
    assert await gl_balance("3100") == capital_before  # no money moves
    assert await capital_matches_books()
    again = await transfer_shares(from_member_number=asha, to_member_number=ravi, shares=15, initiator="c", idempotency_key="t3")
    assert again.replayed and await holding(ravi_id) == 25


async def test_redemption_on_leaving_and_not_below_the_minimum_with_a_loan(db: str) -> None:
    people = await bank_with_members("Asha", "Ravi")
    (asha, asha_sb), (ravi, ravi_sb) = people["Asha"], people["Ravi"]
    await purchase_shares(member_number=asha, shares=12, from_account_number=asha_sb, initiator="c", idempotency_key="a")
    await purchase_shares(member_number=ravi, shares=12, from_account_number=ravi_sb, initiator="c", idempotency_key="r")
    # keeping 1-9 shares is refused; keeping 10 is fine
    with pytest.raises(DomainError) as below:
        await redeem_shares(member_number=asha, shares=5, to_account_number=asha_sb, initiator="c", idempotency_key="x1")
    assert below.value.code is ErrorCode.BELOW_MINIMUM_SHARES
    before = await balance(asha_sb)
    await redeem_shares(member_number=asha, shares=2, to_account_number=asha_sb, initiator="c", idempotency_key="x2")
    assert await balance(asha_sb) == before + 200_00
    # leaving: all 10 redeemed
    await redeem_shares(member_number=asha, shares=10, to_account_number=asha_sb, initiator="c", idempotency_key="x3")
    share_account = await ShareAccount.get(member__member_number=asha)
    assert share_account.left_on == START and await holding(share_account.member_id) == 0
    # Ravi has a loan with principal outstanding: he may not go below the minimum, nor leave
    await create_product(code="LN", name="Loan", kind=ProductKind.LOAN, currency="INR", interest_rate_bps=1200)
    loan_account = await open_account(product_code="LN", holders=[(ravi, HolderRole.OWNER)])
    await Loan.create(account_id=loan_account.id, repayment_account=await Account.get(number=ravi_sb), granted_on=START,
                      amount_minor=10_000_00, currency="INR", duration_months=12, instalment_minor=1_000_00,
                      status=next(iter(LoanStatus)))
    ledger_id = (await get_account(loan_account.number)).ledger_account_id
    await post_entry(EntryDraft(entry_type=EntryType.LOAN_DISBURSAL, value_date=None, narration="disbursal", initiator="t",
                                postings=(debit(ledger_id, 10_000_00, "INR"),
                                          credit(await gl_account_id(CASH, "INR"), 10_000_00, "INR"))))
    with pytest.raises(DomainError) as loan:
        await redeem_shares(member_number=ravi, shares=12, to_account_number=ravi_sb, initiator="c", idempotency_key="y1")
    assert loan.value.code is ErrorCode.MEMBER_HAS_LOAN
    await redeem_shares(member_number=ravi, shares=2, to_account_number=ravi_sb, initiator="c", idempotency_key="y2")
    assert await capital_matches_books()
    assert (await verify_ledger()).ok


async def test_a_member_who_left_pays_the_fee_again_on_rejoining(db: str) -> None:
    member, savings = (await bank_with_members("Asha"))["Asha"]
    await set_setting("shares.admission_fee_minor", 250_00, effective_from=START, set_by="admin")
    await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="1")
    await redeem_shares(member_number=member, shares=10, to_account_number=savings, initiator="c", idempotency_key="2")
    again = await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="3")
    assert again.transaction.admission_fee_minor == 250_00
    assert await gl_balance(ADMISSION_FEES) == 500_00


async def test_verify_finds_share_capital_that_differs_from_the_register(db: str) -> None:
    member, savings = (await bank_with_members("Asha"))["Asha"]
    await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="1")
    assert (await verify_ledger()).ok
    await ShareCertificate.filter(member__member_number=member).update(shares=9)  # a register tampered with
    report = await verify_ledger()
    assert [p for p in report.problems if p.startswith("share capital 3100-INR")]
