"""Opening fixed and recurring deposits, their maturity instruction, and premature closure.

A deposit is opened from the member's savings (or current) account, or from cash at the
counter: one entry Dr savings (or cash in hand), Cr the deposit's own sub-ledger account
under Fixed deposits (2312) or Recurring deposits (2313). The rate is the product's
card rate for the tenure, from the chart in force on the opening date, plus the
senior-citizen extra for members 60 or older on that date (RBI Master Direction,
Interest Rate on Deposits: banks may offer senior citizens a higher rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.counter import rules as cash_rules
from bankcore.chart import CASH, FIXED_DEPOSITS, RECURRING_DEPOSITS, ensure_chart
from bankcore.deposits.periods import age_on
from bankcore.deposits.products import card_rate, get_product
from bankcore.deposits.settings import SENIOR_CITIZEN_AGE
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.loans.dates import add_months
from bankcore.models import (
    Account,
    AccountHolder,
    AccountStatus,
    DepositKind,
    DepositLien,
    DepositProduct,
    DepositStatus,
    EntryType,
    HolderRole,
    InterestPayout,
    LedgerAccount,
    LedgerKind,
    LienStatus,
    MaturityInstruction,
    Member,
    ProductKind,
    TermDeposit,
)
from bankcore.money import Money
from bankcore.services._lookup import gl_account_id

_PREFIX = {DepositKind.FIXED: "FD", DepositKind.RECURRING: "RD"}


@dataclass(frozen=True, slots=True)
class OpenedDeposit:
    deposit: TermDeposit
    replayed: bool = False


def make_deposit_number(kind: DepositKind, branch_code: str, serial: int) -> str:
    """``FD`` or ``RD``, 3-digit branch, 7-digit serial and a Luhn check digit over the digits: ``FD00100000127``."""
    digits = f"{int(branch_code):03d}{serial:07d}"
    return f"{_PREFIX[kind]}{digits}{luhn.calc_check_digit(digits)}"


def _check_key(key: str | None) -> None:
    if key is not None and not (1 <= len(key) <= 100 and key.isprintable()):
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-100 printable characters",
                          field="idempotency_key")


async def get_deposit(number: str, *, for_update: bool = False) -> TermDeposit:
    """The deposit ``number`` (spaces ignored); ``DomainError(NOT_FOUND)`` if none."""
    compact = "".join((number or "").split()).upper()[:20]
    query = TermDeposit.filter(number=compact)
    if for_update:
        query = query.select_for_update()
    deposit = await query.first()
    if deposit is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no deposit {compact}", field="deposit_number")
    return deposit


async def active_deposit(number: str, *, member_id: int | None = None) -> TermDeposit:
    """The deposit ``number``, locked for the caller's transaction, that is ACTIVE and (when
    ``member_id`` is given) that member's. Raises ``DomainError``: ``NOT_FOUND`` (also for
    another member's: no oracle), ``DEPOSIT_NOT_ACTIVE``."""
    deposit = await get_deposit(number, for_update=True)
    if member_id is not None and deposit.member_id != member_id:
        raise DomainError(ErrorCode.NOT_FOUND, f"no deposit {deposit.number}", field="deposit_number")
    if deposit.status != DepositStatus.ACTIVE:
        raise DomainError(ErrorCode.DEPOSIT_NOT_ACTIVE, f"deposit {deposit.number} is {deposit.status}")
    return deposit


async def _funding_account(number: str, field: str) -> tuple[Account, Member]:
    """A savings or current account and its first owner (the deposit's holder)."""
    compact = "".join((number or "").split())[:20]
    account = await Account.get_or_none(number=compact).select_related("product", "ledger_account")
    if account is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no account {compact}", field=field)
    if account.product.kind == ProductKind.LOAN:
        raise DomainError(ErrorCode.INVALID_INPUT, "a deposit is funded from a savings or current account", field=field)
    if account.status != AccountStatus.ACTIVE:
        raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {compact} is {account.status}", field=field)
    holder = await AccountHolder.filter(account_id=account.id, role=HolderRole.OWNER).order_by("id") \
        .select_related("member").first()
    if holder is None:
        raise DomainError(ErrorCode.HOLDER_REQUIRED, "the account has no owner", field=field)
    return account, holder.member


