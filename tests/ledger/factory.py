"""Building a small bank for service tests: one branch, a product, verified members."""

from __future__ import annotations

from bankcore.chart import CLEARING
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Branch, EntryType, HolderRole, ProductKind
from bankcore.money import Money
from bankcore.services.accounts import create_product, open_account
from bankcore.services.members import register_member, verify_kyc
from bankcore.services._lookup import get_account, gl_account_id
from bankcore.services.money_movement import deposit_cash


def inr(amount: str) -> Money:
    return Money.parse(amount, "INR")


async def make_branch(code: str = "001") -> Branch:
    return await Branch.create(code=code, name=f"Branch {code}")


async def make_products() -> None:
    await create_product(code="SB", name="Savings", kind=ProductKind.SAVINGS, currency="INR",
                         interest_rate_bps=350, min_balance_minor=50_000)
    await create_product(code="CA", name="Current", kind=ProductKind.CURRENT, currency="INR",
                         overdraft_limit_minor=1_000_000)
    await create_product(code="SB0", name="Basic savings", kind=ProductKind.SAVINGS, currency="INR")


async def make_member(name: str = "Asha Rao", *, verified: bool = True, branch: str = "001") -> str:
    member = await register_member(full_name=name, branch_code=branch)
    if verified:
        await verify_kyc(member_number=member.member_number)
    return member.member_number


async def make_account(product: str = "SB0", *, owner: str | None = None, deposit: str | None = None) -> str:
    owner = owner or await make_member()
    account = await open_account(product_code=product, holders=[(owner, HolderRole.OWNER)])
    if deposit:
        await fund(account.number, inr(deposit))
    return account.number


async def fund(number: str, amount: Money) -> None:
    """Money into a test account: as cash (with a Form 60) below the s.269ST limit, else as an
    inward transfer through clearing (no one may bring ₹2 lakh in cash in a day)."""
    if amount.amount_minor < 1_00_000_00:
        await deposit_cash(account_number=number, amount=amount, initiator="test", form60=True)
        return
    account = await get_account(number)
    clearing = await gl_account_id(CLEARING, amount.currency)
    await post_entry(EntryDraft(
        entry_type=EntryType.INWARD_TRANSFER, value_date=None, narration="Opening funds (test)", initiator="test",
        postings=(debit(clearing, amount.amount_minor, amount.currency),
                  credit(account.ledger_account_id, amount.amount_minor, amount.currency)),
    ))


async def small_bank() -> None:
    await make_branch()
    await make_products()
