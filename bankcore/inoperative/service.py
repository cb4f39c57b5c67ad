"""Reactivating an inoperative account: a manager's act, after a KYC check."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, AccountHolder, AccountStatus, HolderRole, KycStatus, Member


async def reactivate_account(*, account_number: str, reactivated_by: str) -> Account:
    """Make inoperative account ``account_number`` active again, after checking its holders' KYC.

    Every owner and joint holder must have verified KYC (the "KYC check" of the RBI
    directions); their transaction history restarts on the business date. Who did it
    (``reactivated_by``, e.g. ``staff:12``) is in the audit trail of the call. Raises
    ``DomainError``: ``NOT_FOUND`` (no such account), ``ACCOUNT_NOT_ACTIVE`` (the account
    is not inoperative), ``KYC_INCOMPLETE`` (a holder's KYC is not verified).
    Source: RBI Master Direction on KYC s.38; RBI circular on inoperative accounts (2024).
    """
    number = "".join(account_number.split())[:20]
    today = await business_date()
    async with in_transaction():
        account = await Account.get_or_none(number=number).select_for_update()
        if account is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no account {number}", field="account_number")
        if account.status != AccountStatus.INOPERATIVE:
            raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {number} is {account.status}, not inoperative",
                              field="account_number")
        holders = await AccountHolder.filter(account_id=account.id, role__in=[HolderRole.OWNER, HolderRole.JOINT]) \
            .values_list("member_id", flat=True)
        pending = await Member.filter(id__in=list(holders)).exclude(kyc_status=KycStatus.VERIFIED).count()
        if not holders or pending:
            raise DomainError(ErrorCode.KYC_INCOMPLETE,
                              "a holder's KYC is not verified: update and verify it before reactivating", field="account_number")
        account.status, account.inoperative_since, account.last_customer_activity_on = AccountStatus.ACTIVE, None, today
        await account.save(update_fields=["status", "inoperative_since", "last_customer_activity_on"])
    return await Account.get(id=account.id).select_related("ledger_account")