async def _funding_for(number: str, *, member_id: int | None, currency: str) -> tuple[Account, Member]:
    """``_funding_account`` for a deposit in ``currency``: a member (``member_id``) only from an
    account they own; refused (CURRENCY_MISMATCH) when the account is in another currency."""
    account, member = await _funding_account(number, "from_account_number")
    if member_id is not None and member.id != member_id:
        raise DomainError(ErrorCode.NOT_FOUND, f"no account {account.number}", field="from_account_number")
    if account.ledger_account.currency != currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, "the account is in another currency", field="from_account_number")
    return account, member


async def contracted_rate(product: DepositProduct, member: Member, opened_on: date, maturity: date) -> tuple[int, bool]:
    """Card rate for the term from the chart in force on ``opened_on``, plus the senior extra; (bps, senior?)."""
    rate = await card_rate(product, (maturity - opened_on).days, opened_on)
    age = age_on(member.date_of_birth, opened_on)
    senior = age is not None and age >= await SENIOR_CITIZEN_AGE.get(on=opened_on)
    return rate + (product.senior_extra_bps if senior else 0), senior


async def _new_deposit_row(*, product: DepositProduct, member: Member, payout_account: Account, amount_minor: int,
                           tenure_months: int, opened_on: date, payout: InterestPayout,
                           instruction: MaturityInstruction, initiator: str, idempotency_key: str | None,
                           fingerprint: str | None, renewed_from: TermDeposit | None = None,
                           rate: tuple[int, bool] | None = None) -> TermDeposit:
    """Create the deposit and its sub-ledger account (inside the caller's transaction)."""
    kind = DepositKind(product.kind)
    maturity = add_months(opened_on, tenure_months)
    rate_bps, senior = rate or await contracted_rate(product, member, opened_on, maturity)
    chart = await ensure_chart(currency=product.currency)
    control = chart[FIXED_DEPOSITS if kind is DepositKind.FIXED else RECURRING_DEPOSITS]
    branch = await payout_account.branch
    serial = await TermDeposit.filter(branch_id=branch.id).count() + 1
    while await LedgerAccount.exists(code=make_deposit_number(kind, branch.code, serial)):
        serial += 1
    number = make_deposit_number(kind, branch.code, serial)
    ledger = await LedgerAccount.create(
        code=number, name=f"{product.name} {number}", kind=LedgerKind.LIABILITY, currency=product.currency,
        parent=control, tracks_balance=True, floor_minor=0,
    )
    return await TermDeposit.create(
        number=number, kind=kind, product=product, member=member, branch=branch, ledger_account=ledger,
        payout_account=payout_account, currency=product.currency, principal_minor=amount_minor, rate_bps=rate_bps,
        senior_citizen=senior, tenure_months=tenure_months, opened_on=opened_on, maturity_date=maturity,
        payout=payout, maturity_instruction=instruction, opened_by=initiator[:100],
        idempotency_key=idempotency_key, request_fingerprint=fingerprint, renewed_from=renewed_from,
        instalments_paid=1 if kind is DepositKind.RECURRING else 0,
    )


async def _checked_terms(*, kind: DepositKind, product_code: str, amount: Money, tenure_months: int,
                         payout: InterestPayout, instruction: MaturityInstruction) -> DepositProduct:
    """The product, once the deposit's terms are within it (what ``open_deposit`` and
    ``quote_fixed_deposit`` refuse alike)."""
    product = await get_product(product_code)
    if DepositKind(product.kind) is not kind:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{product.code} is not a {kind.value.lower()} deposit product",
                          field="product_code")
    if not product.active:
        raise DomainError(ErrorCode.PRODUCT_INACTIVE, f"product {product.code} is not open for new deposits")
    if kind is DepositKind.RECURRING and (payout is not InterestPayout.CUMULATIVE
                                          or instruction is not MaturityInstruction.CREDIT_SAVINGS):
        raise DomainError(ErrorCode.INVALID_INPUT, "a recurring deposit pays at maturity into savings", field="payout")
    if payout.value not in product.payouts.split(","):
        raise DomainError(ErrorCode.INVALID_INPUT, f"{product.code} does not offer {payout.value} payout", field="payout")
    if amount.currency != product.currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"{product.code} takes {product.currency}", field="principal")
    if amount.amount_minor < product.min_amount_minor or (
            product.max_amount_minor is not None and amount.amount_minor > product.max_amount_minor):
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"the amount must be at least {Money(product.min_amount_minor, product.currency)}"
                          + (f" and at most {Money(product.max_amount_minor, product.currency)}" if product.max_amount_minor else ""),
                          field="principal")
    if type(tenure_months) is not int or not product.min_tenure_months <= tenure_months <= product.max_tenure_months:
        raise DomainError(ErrorCode.INVALID_TENURE,
                          f"tenure must be {product.min_tenure_months}-{product.max_tenure_months} months",
                          field="tenure_months")
    return product


