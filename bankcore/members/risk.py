"""A member's KYC risk category, changed after verification, and the re-KYC due date it sets.

The risk category decides how often KYC is renewed: the last verification date plus
``kyc.re_kyc_years_<risk>`` years (2 / 8 / 10 for high / medium / low, RBI KYC Master
Direction s.38). A checker sets it when approving KYC (``bankcore.members.kyc``); when the
bank re-assesses a member later (adverse news, a PEP, unusual transactions, or a risk that
has gone), the category changes here and the due date is counted again from the same
verification date, so raising the risk can make KYC due at once. A member not yet verified
keeps no due date: approval counts it.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from bankcore.audit import append_audit
from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.members.kyc import clean_reason
from bankcore.members.rekyc import re_kyc_due_on
from bankcore.members.settings import RE_KYC_YEARS
from bankcore.models import AuditOutcome, Member
from bankcore.models.member import RiskCategory


async def set_risk_category(*, member_number: str, risk_category: RiskCategory, reason: str, actor: str) -> Member:
    """Set the member's risk category to ``risk_category`` and recount ``re_kyc_due_on`` from
    ``kyc_verified_on`` (the years of the setting in force on the business date); the change,
    the old and new due dates and ``reason`` go to the audit log in the same transaction.

    Raises ``DomainError``: ``NOT_FOUND`` (no such member), ``INVALID_INPUT`` (no reason or
    over 255 characters; the member is in that category already; the setting under 1 year).
    """
    why = clean_reason(reason)
    risk = RiskCategory(risk_category)
    today = await business_date()
    async with in_transaction():
        member = await Member.get_or_none(member_number=member_number).select_for_update()
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
        before = RiskCategory(member.risk_category)
        if before == risk:
            raise DomainError(ErrorCode.INVALID_INPUT, f"the member's risk category is {risk} already",
                              field="risk_category")
        due_before = member.re_kyc_due_on
        if member.kyc_verified_on is not None:
            years = await RE_KYC_YEARS[risk].get(on=today)
            try:
                member.re_kyc_due_on = re_kyc_due_on(member.kyc_verified_on, years)
            except ValueError:
                raise DomainError(ErrorCode.INVALID_INPUT, f"setting kyc.re_kyc_years_{risk} must be at least 1") from None
        member.risk_category = risk
        await member.save(update_fields=["risk_category", "re_kyc_due_on", "updated_at"])
        await append_audit(actor=actor, action="kyc.risk_category", outcome=AuditOutcome.OK, object_type="member",
                           object_id=member.member_number,
                           details={"from": str(before), "to": str(risk), "reason": why,
                                    "re_kyc_due_on_before": due_before, "re_kyc_due_on": member.re_kyc_due_on})
    return member
