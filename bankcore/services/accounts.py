"""Opening accounts and changing their status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.functions import Max
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import ensure_chart
from bankcore.errors import DomainError, ErrorCode
from bankcore.members.particulars import check_opened_on, normalise_branch_code
from bankcore.models import (
    Account,
    AccountHolder,
    AccountStatus,
    Branch,
    HolderRole,
    KycStatus,
    LedgerAccount,
    LedgerKind,
    Member,
    Product,
    ProductKind,
)
from bankcore.numbering import account_number as make_account_number

# Which transitions staff may make; closing is final.
_ALLOWED: dict[AccountStatus, set[AccountStatus]] = {
    AccountStatus.PENDING: {AccountStatus.ACTIVE, AccountStatus.CLOSED},
    AccountStatus.ACTIVE: {AccountStatus.DORMANT, AccountStatus.FROZEN, AccountStatus.CLOSED},
    AccountStatus.DORMANT: {AccountStatus.ACTIVE, AccountStatus.FROZEN, AccountStatus.CLOSED},
    AccountStatus.FROZEN: {AccountStatus.ACTIVE, AccountStatus.DORMANT},
    AccountStatus.CLOSED: set(),
}


async def _next_serial(branch_code: str) -> int:
    prefix = f"{int(branch_code):03d}"
    row = await Account.filter(number__startswith=prefix).annotate(top=Max("number")).first().values("top")
    top = row["top"] if row else None
    return int(top[3:-1]) + 1 if top else 1


async def open_account(
    *,
    product_code: str,
    holders: Sequence[tuple[str, HolderRole]],
    branch_code: str | None = None,
    opened_on: date | None = None,
) -> Account:
    """Open an account under ``product_code`` for ``holders`` (member number, role) pairs.

    At least one holder must be an ``OWNER``. The account is ``active`` when every owner's
    KYC is verified, else ``pending`` until it is. Its sub-ledger account rolls up to the
    product's control account, with the product's floor (minimum balance less overdraft).
    The branch defaults to the first owner's.

    Raises ``DomainError``: ``NOT_FOUND`` (product, member, branch), ``PRODUCT_INACTIVE``,
    ``HOLDER_REQUIRED`` (no owner), ``INVALID_INPUT`` (a member listed twice in one role,
    a branch code that is not 1-3 digits), ``INVALID_DATE`` (``opened_on`` after the business date).
    """
    product = await Product.get_or_none(code=product_code).select_related("control_account")
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no product {product_code}", field="product_code")
    if not product.active:
        raise DomainError(ErrorCode.PRODUCT_INACTIVE, f"product {product_code} is not open for new accounts")
    if not any(role is HolderRole.OWNER for _, role in holders):
        raise DomainError(ErrorCode.HOLDER_REQUIRED, "an account needs an owner", field="holders")
    if len(set(holders)) != len(holders):
        raise DomainError(ErrorCode.INVALID_INPUT, "a member is listed twice in the same role", field="holders")
    numbers = {number for number, _ in holders}
    members = {m.member_number: m for m in await Member.filter(member_number__in=numbers).select_related("branch")}
    for number in numbers:
        if number not in members:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {number}", field="holders")
    first_owner = members[next(n for n, r in holders if r is HolderRole.OWNER)]
    if branch_code is None:
        branch = first_owner.branch
    else:
        code = normalise_branch_code(branch_code)
        branch = await Branch.get_or_none(code=code)
        if branch is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no branch {code}", field="branch_code")
    owners_verified = all(
        members[n].kyc_status == KycStatus.VERIFIED for n, r in holders if r is HolderRole.OWNER
    )
    await ensure_chart(currency=product.currency)
    today = await business_date()
    opened_on = check_opened_on(opened_on, business_date=today) if opened_on else today
    kind = LedgerKind.ASSET if product.kind == ProductKind.LOAN else LedgerKind.LIABILITY
    for _ in range(5):
        try:
            async with in_transaction():
                number = make_account_number(branch_code=branch.code, serial=await _next_serial(branch.code))
                ledger = await LedgerAccount.create(
                    code=number,
                    name=f"{product.name} {number}",
                    kind=kind,
                    currency=product.currency,
                    parent=product.control_account,
                    tracks_balance=True,
                    floor_minor=None if product.kind == ProductKind.LOAN else product.floor_minor,
                )
                account = await Account.create(
                    number=number,
                    ledger_account=ledger,
                    product=product,
                    branch=branch,
                    status=AccountStatus.ACTIVE if owners_verified else AccountStatus.PENDING,
                    opened_on=opened_on,
                )
                await AccountHolder.bulk_create(
                    [AccountHolder(account=account, member=members[n], role=r) for n, r in holders]
                )
                return account
        except IntegrityError:
            continue  # a concurrent opening took the serial
    raise DomainError(ErrorCode.INVALID_INPUT, "account could not be opened, try again")


async def change_account_status(*, account_number: str, status: AccountStatus) -> Account:
    """Move an account to ``status`` (freeze, unfreeze, mark dormant, close).

    Locks the account's ledger row so the change is ordered against postings. Closing
    needs a zero balance. Raises ``DomainError``: ``NOT_FOUND``, ``INVALID_INPUT``
    (transition not allowed, or closing with money in it).
    """
    from bankcore.services._lookup import get_account

    ref = await get_account(account_number)
    async with in_transaction():
        ledger = await LedgerAccount.filter(id=ref.ledger_account_id).select_for_update().first()
        account = await Account.get(id=ref.id)
        current = AccountStatus(account.status)
        if status not in _ALLOWED[current]:
            raise DomainError(ErrorCode.INVALID_INPUT, f"cannot change a {current} account to {status}", field="status")
        if status is AccountStatus.CLOSED and ledger.balance_minor != 0:
            raise DomainError(ErrorCode.INVALID_INPUT, "only an account with zero balance can be closed", field="status")
        account.status = status
        if status is AccountStatus.CLOSED:
            account.closed_on = await business_date()
        await account.save(update_fields=["status", "closed_on"])
    return account


async def create_product(
    *,
    code: str,
    name: str,
    kind: ProductKind,
    currency: str,
    interest_rate_bps: int = 0,
    min_balance_minor: int = 0,
    overdraft_limit_minor: int = 0,
) -> Product:
    """Create a savings, current or loan product rolling up to its standard control account.

    Raises ``DomainError(INVALID_INPUT)`` for negative limits or a rate outside 0-10000 bps,
    ``UNSUPPORTED_CURRENCY``.
    """
    from bankcore.chart import CURRENT_DEPOSITS, LOANS, SAVINGS_DEPOSITS

    if min_balance_minor < 0 or overdraft_limit_minor < 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "limits cannot be negative")
    if not 0 <= interest_rate_bps <= 10_000:
        raise DomainError(ErrorCode.INVALID_INPUT, "rate must be 0-100%", field="interest_rate_bps")
    if await Product.exists(code=code):
        raise DomainError(ErrorCode.INVALID_INPUT, f"a product {code} exists already", field="code")
    chart = await ensure_chart(currency=currency)
    control = {ProductKind.SAVINGS: SAVINGS_DEPOSITS, ProductKind.CURRENT: CURRENT_DEPOSITS, ProductKind.LOAN: LOANS}[kind]
    return await Product.create(
        code=code,
        name=name,
        kind=kind,
        currency=currency,
        interest_rate_bps=interest_rate_bps,
        min_balance_minor=min_balance_minor,
        overdraft_limit_minor=overdraft_limit_minor,
        control_account=chart[control],
    )


async def set_nominee(*, account_number: str, nominee_member_number: str | None) -> Account:
    """Name the member who is the account's nominee, replacing any before; None removes it.

    The nominee must be a member and may not already operate the account (owner, joint or
    mandate holder). Raises ``DomainError``: ``NOT_FOUND`` (account or member),
    ``INVALID_INPUT`` (the nominee operates the account).
    """
    from bankcore.services._lookup import get_account

    ref = await get_account(account_number)
    nominee = None
    if nominee_member_number is not None:
        nominee = await Member.get_or_none(member_number=nominee_member_number.strip()).only("id")
        if nominee is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {nominee_member_number}", field="nominee_member_number")
        operates = await AccountHolder.filter(account_id=ref.id, member_id=nominee.id).exclude(role=HolderRole.NOMINEE).exists()
        if operates:
            raise DomainError(ErrorCode.INVALID_INPUT, "a holder of the account cannot be its nominee", field="nominee_member_number")
    async with in_transaction():
        await AccountHolder.filter(account_id=ref.id, role=HolderRole.NOMINEE).delete()
        if nominee is not None:
            await AccountHolder.create(account_id=ref.id, member_id=nominee.id, role=HolderRole.NOMINEE)
    return await Account.get(id=ref.id).select_related("ledger_account")
