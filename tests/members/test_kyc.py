"""KYC: documents, the checker's decision, re-KYC due dates (bankcore services, real DB)."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.calendar.business_date import ensure_calendar
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import KycDocumentType
from bankcore.services.members import record_kyc_document
from tests.ledger.factory import make_member, small_bank


async def test_document_expiry_is_judged_on_the_business_date_not_the_wall_clock(db: str) -> None:
    # given: the bank's business date is in 2024 (tests and imports run in the past)
    await ensure_calendar(start=date(2024, 1, 15))
    await small_bank()
    number = await make_member("Anil Kulkarni")
    # when: a passport valid until mid-2025 (long past by the wall clock), and one that
    # expired the day before the business date
    valid = await record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z1234567",
                                      issued_on=date(2015, 7, 1), expires_on=date(2025, 6, 30))
    with pytest.raises(DomainError) as expired:
        await record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z7654321",
                                  expires_on=date(2024, 1, 14))
    # then
    assert valid.expires_on == date(2025, 6, 30)
    assert expired.value.code is ErrorCode.INVALID_DATE