async def open_deposit(
    *,
    kind: DepositKind,
    product_code: str,
    amount: Money,
    tenure_months: int,
    from_account_number: str,
    initiator: str,
    payout: InterestPayout = InterestPayout.CUMULATIVE,
    maturity_instruction: MaturityInstruction = MaturityInstruction.CREDIT_SAVINGS,
    from_cash: bool = False,
    idempotency_key: str | None = None,
    member_id: int | None = None,
    form60: bool = False,
) -> OpenedDeposit:
    """Open a fixed deposit of ``amount`` (or a recurring deposit of ``amount`` a month) for ``tenure_months``.

    ``from_account_number`` is the member's savings or current account: the money comes from
    it (unless ``from_cash``: paid in at the counter) and the interest payouts, maturity
    value and (RD) later instalments go to and come from it. Its first owner holds the
    deposit; ``member_id`` (a member acting in the portal) must be that owner. An RD's first
    instalment is paid on opening. Idempotent per key (same key and request: the first deposit).
    Cash passes the counter's rules (``bankcore.counter.rules``): above the rule 114B
    threshold the holder needs a PAN on record or ``form60`` (a Form 60 received), and the
    day's cash from the holder, this deposit included, must stay below the s.269ST limit.

    Raises ``DomainError``: ``NOT_FOUND`` (product, account), ``PRODUCT_INACTIVE``,
    ``INVALID_INPUT`` (wrong kind of product or account, payout not offered, RD payout or
    renewal), ``INVALID_AMOUNT`` (below the product's minimum or above its maximum),
    ``CURRENCY_MISMATCH``, ``INVALID_TENURE`` (outside the product's limits or its chart),
    ``ACCOUNT_NOT_ACTIVE``, ``INSUFFICIENT_FUNDS``, ``IDEMPOTENCY_CONFLICT``; from cash also
    ``PAN_REQUIRED`` (no PAN and no Form 60 above the threshold) and ``CASH_LIMIT_EXCEEDED`` (s.269ST).
    """
    _check_key(idempotency_key)
    kind = DepositKind(kind)
    payout = InterestPayout(payout)
    instruction = MaturityInstruction(maturity_instruction)
    fingerprint = request_fingerprint({
        "op": "open_deposit", "kind": kind.value, "product": product_code, "amount": amount.amount_minor,
        "currency": amount.currency, "tenure": tenure_months, "from": from_account_number, "cash": from_cash,
        "payout": payout.value, "instruction": instruction.value,
    })
    if idempotency_key is not None:
        existing = await TermDeposit.get_or_none(idempotency_key=idempotency_key)
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was used for another request",
                                  field="idempotency_key")
            return OpenedDeposit(existing, replayed=True)
    product = await _checked_terms(kind=kind, product_code=product_code, amount=amount, tenure_months=tenure_months,
                                   payout=payout, instruction=instruction)
    account, member = await _funding_for(from_account_number, member_id=member_id, currency=product.currency)
    today = await business_date()
    source = await gl_account_id(CASH, product.currency) if from_cash else account.ledger_account_id
    effects = None
    on_form60 = False
    if from_cash:  # the holder pays the cash in: the counter's PAN / Form 60 and s.269ST rules
        holder = cash_rules.Depositor(member.id, member.member_number, bool(member.pan), str(account.product.kind))
        on_form60 = await cash_rules.check_pan(holder, amount, form60=form60)
        effects = cash_rules.per_person_limit_effect(member.id, product.currency)
    try:
        async with in_transaction():
            deposit = await _new_deposit_row(
                product=product, member=member, payout_account=account, amount_minor=amount.amount_minor,
                tenure_months=tenure_months, opened_on=today, payout=payout, instruction=instruction,
                initiator=initiator, idempotency_key=idempotency_key, fingerprint=fingerprint,
            )
            what = "Fixed deposit" if kind is DepositKind.FIXED else "Recurring deposit instalment 1,"
            await post_entry(EntryDraft(
                entry_type=EntryType.CASH_DEPOSIT if from_cash else EntryType.TRANSFER, value_date=None,
                narration=f"{what} {deposit.number} opened" + (" (cash)" if from_cash else f" from {account.number}")
                + (" (Form 60)" if on_form60 else ""),
                initiator=initiator,
                postings=(debit(source, amount.amount_minor, product.currency),
                          credit(deposit.ledger_account_id, amount.amount_minor, product.currency)),
            ), effects=effects)
    except IntegrityError:
        if idempotency_key is not None:
            existing = await TermDeposit.get_or_none(idempotency_key=idempotency_key)
            if existing is not None and existing.request_fingerprint == fingerprint:
                return OpenedDeposit(existing, replayed=True)
        raise
    return OpenedDeposit(await TermDeposit.get(id=deposit.id))


