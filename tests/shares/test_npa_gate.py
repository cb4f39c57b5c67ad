"""The dividend's net NPA gate, read from the loans domain's classification on the loan rows."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.books.year_end import close_financial_year
from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.chart import CASH
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, EntryType, HolderRole, Loan, LoanStatus, Member, ProductKind
from bankcore.services._lookup import get_account, gl_account_id
from bankcore.services.accounts import create_product, open_account
from bankcore.shares.dividend import propose_dividend
from bankcore.shares.npa_gate import net_npa_bps
from bankcore.shares.register import purchase_shares
from tests.shares.factory import START, bank_with_members
from tests.shares.test_year_end_dividend import _book


async def _loan(member_number: str, savings: str, amount_minor: int, *, asset_class: str = "STANDARD",
                provision_minor: int = 0) -> Loan:
    """A disbursed loan of ``amount_minor`` outstanding, classified ``asset_class``."""
    if not await Account.filter(product__code="LN").exists():
        await create_product(code="LN", name="Loan", kind=ProductKind.LOAN, currency="INR", interest_rate_bps=1200)
    account = await open_account(product_code="LN", holders=[(member_number, HolderRole.OWNER)])
    loan = await Loan.create(account_id=account.id, repayment_account=await Account.get(number=savings), granted_on=START,
                             member=await Member.get(member_number=member_number), amount_minor=amount_minor, currency="INR",
                             duration_months=12, instalment_minor=amount_minor // 12, status=LoanStatus.ACTIVE,
                             asset_class=asset_class, provision_minor=provision_minor)
    ledger_id = (await get_account(account.number)).ledger_account_id
    await post_entry(EntryDraft(entry_type=EntryType.LOAN_DISBURSAL, value_date=None, narration="disbursal", initiator="t",
                                postings=(debit(ledger_id, amount_minor, "INR"), credit(await gl_account_id(CASH, "INR"), amount_minor, "INR"))))
    return loan


async def test_net_npa_from_classified_loans_refuses_then_allows_a_dividend(db: str) -> None:
    people = await bank_with_members("Asha", "Ravi")
    (asha, asha_sb), (ravi, ravi_sb) = people["Asha"], people["Ravi"]
    await purchase_shares(member_number=asha, shares=10, from_account_number=asha_sb, initiator="c", idempotency_key="a")
    assert await net_npa_bps(currency="INR") == 0  # no advances
    await _loan(asha, asha_sb, 90_000_00)
    npa = await _loan(ravi, ravi_sb, 10_000_00, asset_class="SUBSTANDARD")
    # 10,000 of 1,00,000 is NPA, nothing provided: 10 %
    assert await net_npa_bps(currency="INR") == 1000
    await _book(50_000_00, 0 + 1, START)
    await set_business_date_at_least(date(2026, 4, 1))
    await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    with pytest.raises(DomainError) as high:
        await propose_dividend(financial_year=2025, rate_bps=1000, initiator="accountant", idempotency_key="d1")
    assert high.value.code is ErrorCode.NPA_TOO_HIGH
    # provisions of 9,500 on it: net NPA 500 / net advances 90,500 = 0.55 %
    await Loan.filter(id=npa.id).update(provision_minor=9_500_00)
    assert await net_npa_bps(currency="INR") == 55
    proposal = await propose_dividend(financial_year=2025, rate_bps=1000, initiator="accountant", idempotency_key="d2")
    assert proposal.net_npa_bps == 55
