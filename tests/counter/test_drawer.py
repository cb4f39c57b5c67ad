"""The teller's cash drawer: float, cash in and out from the ledger, closing count and difference."""

from __future__ import annotations

import pytest

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.counter.drawer import branch_drawers, close_drawer, count_total_minor, current_drawer, open_drawer
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.staff import create_staff_user
from bankcore.models import Branch, StaffRole
from bankcore.services.money_movement import deposit_cash, withdraw_cash
from bankcore.settings import set_setting
from tests.ledger.factory import inr, make_account, small_bank


async def cashier(username: str = "cash1") -> str:
    branch = await Branch.get(code="001")
    user = await create_staff_user(username=username, full_name=f"Cashier {username}", role=StaffRole.CASHIER,
                                   password="a long enough password 1", actor="test", branch_code=branch.code)
    return f"staff:{user.user.id}"


def test_a_count_is_valued_by_denomination() -> None:
    assert count_total_minor({"2000": 1, "500": 3, "1": 7}) == 3507_00
    with pytest.raises(DomainError) as bad:
        count_total_minor({"3": 1})
    assert bad.value.code is ErrorCode.INVALID_INPUT
    with pytest.raises(DomainError):
        count_total_minor({"10": -1})


async def test_open_take_in_pay_out_close_with_a_shortage(db: str) -> None:
    await small_bank()
    await ensure_calendar()
    teller = await cashier()
    number = await make_account("SB0")
    await open_drawer(teller=teller, opening_float_minor=10_000_00)
    with pytest.raises(DomainError) as twice:
        await open_drawer(teller=teller, opening_float_minor=10_000_00)
    assert twice.value.code is ErrorCode.DRAWER_ALREADY_OPEN
    await deposit_cash(account_number=number, amount=inr("2500.00"), initiator=teller)
    await withdraw_cash(account_number=number, amount=inr("500.00"), initiator=teller)
    await deposit_cash(account_number=number, amount=inr("999.00"), initiator="staff:999")  # another teller
    view = await current_drawer(teller=teller)
    assert (view.cash_in_minor, view.cash_out_minor, view.expected_minor) == (2500_00, 500_00, 12_000_00)
    # 5 x 2000 + 3 x 500 + 4 x 100 = 11,900: ₹100 short
    closed = await close_drawer(teller=teller, count={"2000": 5, "500": 3, "100": 4}, note="short by 100")
    d = closed.drawer
    assert (d.status, d.counted_minor, d.expected_minor, d.difference_minor) == ("closed", 11_900_00, 12_000_00, -100_00)
    assert d.closing_count == {"2000": 5, "500": 3, "100": 4}
    with pytest.raises(DomainError) as again:
        await close_drawer(teller=teller, count={"2000": 6})
    assert again.value.code is ErrorCode.DRAWER_NOT_OPEN
    drawers = await branch_drawers(branch_id=(await Branch.get(code="001")).id)
    assert [v.drawer.teller for v in drawers] == [teller]


async def test_with_the_setting_on_cash_needs_an_open_drawer(db: str) -> None:
    await small_bank()
    await ensure_calendar()
    await set_setting("cash.drawer_required", True, effective_from=await business_date(), set_by="test")
    teller = await cashier()
    number = await make_account("SB0")
    with pytest.raises(DomainError) as refused:
        await deposit_cash(account_number=number, amount=inr("10.00"), initiator=teller)
    assert refused.value.code is ErrorCode.DRAWER_NOT_OPEN
    await open_drawer(teller=teller, opening_float_minor=0)
    await deposit_cash(account_number=number, amount=inr("10.00"), initiator=teller)
