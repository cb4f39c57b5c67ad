"""The share certificate PDF says who holds how many shares of what value."""

from __future__ import annotations

import io

import pypdf

from ui.share_certificate_pdf import CertificateData, certificate_pdf


def _text(data: CertificateData) -> str:
    return pypdf.PdfReader(io.BytesIO(certificate_pdf(data))).pages[0].extract_text()


def test_certificate_names_holder_shares_and_value() -> None:
    data = CertificateData(bank="coopbank co-operative bank", member_name="Asha Rao", member_number="00000013",
                           number="SC-0000001-1", shares=1250, nominal_value={"amount": "100.00", "currency": "INR"},
                           paid_up={"amount": "125000.00", "currency": "INR"}, issued_on="2025-06-02")
    text = _text(data)
    assert "Certificate no. SC-0000001-1" in text and "Asha Rao (member no. 00000013)" in text
    assert "1,250 fully paid-up" in text and "₹100.00 each" in text and "₹1,25,000.00" in text
    assert "Issued on 02-06-2025" in text and "CANCELLED" not in text
    cancelled = CertificateData(**{**data.__dict__, "active": False})
    assert "CANCELLED" in _text(cancelled)
