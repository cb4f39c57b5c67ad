"""Savings products have no overdraft unless configured (issue 9, item 8): only the Berka
import's own product keeps the data's 10,000 overdraft (tests/berka/test_shift_and_names.py)."""

from __future__ import annotations

from bankcore.errors import ErrorCode
from bankcore.models import Account, Product, ProductKind
from bankcore.services.accounts import create_product
from bankcore.services.money_movement import withdraw_cash
from coopbank.commands.demo import _products
from tests.ledger.factory import inr, make_account, make_branch
from tests.ledger.test_services import code_of


async def test_a_savings_product_has_no_overdraft_unless_configured(db: str) -> None:
    await make_branch()
    plain = await create_product(code="SBX", name="Savings X", kind=ProductKind.SAVINGS, currency="INR")
    assert (plain.overdraft_limit_minor, plain.floor_minor) == (0, 0)
    # the demo's own savings product: a minimum balance, no overdraft
    await _products("INR")
    demo = await Product.get(code="SB")
    assert demo.overdraft_limit_minor == 0 and demo.min_balance_minor == 1_000_00
    # an account of such a product never goes below zero
    number = await make_account("SBX", deposit="100.00")
    account = await Account.get(number=number).prefetch_related("ledger_account")
    assert account.ledger_account.floor_minor == 0
    assert await code_of(withdraw_cash(account_number=number, amount=inr("100.01"), initiator="t")) is (
        ErrorCode.INSUFFICIENT_FUNDS)
    await withdraw_cash(account_number=number, amount=inr("100.00"), initiator="t")