async def set_maturity_instruction(*, deposit_number: str, instruction: MaturityInstruction,
                                   member_id: int | None = None) -> TermDeposit:
    """Change what happens to an active fixed deposit at maturity.

    Raises ``DomainError``: ``NOT_FOUND`` (no such deposit, or not ``member_id``'s),
    ``DEPOSIT_NOT_ACTIVE``, ``INVALID_INPUT`` (a recurring deposit is always paid into savings).
    """
    instruction = MaturityInstruction(instruction)
    async with in_transaction():
        deposit = await active_deposit(deposit_number, member_id=member_id)
        if deposit.kind == DepositKind.RECURRING and instruction is not MaturityInstruction.CREDIT_SAVINGS:
            raise DomainError(ErrorCode.INVALID_INPUT, "a recurring deposit is paid into savings at maturity",
                              field="instruction")
        deposit.maturity_instruction = instruction
        await deposit.save(update_fields=["maturity_instruction"])
    return deposit


async def active_lien_minor(deposit_id: int) -> int:
    """The sum of the deposit's active liens (minor units)."""
    amounts = await DepositLien.filter(deposit_id=deposit_id, status=LienStatus.ACTIVE).values_list("amount_minor",
                                                                                                   flat=True)
    return sum(amounts)


@dataclass(frozen=True, slots=True)
class DepositQuote:
    """What opening a fixed deposit today would contract: the rate (basis points a year, the
    senior citizen's extra included), the maturity date and what it pays at maturity before TDS
    (minor units: the principal and, for a cumulative deposit, its compounded interest)."""

    rate_bps: int
    senior_citizen: bool
    opened_on: date
    maturity_date: date
    maturity_value_minor: int
    interest_minor: int
    currency: str


async def quote_fixed_deposit(*, product_code: str, amount: Money, tenure_months: int, payout: InterestPayout,
                              from_account_number: str, member_id: int | None = None) -> DepositQuote:
    """The terms ``open_deposit`` would give this fixed deposit on the business date, without
    opening it: the same checks, the same rate chart (``contracted_rate``) and the same interest
    maths (``maturity_interest``). ``amount`` in the product's currency; ``member_id``: a member
    may quote only from their own account.

    Raises ``DomainError``: the codes of ``open_deposit``'s checks (NOT_FOUND, PRODUCT_INACTIVE,
    INVALID_INPUT, CURRENCY_MISMATCH, INVALID_AMOUNT, INVALID_TENURE, ACCOUNT_NOT_ACTIVE).
    """
    from bankcore.deposits.closing import maturity_interest

    payout = InterestPayout(payout)
    product = await _checked_terms(kind=DepositKind.FIXED, product_code=product_code, amount=amount,
                                   tenure_months=tenure_months, payout=payout,
                                   instruction=MaturityInstruction.CREDIT_SAVINGS)
    account, member = await _funding_for(from_account_number, member_id=member_id, currency=product.currency)
    today = await business_date()
    maturity = add_months(today, tenure_months)
    rate_bps, senior = await contracted_rate(product, member, today, maturity)
    # An unsaved deposit row: the interest maths read the same fields as for an opened one.
    draft = TermDeposit(kind=DepositKind.FIXED, currency=product.currency, principal_minor=amount.amount_minor,
                        rate_bps=rate_bps, tenure_months=tenure_months, opened_on=today, maturity_date=maturity,
                        payout=payout, instalments_paid=0)
    interest = maturity_interest(draft)
    paid_at_maturity = amount.amount_minor + (interest if payout is InterestPayout.CUMULATIVE else 0)
    return DepositQuote(rate_bps=rate_bps, senior_citizen=senior, opened_on=today, maturity_date=maturity,
                        maturity_value_minor=paid_at_maturity, interest_minor=interest, currency=product.currency)
