"""A member's transfer: payee check with a masked name, remark added to the narration,
saved payees, the daily limit and the lower limit for a new payee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, JournalEntry, LedgerAccount, Member, Payee
from bankcore.settings import set_setting
from bankcore.transfers.member import add_internal_payee, check_payee, mask_name, member_transfer
from tests.api.helpers import gql, member
from tests.ledger.factory import inr, make_account, make_member, small_bank


async def balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def two_members() -> tuple[Member, str, str, str]:
    await small_bank()
    await ensure_calendar()
    payer_no = await make_member("Asha Rao")
    payer = await Member.get(member_number=payer_no)
    source = await make_account("SB0", owner=payer_no, deposit="90000.00")
    own = await make_account("SB0", owner=payer_no)
    other = await make_account("SB0", owner=await make_member("Rahul Kumar"))
    return payer, source, own, other


def test_names_are_masked_letter_by_letter() -> None:
    assert mask_name("Rahul Kumar") == "R**** K****"
    assert mask_name("  Asha   Rao ") == "A*** R**"


async def test_the_payee_check_catches_typos_unknown_and_closed_accounts(db: str) -> None:
    payer, _, own, other = await two_members()
    check = await check_payee(account_number=other, member_id=payer.id)
    assert (check.account_number, check.masked_name, check.own_account) == (other, "R**** K****", False)
    assert (await check_payee(account_number=own, member_id=payer.id)).own_account
    typo = other[:-1] + str((int(other[-1]) + 1) % 10)
    for number, code in ((typo, ErrorCode.INVALID_ACCOUNT_NUMBER), ("12345", ErrorCode.INVALID_ACCOUNT_NUMBER)):
        with pytest.raises(DomainError) as refused:
            await check_payee(account_number=number)
        assert refused.value.code is code
    await Account.filter(number=other).update(status="closed")
    with pytest.raises(DomainError) as closed:
        await check_payee(account_number=other)
    assert closed.value.code is ErrorCode.ACCOUNT_NOT_ACTIVE


async def test_a_remark_is_added_to_the_narration_never_replacing_it(db: str) -> None:
    payer, source, _, other = await two_members()
    posted = await member_transfer(member_id=payer.id, actor=f"member:{payer.id}", from_account_number=source,
                                   to_account_number=other, amount=inr("100.00"), remark="Rent for May")
    assert posted.narration == f"Transfer {source} to {other}: Rent for May"


async def test_a_new_payee_has_a_lower_limit_and_own_accounts_none(db: str) -> None:
    payer, source, own, other = await two_members()
    actor = f"member:{payer.id}"
    await set_setting("transfers.new_payee_limit_minor", 1_000_00, effective_from=await business_date(), set_by="test")
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=other,
                          amount=inr("600.00"))
    with pytest.raises(DomainError) as refused:
        await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=other,
                              amount=inr("400.01"))
    assert refused.value.code is ErrorCode.NEW_PAYEE_LIMIT
    assert await balance(other) == 600_00
    # own accounts are never limited
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=own,
                          amount=inr("50000.00"))
    # saved just now: still new; saved more than 24 hours ago: the daily limit only
    payee = await add_internal_payee(member_id=payer.id, name="Rahul", account_number=other)
    with pytest.raises(DomainError):
        await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=other,
                              amount=inr("500.00"))
    await Payee.filter(id=payee.id).update(created_at=datetime.now(UTC) - timedelta(hours=25))
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=other,
                          amount=inr("5000.00"))
    assert await balance(other) == 5600_00


async def test_the_daily_limit_counts_transfers_to_others_only(db: str) -> None:
    payer, source, own, other = await two_members()
    actor = f"member:{payer.id}"
    today = await business_date()
    await set_setting("transfers.member_daily_limit_minor", 2_000_00, effective_from=today, set_by="test")
    await set_setting("transfers.new_payee_limit_minor", 10_000_00, effective_from=today, set_by="test")
    third = await make_account("SB0", owner=await make_member("Meena Shah"))
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=own,
                          amount=inr("5000.00"))
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=other,
                          amount=inr("1500.00"))
    with pytest.raises(DomainError) as refused:
        await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=third,
                              amount=inr("500.01"))
    assert refused.value.code is ErrorCode.TRANSFER_DAILY_LIMIT
    assert "2000.00" in refused.value.message
    await member_transfer(member_id=payer.id, actor=actor, from_account_number=source, to_account_number=third,
                          amount=inr("500.00"))
    assert await JournalEntry.filter(entry_type="transfer").count() == 3


TRANSFER = """
mutation T($input: TransferFundsInput!) {
  transferFunds(input: $input) { entry { narration } userErrors { code field message } }
}"""

CHECK = """
query C($n: String!) {
  transferPayee(accountNumber: $n) { payee { accountNumber maskedName ownAccount } userErrors { code field } }
}"""

ADD = """
mutation A($input: AddPayeeInput!) {
  addPayee(input: $input) { payee { id kind name internalAccountNumber } userErrors { code field } }
}"""


async def test_through_the_api_members_get_limits_check_and_internal_payees(db: str) -> None:
    payer, source, _, other = await two_members()
    await set_setting("transfers.new_payee_limit_minor", 1_000_00, effective_from=await business_date(), set_by="test")
    ctx = member(payer.id)
    check = await gql(ctx, CHECK, n=other)
    assert check.data["transferPayee"]["payee"] == {"accountNumber": other, "maskedName": "R**** K****", "ownAccount": False}
    bad = await gql(ctx, CHECK, n="000000000000")
    assert bad.data["transferPayee"]["userErrors"][0]["code"] in ("INVALID_ACCOUNT_NUMBER", "NOT_FOUND")
    done = await gql(ctx, TRANSFER, input={"fromAccountNumber": source, "toAccountNumber": other, "idempotencyKey": "t1",
                                           "amount": {"amount": "999.00", "currency": "INR"}, "narration": "Books"})
    assert done.data["transferFunds"]["entry"]["narration"] == f"Transfer {source} to {other}: Books"
    over = await gql(ctx, TRANSFER, input={"fromAccountNumber": source, "toAccountNumber": other, "idempotencyKey": "t2",
                                           "amount": {"amount": "2.00", "currency": "INR"}})
    assert over.data["transferFunds"]["userErrors"][0]["code"] == "NEW_PAYEE_LIMIT"
    added = await gql(ctx, ADD, input={"name": "Rahul (landlord)", "accountNumber": other})
    assert added.data["addPayee"]["payee"]["kind"] == "INTERNAL"
    assert added.data["addPayee"]["payee"]["internalAccountNumber"] == other
