"""The counter posts exactly what was reviewed; loans take no cash; the drawer opens and closes."""

from __future__ import annotations

from nicegui.testing import User

from bankcore.models import Account, HolderRole, JournalEntry, LedgerAccount, ProductKind
from bankcore.services.accounts import create_product, open_account
from tests.ledger.factory import make_account, make_member, small_bank
from tests.ui.test_staff import as_staff


async def open_counter(user: User) -> None:
    await user.open("/staff/cashier")
    await user.should_see(marker="search", retries=50)  # the page draws its drawer first, slow on a busy machine


async def balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def test_flipping_the_kind_after_review_withdraws_the_confirmation(user: User) -> None:
    await small_bank()
    account = await make_account("SB0", deposit="5000.00")
    await as_staff(user, "cashier")
    await open_counter(user)
    user.find(marker="search").type(account)
    user.find(marker="find").click()
    await user.should_see(marker="counter-account")
    user.find(marker="cash-amount").type("2500")
    user.find(marker="cash-review").click()
    await user.should_see("Take in ₹2,500.00")
    # the cashier flips to Withdrawal after the review: the confirmation goes away
    user.find(marker="cash-kind").elements.pop().value = "withdraw"
    await user.should_not_see(marker="cash-confirm")
    await user.should_see("Changed: review again before confirming.")
    assert await balance(account) == 5000_00
    # reviewing again shows (and then posts) the withdrawal
    user.find(marker="cash-review").click()
    await user.should_see("Pay out ₹2,500.00")
    user.find(marker="cash-confirm-button").click()
    await user.should_see(marker="receipt", retries=10)
    assert await balance(account) == 2500_00
    entry = await JournalEntry.filter(entry_type="cash_withdrawal").get()
    assert entry.initiator.startswith("staff:")


async def test_editing_the_amount_after_review_posts_nothing_until_reviewed(user: User) -> None:
    await small_bank()
    account = await make_account("SB0")
    await as_staff(user, "cashier")
    await open_counter(user)
    user.find(marker="search").type(account)
    user.find(marker="find").click()
    await user.should_see(marker="counter-account")
    user.find(marker="cash-amount").type("100")
    user.find(marker="cash-review").click()
    await user.should_see("Take in ₹100.00")
    user.find(marker="cash-amount").type("0")
    await user.should_not_see(marker="cash-confirm")
    user.find(marker="cash-review").click()
    await user.should_see("Take in ₹1,000.00")
    user.find(marker="cash-confirm-button").click()
    await user.should_see(marker="receipt", retries=10)
    assert await balance(account) == 1000_00


async def test_a_loan_account_offers_no_cash_and_a_big_deposit_asks_for_form60(user: User) -> None:
    await small_bank()
    owner = await make_member()
    await create_product(code="LN", name="Personal loan", kind=ProductKind.LOAN, currency="INR", interest_rate_bps=1200)
    loan = (await open_account(product_code="LN", holders=[(owner, HolderRole.OWNER)])).number
    savings = await make_account("SB0", owner=owner)
    await as_staff(user, "cashier")
    await open_counter(user)
    user.find(marker="search").type(loan)
    user.find(marker="find").click()
    await user.should_see("This is a loan account", retries=10)
    await user.should_not_see(marker="cash-amount")
    user.find(marker="search").clear().type(savings)
    user.find(marker="find").click()
    await user.should_see(marker="counter-account")
    user.find(marker="cash-amount").type("60000")
    user.find(marker="cash-review").click()
    user.find(marker="cash-confirm-button").click()
    await user.should_see("Form 60", retries=10)
    assert await balance(savings) == 0
    user.find(marker="cash-form60").click()
    user.find(marker="cash-review").click()
    await user.should_see("With a Form 60 declaration")
    user.find(marker="cash-confirm-button").click()
    await user.should_see(marker="receipt", retries=10)
    assert await balance(savings) == 60_000_00


async def test_the_cashier_opens_and_closes_the_drawer_and_the_manager_sees_it(user: User, create_user) -> None:
    await small_bank()
    account = await make_account("SB0")
    await as_staff(user, "cashier")
    await open_counter(user)
    user.find(marker="drawer-float").type("10000")
    user.find(marker="drawer-open").click()
    await user.should_see(marker="drawer-title", retries=10)
    user.find(marker="search").type(account)
    user.find(marker="find").click()
    await user.should_see(marker="counter-account")
    user.find(marker="cash-amount").type("2500")
    user.find(marker="cash-review").click()
    user.find(marker="cash-confirm-button").click()
    await user.should_see(marker="receipt", retries=10)
    await user.should_see("₹12,500.00")  # expected in the drawer
    user.find(marker="count 2000").elements.pop().value = 6
    user.find(marker="count 500").elements.pop().value = 1
    user.find(marker="drawer-close").click()
    await user.should_see("Balanced", retries=10)
    manager = create_user()
    await as_staff(manager, "manager")
    await manager.open("/staff/branch")
    await manager.should_see(marker="branch-drawers", retries=10)
    await manager.should_see("Test cashier · closed")
