"""Building a small bank for service tests: one branch, a product, verified members."""

from __future__ import annotations

from bankcore.models import Branch, HolderRole, ProductKind
from bankcore.money import Money
from bankcore.services.accounts import create_product, open_account
from bankcore.services.members import register_member, verify_kyc
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
        await deposit_cash(account_number=account.number, amount=inr(deposit), initiator="test")
    return account.number


async def small_bank() -> None:
    await make_branch()
    await make_products()
