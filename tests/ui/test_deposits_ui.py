"""The member's Deposits page through NiceGUI's User fixture: open a fixed deposit from savings
(confirmed with the authenticator's code), see it with its maturity value, change the
maturity instruction and close it early after a quote."""

from __future__ import annotations

from nicegui.testing import User

from tests.ui.test_payments_ui import _wait_text


async def _wait_marker(user: User, marker: str, tries: int = 200) -> None:
    """Pages load their data after the frame; a loaded machine takes a while."""
    import asyncio

    for _ in range(tries):
        try:
            await user.should_see(marker=marker, retries=1)
            return
        except AssertionError:
            await asyncio.sleep(0.05)
    await user.should_see(marker=marker)

from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import enrol_member_totp, set_member_password
from bankcore.identity.totp import code_at, time_step
from bankcore.models import DepositStatus, MaturityInstruction, PrincipalKind, TermDeposit
from tests.deposits.factory import deposit_bank, saver
from tests.ui.conftest import sign_in_as


async def test_a_member_opens_a_fixed_deposit_changes_its_instruction_and_closes_it(user: User) -> None:
    await deposit_bank()
    member, savings = await saver(balance="150000.00")
    await set_member_password(member_id=member.id, password="a fine portal password", actor="test")
    secret = (await enrol_member_totp(member_id=member.id, actor="test")).secret
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/deposits")
    await _wait_text(user, "You have no deposits yet.", tries=300)
    user.find(marker="open-fd").click()
    await _wait_marker(user, "fd-form")
    await user.should_see("365–730 days: 7.00 %")
    # an amount below the product's minimum is refused at Review, with nothing to confirm
    user.find(marker="fd-amount").type("10")
    user.find(marker="fd-review").click()
    await _wait_text(user, "the amount must be at least")
    await user.should_not_see(marker="fd-confirm")
    user.find(marker="fd-amount").clear().type("50000")
    user.find(marker="fd-review").click()
    await _wait_text(user, f"Open a Fixed deposit of ₹50,000.00 for 12 months from {savings}?")
    # a form changed after its review cannot be confirmed: it is reviewed again
    user.find(marker="fd-amount").clear().type("100000")
    await _wait_marker(user, "fd-changed")
    await user.should_not_see(marker="fd-confirm")
    user.find(marker="fd-review").click()
    await _wait_text(user, f"Open a Fixed deposit of ₹1,00,000.00 for 12 months from {savings}?")
    await _wait_text(user, "7.00 % a year. Matures on")
    await _wait_text(user, "₹1,07,185.90 before TDS.")  # the bank's quote: what opening then contracts
    user.find(marker="fd-confirm").click()
    await _wait_marker(user, "step-up-code")
    user.find(marker="step-up-code").type(code_at(secret, time_step(utcnow())))
    user.find(marker="step-up-confirm").click()
    await _wait_marker(user, "instruction")  # the page drawn again with the deposit's card
    await _wait_text(user, "₹1,07,185.90")  # the maturity value of 1 lakh at 7 % for a year
    fd = await TermDeposit.get(member_id=member.id)
    assert fd.principal_minor == 100_000_00 and fd.status == DepositStatus.ACTIVE
    user.find(marker="instruction").elements.pop().set_value("RENEW_ALL")
    for _ in range(50):
        if (await TermDeposit.get(id=fd.id)).maturity_instruction == MaturityInstruction.RENEW_ALL:
            break
        await user.should_see(marker="instruction")
    assert (await TermDeposit.get(id=fd.id)).maturity_instruction == MaturityInstruction.RENEW_ALL
    user.find(marker="close").click()
    await _wait_marker(user, "quote")
    user.find(marker="close-confirm").click()
    await _wait_text(user, "Closed early")
    assert (await TermDeposit.get(id=fd.id)).status == DepositStatus.CLOSED_PREMATURELY


async def test_a_clerk_opens_an_fd_from_cash_and_sees_it_in_the_maturity_list(user: User) -> None:
    from tests.ui.test_staff import as_staff

    await deposit_bank()
    _, savings = await saver(balance="")
    await as_staff(user, "clerk")
    await user.open("/staff/deposits")
    await _wait_marker(user, "open-card")
    user.find(marker="account").type(savings)
    user.find(marker="amount").type("50000")
    user.find(marker="months").elements.pop().set_value(3)
    user.find(marker="cash").elements.pop().set_value(True)
    user.find(marker="submit").click()
    await _wait_text(user, "at 6.00 %: matures 01-07-2026")
    fd = await TermDeposit.get(payout_account__number=savings)
    assert fd.principal_minor == 50_000_00 and fd.tenure_months == 3
    user.find(marker="maturing-days").elements.pop().set_value(120)
    user.find(marker="maturing-show").click()
    await _wait_text(user, fd.number)


async def test_the_accountant_sees_the_tds_register(user: User) -> None:
    from datetime import date

    from bankcore.deposits.interest import credit_interest
    from bankcore.deposits.service import open_deposit
    from bankcore.models import DepositKind
    from tests.ledger.factory import inr
    from tests.ui.test_staff import as_staff

    await deposit_bank()
    _, savings = await saver(balance="2000000.00")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                             from_account_number=savings, initiator="test")).deposit
    await credit_interest(fd, interest_minor=60_000_00, to_ledger_account_id=fd.ledger_account_id,
                          value_date=date(2026, 4, 1), reason="payout", initiator="test", idempotency_key="ui-tds")
    await as_staff(user, "accountant")
    await user.open("/staff/deposits")
    await _wait_marker(user, "tds")
    rows = user.find(marker="tds").elements.pop().rows
    assert [(r["deposit"], r["tds"], r["rate"], r["pan"]) for r in rows] == [(fd.number, "₹12,000.00", "20.00 %", "no")]


async def _closed_with_refund():  # noqa: ANN202
    """A member whose quarterly-payout FD paid 52,500 this year (5,250 TDS) and was closed early: all refunded."""
    from bankcore.deposits.closing import close_prematurely
    from tests.deposits.test_closure_tds_refund import _payout_fd_member

    member, _, fd = await _payout_fd_member(pan="ABCDE1234F", earlier_interest_minor=0)
    closed = await close_prematurely(deposit_number=fd.number, initiator="test")
    assert closed.tds_refunded_minor == 5_250_00
    return member, fd


async def test_a_member_sees_the_tds_refunded_on_an_early_closure(user: User) -> None:
    member, fd = await _closed_with_refund()
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/deposits")
    await _wait_marker(user, "field TDS refunded")
    assert [e.text for e in user.find(marker="field TDS refunded").elements] == ["₹5,250.00"]
    del fd


async def test_the_tds_register_marks_a_refund_on_early_closure(user: User) -> None:
    from tests.ui.test_staff import as_staff

    _, fd = await _closed_with_refund()
    await as_staff(user, "accountant")
    await user.open("/staff/deposits")
    await _wait_marker(user, "tds")
    rows = user.find(marker="tds").elements.pop().rows
    assert [(r["deposit"], r["tds"], r["note"]) for r in rows if r["note"]] == [(fd.number, "-₹5,250.00", "refund: closed early")]
